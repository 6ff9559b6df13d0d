"""Employers' establishments: factories, construction projects' builders, shops, contractors.

An establishment belongs to the employer's login that registered it (``owner``)
and to a district, whose officers and safety inspectors see it. Establishments are
built once, here (DECISIONS); compliance (factory safety, cess, voluntary
compliance) and the employer services engine refer to them.
"""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Block, District, row_events


class Sector(models.TextChoices):
    """Industrial sectors; factory risk starts from the sector's (see compliance.rules)."""

    CHEMICALS = "chemicals", _("Chemicals and fertilisers")
    PETROLEUM = "petroleum", _("Petroleum, gas and refineries")
    PHARMA = "pharma", _("Pharmaceuticals")
    EXPLOSIVES = "explosives", _("Explosives and fireworks")
    STEEL = "steel", _("Iron, steel and foundries")
    POWER = "power", _("Power generation")
    CEMENT = "cement", _("Cement and lime")
    ENGINEERING = "engineering", _("Engineering and fabrication")
    TEXTILES = "textiles", _("Textiles and garments")
    FOOD = "food", _("Food processing and rice mills")
    CONSTRUCTION = "construction", _("Building and construction")
    RETAIL = "retail", _("Shops and commercial establishments")
    OTHER = "other", _("Other")


@pghistory.track(*row_events())
class Establishment(models.Model):
    """An establishment registered by an employer."""

    class Kind(models.TextChoices):
        FACTORY = "factory", _("Factory")
        CONSTRUCTION = "construction", _("Construction (builder / project owner)")
        SHOP = "shop", _("Shop or commercial establishment")
        CONTRACTOR = "contractor", _("Contractor")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="establishments", verbose_name=_("employer"))
    name = models.CharField(_("name of the establishment"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    sector = models.CharField(_("sector"), max_length=15, choices=Sector.choices,
                              default=Sector.OTHER)
    address = models.TextField(_("address"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    block = models.ForeignKey(Block, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("block"))
    pan = models.CharField(_("PAN"), max_length=10)
    gstin = models.CharField(_("GSTIN"), max_length=15, blank=True)
    workers_count = models.PositiveIntegerField(_("number of workers"))
    contact_phone = models.CharField(_("phone"), max_length=15, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["factory", "construction", "shop", "contractor"]),
                name="employers_establishment_kind_valid"),
            # The same employer does not register the same establishment twice.
            models.UniqueConstraint(fields=["owner", "name", "district"],
                                    name="employers_establishment_once_per_owner"),
        ]
        indexes = [
            # Officers' list of their district's establishments by type.
            models.Index(fields=["district", "kind"], name="employers_estab_district"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("employers:establishment_detail", args=[self.uuid])
