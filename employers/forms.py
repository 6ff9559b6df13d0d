"""Forms and the list filter of establishments.

Forms check the shape of what is typed (PAN and GSTIN with python-stdnum); the
services in ``employers.services`` check the rules that need the database (the block
in the district, the GSTIN carrying the PAN, one establishment of a name per district)
and raise ``ValidationError`` keyed by these forms' field names.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.in_ import gstin as stdnum_gstin
from stdnum.in_ import pan as stdnum_pan

from core.models import Block, District
from core.roles import RoleCode as R
from core.scoping import scoped
from employers.models import Establishment, Sector

PHONE_RE = re.compile(r"^\+?[0-9]{6,14}$")
# Officials who read establishments of their districts (the state admin: all).
OFFICIALS = (R.STATE_ADMIN, R.DISTRICT_ADMIN, R.LABOUR_OFFICER, R.SAFETY_INSPECTOR)


def state_districts():
    """Return the districts of this portal's state, by name."""
    return District.objects.filter(state__code=settings.PORTAL_STATE_CODE).order_by("name_en")


def clean_pan(value: str) -> str:
    """Return a valid PAN in capitals, or raise ``ValidationError``."""
    try:
        return stdnum_pan.validate(value or "")
    except StdnumError:
        raise ValidationError(_("Enter a valid PAN, e.g. AAACR1234F."), code="pan") from None


def clean_gstin(value: str) -> str:
    """Return a valid GSTIN in capitals (empty stays empty), or raise ``ValidationError``."""
    if not (value or "").strip():
        return ""
    try:
        return stdnum_gstin.validate(value)
    except StdnumError:
        raise ValidationError(_("Enter a valid GSTIN of 15 characters, e.g. 22AAACR1234F1Z3."),
                              code="gstin") from None


class EstablishmentForm(forms.ModelForm):
    """An establishment: what it is, where, its tax identifiers and its size."""

    # Blocks of this state grouped by district (a few hundred options at most); the
    # service refuses a block outside the chosen district.
    block = forms.ChoiceField(label=_("Block (optional)"), required=False,
                              help_text=_("Choose a block of the district chosen above."))

    class Meta:
        model = Establishment
        fields = ["name", "kind", "sector", "address", "district", "block", "pan", "gstin",
                  "workers_count", "contact_phone"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "pan": _("The PAN of the business, 10 characters, e.g. AAACR1234F."),
            "gstin": _("Optional. It must carry the PAN above."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = state_districts()
        blocks = (Block.objects.filter(district__state__code=settings.PORTAL_STATE_CODE)
                  .select_related("district").order_by("district__name_en", "name_en"))
        self._blocks = {str(block.pk): block for block in blocks}
        groups: dict = {}
        for block in self._blocks.values():
            groups.setdefault(block.district.name, []).append((str(block.pk), block.name))
        self.fields["block"].choices = [("", _("No block")), *groups.items()]
        if self.instance.block_id:
            self.initial["block"] = str(self.instance.block_id)
        self.fields["pan"].widget.attrs.update(autocomplete="off", maxlength=10)
        self.fields["gstin"].widget.attrs.update(autocomplete="off", maxlength=15)
        self.fields["workers_count"].widget.attrs.update(min=0)
        self.fields["contact_phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")

    def clean_block(self):
        value = self.cleaned_data.get("block")
        return self._blocks.get(value) if value else None

    def clean_pan(self):
        return clean_pan(self.cleaned_data.get("pan"))

    def clean_gstin(self):
        return clean_gstin(self.cleaned_data.get("gstin"))

    def clean_contact_phone(self):
        phone = re.sub(r"[\s\-()]", "", self.cleaned_data.get("contact_phone") or "")
        if phone and not PHONE_RE.fullmatch(phone):
            raise ValidationError(_("Enter a phone number of digits, with the STD code for a "
                                    "landline."), code="phone")
        return phone

    def clean_name(self):
        return " ".join((self.cleaned_data.get("name") or "").split())

    def _post_clean(self):
        # The service builds the establishment and checks what needs the database.
        pass


class EstablishmentUpdateForm(EstablishmentForm):
    """Corrections to an establishment; its type does not change."""

    class Meta(EstablishmentForm.Meta):
        fields = [name for name in EstablishmentForm.Meta.fields if name != "kind"]


class EstablishmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"),
                                  help_text=_("Name or PAN"))
    kind = django_filters.ChoiceFilter(choices=Establishment.Kind.choices, label=_("Type"),
                                       empty_label=_("Any type"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("Sector"),
                                         empty_label=_("Any sector"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(),
                                                label=_("District"),
                                                empty_label=_("Any district"))

    class Meta:
        model = Establishment
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        # An employer's establishments are few and their own: no district filter.
        if user is None or not user.has_role(*OFFICIALS):
            del self.filters["district"]
        else:
            self.filters["district"].queryset = scoped(user, District).filter(
                state__code=settings.PORTAL_STATE_CODE).order_by("name_en")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(pan__icontains=value))
