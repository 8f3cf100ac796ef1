"""Samvård: first-line digital care and coordinated care."""
