"""Public pages of registration (no login): the labour card verification page."""

urls = []
