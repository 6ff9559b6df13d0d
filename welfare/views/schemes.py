"""Placeholder: filled in by the welfare views work."""

urls = []
