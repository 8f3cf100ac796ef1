"""People: citizens and patients, their identifiers and protected identity."""
