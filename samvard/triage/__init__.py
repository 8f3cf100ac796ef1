"""Symptom assessment: clinical content as versioned data, and the pure engine over it."""
