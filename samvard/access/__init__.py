"""Access control: the one policy that decides every access to personal data."""
