"""Forms and filters of voluntary compliance: the yearly self-certification, its list and
the report by district and sector.

The form checks the shape of what is sent (acts ticked, declaration, a real PDF); the
service ``compliance.services.self_certify`` checks once a year and the owner, and raises
``ValidationError`` keyed by these forms' field names.
"""

from __future__ import annotations

import uuid as uuid_module

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.models import SELF_CERTIFICATION_ACTS, SelfCertification
from core.models import District
from core.roles import RoleCode as R
from core.scoping import scoped

REGISTERS_MAX_BYTES = 10 * 1024 * 1024
# Officials who read the self-certifications of their districts (the state admin: all).
OFFICIALS = (R.STATE_ADMIN, R.DISTRICT_ADMIN, R.LABOUR_OFFICER, R.SAFETY_INSPECTOR)
# The first year of the scheme on the portal: the year lists start there.
FIRST_YEAR = 2020

DECLARATION = _(
    "I declare that this establishment complies with the provisions of the Acts ticked "
    "above and of the rules made under them, and that the registers attached are true "
    "copies of the registers kept under those Acts. I understand that the establishment "
    "may still be inspected at random, and that a declaration found false revokes the "
    "self-certification and may lead to prosecution.")


def year_choices() -> list[tuple[int, int]]:
    """Return the years from this one back to the first year of the scheme."""
    return [(year, year) for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


def clean_registers(upload):
    """Check the registers are a PDF (by content, not by name) of at most 10 MB; give the
    file a name that says nothing of the establishment."""
    import filetype

    if upload.size > REGISTERS_MAX_BYTES:
        raise ValidationError(_("The registers file must be smaller than 10 MB."),
                              code="registers_size")
    head = upload.read(2048)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime != "application/pdf":
        raise ValidationError(_("The registers must be a PDF file."), code="registers_type")
    upload.name = f"{uuid_module.uuid4().hex}.pdf"
    return upload


class SelfCertificationForm(forms.Form):
    """The acts complied with, the declaration and the registers."""

    acts = forms.MultipleChoiceField(
        label=_("Acts this establishment complies with"), choices=SELF_CERTIFICATION_ACTS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the acts you comply with.")})
    registers = forms.FileField(
        label=_("Registers (PDF)"),
        help_text=_("The registers kept under these Acts (workers, wages, hours, leave) as "
                    "one PDF file, smaller than 10 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        error_messages={"required": _("Attach your registers (PDF).")})
    # The declaration's text is shown above the box (certification_form.html) and named
    # as its description.
    is_declared = forms.BooleanField(
        label=_("I make the declaration above"),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "declaration-text"}),
        error_messages={"required": _("Confirm the declaration to certify.")})

    def clean_registers(self):
        return clean_registers(self.cleaned_data["registers"])


class CertificationFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(choices=year_choices, label=_("Year"),
                                       empty_label=_("Any year"))
    status = django_filters.ChoiceFilter(choices=SelfCertification.Status.choices,
                                         label=_("Status"), empty_label=_("Any status"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(),
                                                label=_("District"),
                                                empty_label=_("Any district"))

    class Meta:
        model = SelfCertification
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        # An employer sees only their own: no district to choose.
        if user is None or not user.has_role(*OFFICIALS):
            del self.filters["district"]
        else:
            self.filters["district"].queryset = scoped(user, District).filter(
                state__code=settings.PORTAL_STATE_CODE).order_by("name_en")


class ReportYearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), choices=year_choices, coerce=int)
