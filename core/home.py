"""Home page sections from the apps: core knows no app, apps add what their users need.

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
