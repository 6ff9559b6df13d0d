"""Reads of the employers app, always starting from core scoping."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q

from core.scoping import scoped
from employers.models import Establishment


def establishment_list(*, user):
    """Return the establishments the user may see."""
    return scoped(user, Establishment).select_related("district", "block", "owner")


def establishments_with_certification(queryset, *, year: int):
    """Annotate ``certified_count`` (a valid self-certification of ``year``) and
    ``certification_count`` (one of ``year``, valid or revoked).

    One certification per establishment and year (a unique constraint), so each count
    is 0 or 1.
    """
    return queryset.annotate(
        certified_count=Count("certifications", distinct=True,
                              filter=Q(certifications__year=year,
                                       certifications__status="valid")),
        certification_count=Count("certifications", distinct=True,
                                  filter=Q(certifications__year=year)))


def factory_of(establishment: Establishment):
    """Return the establishment's factory licence record (selected with it), or None."""
    try:
        return establishment.factory
    except ObjectDoesNotExist:
        return None
