"""Placeholder: filled in next."""

urls = []
