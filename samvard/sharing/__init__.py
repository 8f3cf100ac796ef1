"""Coordinated care documentation across organisations: consent, blocks, emergency access
and the engagement index (lag 2022:913 and patientdatalagen)."""
