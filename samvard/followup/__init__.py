"""Effect follow-up of first-line care: what happened in each assessment, counted per region."""
