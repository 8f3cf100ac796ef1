"""Production planning and follow-up of asylum health care: monthly reports, need and production."""
