"""Keeping children's records: backups, encryption keys, retention and subject access."""
