"""Views of registration: cards."""

urls = []
