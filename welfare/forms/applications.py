"""Forms of applications: apply, resubmit, and the officer's decisions.

Forms check the shape of input (files by their content, account numbers); the rules
of a claim (eligibility, limits, stages) are the services'.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import rupees
from registration.forms import NoEchoTextInput
from registration.models import FamilyMember
from registration.validators import (
    clean_account_number,
    clean_document,
    clean_ifsc,
    clean_person_name,
)
from welfare.models import DocumentKind, Scheme, SchemeSlab
from welfare.rules import CHILD_RELATIONS

WORKER_CHOICE = "worker"
DOCUMENT_ACCEPT = "application/pdf,image/jpeg,image/png"


def beneficiary_choices(scheme: Scheme, family: list[FamilyMember]) -> list[tuple[str, str]]:
    """Return who the claim may be for under the scheme: the worker and/or family members."""
    kind = scheme.beneficiary
    choices = []
    if kind in (Scheme.Beneficiary.SELF, Scheme.Beneficiary.SELF_OR_SPOUSE,
                Scheme.Beneficiary.FAMILY):
        choices.append((WORKER_CHOICE, str(_("The worker (self)"))))
    for member in family:
        if kind == Scheme.Beneficiary.CHILD and member.relation not in CHILD_RELATIONS:
            continue
        if kind == Scheme.Beneficiary.SELF_OR_SPOUSE \
                and member.relation != FamilyMember.Relation.SPOUSE:
            continue
        if kind == Scheme.Beneficiary.SELF:
            continue
        label = f"{member.name} ({member.get_relation_display()})"
        if member.date_of_birth:
            label += f" · {member.date_of_birth:%d/%m/%Y}"
        choices.append((str(member.pk), label))
    return choices


class SlabChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.label} – {rupees(obj.amount)}"


class DocumentFilesMixin:
    """One file input per document the scheme asks for, each checked by its content."""

    document_required = True

    def add_document_fields(self, scheme: Scheme) -> None:
        self.document_kinds = list(scheme.documents)
        for kind in self.document_kinds:
            label = DocumentKind(kind).label
            self.fields[f"document_{kind}"] = forms.FileField(
                label=label, required=self.document_required,
                help_text=_("PDF, JPEG or PNG, smaller than 5 MB."),
                error_messages={"required": _("Attach the %(document)s.") % {
                    "document": str(label).lower()}},
                widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}))

    def clean_documents(self) -> list:
        """Check each attached file; return (kind, file, content type) for the services."""
        documents = []
        for kind in self.document_kinds:
            name = f"document_{kind}"
            upload = self.cleaned_data.get(name)
            if not upload:
                continue
            try:
                documents.append((kind, upload, clean_document(upload)))
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        return documents

    @property
    def document_fields(self):
        return [self[f"document_{kind}"] for kind in self.document_kinds]


class ApplyForm(DocumentFilesMixin, forms.Form):
    """A claim under one scheme: for whom, which slab, the documents and the declaration."""

    declaration = forms.BooleanField(
        label=_("I declare that the details and documents given are true, and that the "
                "worker agrees to this application."),
        error_messages={"required": _("Tick the declaration to apply.")})

    def __init__(self, *args, scheme: Scheme, family: list[FamilyMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.family = {str(member.pk): member for member in family}
        choices = beneficiary_choices(scheme, family)
        if scheme.beneficiary != Scheme.Beneficiary.SELF:
            self.fields["beneficiary"] = forms.ChoiceField(
                label=_("Who is the claim for?"), choices=choices, widget=forms.RadioSelect,
                error_messages={"required": _("Choose who the claim is for.")})
        if scheme.has_slabs:
            self.fields["slab"] = SlabChoiceField(
                label=_("Slab"), queryset=SchemeSlab.objects.filter(scheme=scheme),
                widget=forms.RadioSelect, empty_label=None,
                error_messages={"required": _("Choose the slab the claim is for.")})
        self.add_document_fields(scheme)
        # The declaration comes last, after the choices and the documents.
        self.fields["declaration"] = self.fields.pop("declaration")

    def clean(self):
        data = super().clean()
        choice = data.get("beneficiary")
        data["family_member"] = self.family.get(choice) if choice and choice != WORKER_CHOICE \
            else None
        data["documents"] = self.clean_documents()
        return data

    @property
    def choice_fields(self):
        return [self[name] for name in ("beneficiary", "slab") if name in self.fields]


class ResubmitForm(DocumentFilesMixin, forms.Form):
    """The corrected documents of an application sent back (only those to replace)."""

    document_required = False

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_document_fields(scheme)

    def clean(self):
        data = super().clean()
        data["documents"] = self.clean_documents()
        return data


class VerifyForm(forms.Form):
    """Nothing to enter: verifying is one button."""


class SanctionForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount to sanction (₹)"), max_digits=10,
                                decimal_places=2, min_value=1,
                                widget=forms.NumberInput(attrs={"inputmode": "decimal"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the worker will see it)"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Write the reason, so that the "
                                                           "worker knows what to do.")})


class PaymentRetryForm(forms.Form):
    """What was corrected after a failed payment, and the new bank details if any."""

    reason = forms.CharField(label=_("What was corrected"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Write what was corrected.")})
    account_number = forms.CharField(
        label=_("New bank account number"), max_length=20, required=False,
        help_text=_("Leave empty to keep the account on record."),
        widget=NoEchoTextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    account_number_again = forms.CharField(
        label=_("New account number again"), max_length=20, required=False,
        widget=NoEchoTextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    ifsc = forms.CharField(label=_("New IFSC"), max_length=11, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    account_holder = forms.CharField(label=_("New account holder's name"), max_length=150,
                                     required=False)

    def clean_account_number(self):
        value = self.cleaned_data.get("account_number", "")
        return clean_account_number(value) if value else ""

    def clean_ifsc(self):
        value = self.cleaned_data.get("ifsc", "")
        return clean_ifsc(value) if value else ""

    def clean_account_holder(self):
        value = self.cleaned_data.get("account_holder", "")
        return clean_person_name(value) if value else ""

    def clean(self):
        data = super().clean()
        first = data.get("account_number")
        again = (data.get("account_number_again") or "").replace(" ", "")
        if first and first != again:
            self.add_error("account_number_again",
                           _("The two account numbers are not the same."))
        return data
