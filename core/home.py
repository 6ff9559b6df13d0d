"""Hooks through which apps add to core pages (core imports no app).

Home page sections: apps add what their users need.

An app registers a function ``(user, roles) -> dict`` from its ``AppConfig.ready``;
the home view merges what each returns into the template context.
"""

from collections.abc import Callable

_providers: list[Callable] = []


def home_context_register(func: Callable) -> Callable:
    """Register a function that adds context to the logged-in home page."""
    _providers.append(func)
    return func


def home_context(*, user, roles) -> dict:
    """Return the context every registered app adds for this user."""
    context: dict = {}
    for provider in _providers:
        context.update(provider(user, roles))
    return context


_subject_providers: list[Callable] = []


def subject_records_register(func: Callable) -> Callable:
    """Register a function ``(user) -> records about that person`` (for "who saw my record")."""
    _subject_providers.append(func)
    return func


def subject_records(*, user) -> list:
    """Return the user's own account and every app record about them."""
    records = [user]
    for provider in _subject_providers:
        records.extend(provider(user))
    return records
