"""Placeholder: filled in by the migrants pages work."""

urls = []
