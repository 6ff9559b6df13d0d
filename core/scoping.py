"""Jurisdiction scoping: one mechanism turns (user, model) into the rows they may see.

Each model registers, per role, a rule that returns a ``Q`` (or ``ALL``). A user
sees the union of what their roles allow. A model with no registration, or a
role with no rule, sees nothing: access is denied by default.

Register rules next to the app that owns the model (``<app>/scoping_rules.py``,
imported from the app's ``AppConfig.ready``)::

    scoping.register(Worker, {
        RoleCode.STATE_ADMIN: scoping.ALL,
        RoleCode.LABOUR_OFFICER: scoping.in_districts("district"),
        RoleCode.CSC_OPERATOR: scoping.is_user("registered_by"),
        RoleCode.WORKER: scoping.is_user("owner"),
    })

Views never filter by hand: they start from ``scoped(user, Model)`` (or a
selector that does), so an object outside scope is simply not found (404).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet

ALL = object()
"""Rule result meaning: every row of the model."""

Rule = Callable[["object"], "Q | object"]
_registry: dict[type[Model], dict[str, Rule]] = {}


def register(model: type[Model], rules: Mapping[str, Rule | object]) -> None:
    """Register the per-role visibility rules of a model (replacing earlier ones)."""
    compiled: dict[str, Rule] = {}
    for role, rule in rules.items():
        compiled[str(role)] = (lambda user: ALL) if rule is ALL else rule
    _registry[model] = compiled


def registered_models() -> list[type[Model]]:
    """Return the models that have scoping rules."""
    return list(_registry)


def rules_for(model: type[Model]) -> dict[str, Rule]:
    """Return the rules of a model, failing loudly for an unregistered one."""
    concrete = model._meta.concrete_model
    try:
        return _registry[concrete]
    except KeyError:
        raise ImproperlyConfigured(
            f"{concrete._meta.label} has no scoping rules; register them in "
            f"{concrete._meta.app_label}/scoping_rules.py"
        ) from None


def visibility_q(user, model: type[Model]) -> Q | object:
    """Return the filter of the rows ``user`` may see, ``ALL``, or an always-false Q."""
    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing
    rules = rules_for(model)
    combined = None
    for role in user.role_codes:
        rule = rules.get(role)
        if rule is None:
            continue
        part = rule(user)
        if part is ALL:
            return ALL
        combined = part if combined is None else combined | part
    return nothing if combined is None else combined


def scoped(user, model_or_queryset: type[Model] | QuerySet) -> QuerySet:
    """Return the rows of a model (or of a queryset) that ``user`` may see."""
    if isinstance(model_or_queryset, QuerySet):
        queryset, model = model_or_queryset, model_or_queryset.model
    else:
        model = model_or_queryset
        queryset = model._default_manager.all()
    q = visibility_q(user, model)
    if q is ALL:
        return queryset
    return queryset.filter(q)


def can_see_model(user, model: type[Model]) -> bool:
    """Return whether any role of ``user`` has a rule for ``model`` at all."""
    if user is None or not user.is_authenticated:
        return False
    return bool(set(rules_for(model)) & set(user.role_codes))


# --- Rule builders ------------------------------------------------------------------


def in_districts(path: str) -> Rule:
    """Rows whose district (reached by ``path``) is in the user's jurisdiction."""

    def rule(user):
        return Q(**{f"{path}__in": list(user.district_ids)})

    return rule


def in_home_district(path: str) -> Rule:
    """Rows whose district (by ``path``) is the user's home district (CSC operators)."""

    def rule(user):
        if user.home_district_id is None:
            return Q(pk__in=[])
        return Q(**{path: user.home_district_id})

    return rule


def is_user(path: str) -> Rule:
    """Rows linked to the user by ``path`` (their own records, or records they made)."""

    def rule(user):
        return Q(**{path: user.pk})

    return rule


def any_of(*rules: Rule) -> Rule:
    """Rows allowed by any of ``rules``."""

    def rule(user):
        combined = Q(pk__in=[])
        for part_rule in rules:
            part = part_rule(user)
            if part is ALL:
                return ALL
            combined |= part
        return combined

    return rule
