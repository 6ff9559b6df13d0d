"""Views of registration: imports."""

urls = []
