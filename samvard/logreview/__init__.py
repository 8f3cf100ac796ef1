"""Systematic review of access logs (logguppföljning): triggers, sampling, outcomes."""
