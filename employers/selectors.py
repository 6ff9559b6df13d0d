"""Reads of the employers app, always starting from core scoping."""

from core.scoping import scoped
from employers.models import Establishment


def establishment_list(*, user):
    """Return the establishments the user may see."""
    return scoped(user, Establishment).select_related("district", "block", "owner")
