"""A citizen's symptom assessment (egenbedömning), for themselves or their child."""
