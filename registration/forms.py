"""Forms of registration: one per step of the multi-step form, and the officer's decisions.

Forms check the shape of input (registration.validators); rules that need the
database (duplicates, workflow) are the services'.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Block, District, Village
from core.validators import normalise_mobile
from registration.models import Camp, FamilyMember, Occupation, Worker, WorkerDocument
from registration.validators import (
    check_age,
    clean_aadhaar,
    clean_account_number,
    clean_document,
    clean_ifsc,
    clean_person_name,
    clean_photo,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoEchoTextInput(forms.TextInput):
    """A text box that never writes its value back into the page.

    For Aadhaar and bank account numbers: a form shown again with an error must not
    put the number into HTML (caches, saved pages, screenshots); it is typed again.
    """

    def format_value(self, value):
        return None


class MobileField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 16)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        return normalise_mobile(super().clean(value))


class ConsentStartForm(forms.Form):
    """The worker's mobile number: a code goes there, and the worker reads it out (consent)."""

    mobile = MobileField(help_text=_("The worker's own mobile. A code will be sent to it; "
                                     "the worker tells you the code to give consent."))
    camp = forms.ModelChoiceField(label=_("Camp (if registering at a camp)"), required=False,
                                  queryset=Camp.objects.none())

    def __init__(self, *args, camps=None, **kwargs):
        super().__init__(*args, **kwargs)
        if camps is not None and camps.exists():
            self.fields["camp"].queryset = camps
        else:
            del self.fields["camp"]


class ConsentCodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the worker's SMS"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "one-time-code"}))


class OfficerStartForm(forms.Form):
    mobile = MobileField(help_text=_("The worker's own mobile number."))
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    camp = forms.ModelChoiceField(label=_("Camp (if registering at a camp)"), required=False,
                                  queryset=Camp.objects.none())

    def __init__(self, *args, districts=None, camps=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["camp"].queryset = camps
        if districts is not None and districts.count() == 1:
            self.fields["district"].initial = districts.first()


class PersonalForm(forms.ModelForm):
    aadhaar = forms.CharField(label=_("Aadhaar number"), max_length=14, required=False,
                              widget=NoEchoTextInput(attrs={"inputmode": "numeric",
                                                            "autocomplete": "off"}))

    class Meta:
        model = Worker
        fields = ["name", "name_latin", "relative_name", "relative_relation", "date_of_birth",
                  "gender", "mobile"]
        widgets = {"date_of_birth": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "relative_name", "relative_relation", "date_of_birth", "gender"):
            self.fields[name].required = True
        self.fields["name"].help_text = _("In the script the worker writes, e.g. Hindi.")
        self.fields["mobile"] = MobileField(initial=self.instance.mobile)
        if self.instance.aadhaar_last4:
            self.fields["aadhaar"].help_text = _(
                "Saved as %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.aadhaar_masked}
        else:
            self.fields["aadhaar"].required = True
            self.fields["aadhaar"].help_text = _("12 digits, as printed on the Aadhaar card.")

    def clean_aadhaar(self):
        value = self.cleaned_data.get("aadhaar", "")
        return clean_aadhaar(value) if value else ""

    def clean_name(self):
        return clean_person_name(self.cleaned_data["name"])

    def clean_name_latin(self):
        return clean_person_name(self.cleaned_data.get("name_latin", ""))

    def clean_relative_name(self):
        return clean_person_name(self.cleaned_data["relative_name"])

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born and born >= timezone.localdate():
            raise forms.ValidationError(_("The date of birth must be in the past."))
        return born


class AddressForm(forms.ModelForm):
    class Meta:
        model = Worker
        fields = ["district", "block", "village", "address_line", "pincode"]

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = name not in ("pincode", "village")
        self.fields["district"].queryset = districts
        district_id = self.data.get(self.add_prefix("district")) or self.instance.district_id
        try:
            district_id = int(district_id) if district_id else None
        except (TypeError, ValueError):
            district_id = None
        self.fields["block"].queryset = Block.objects.filter(district_id=district_id)
        block_id = self.data.get(self.add_prefix("block")) or self.instance.block_id
        try:
            block_id = int(block_id) if block_id else None
        except (TypeError, ValueError):
            block_id = None
        # Villages of one block only: a select of a few hundred, never of thousands.
        self.fields["village"].queryset = Village.objects.filter(block_id=block_id)
        # Each list follows the choice above it (static/registration/js/blocks.js).
        self.fields["district"].widget.attrs["data-blocks-target"] = self.add_prefix("block")
        self.fields["block"].widget.attrs["data-villages-target"] = self.add_prefix("village")

    def clean_pincode(self):
        pincode = (self.cleaned_data.get("pincode") or "").strip()
        if pincode and not (pincode.isdigit() and len(pincode) == 6 and pincode[0] != "0"):
            raise forms.ValidationError(_("A PIN code has 6 digits."))
        return pincode

    def clean(self):
        data = super().clean()
        if data.get("block") and data.get("district") and data["block"].district_id != data[
                "district"].pk:
            self.add_error("block", _("Choose a block of the chosen district."))
        return data


class WorkForm(forms.ModelForm):
    class Meta:
        model = Worker
        fields = ["category", "occupation", "employer_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].required = True
        self.fields["occupation"].required = True
        self.fields["occupation"].queryset = Occupation.objects.order_by("title_en")
        self.fields["employer_name"].help_text = _(
            "For construction workers: who certifies the 90 days of work.")

    def clean(self):
        data = super().clean()
        if data.get("category"):
            try:
                check_age(category=data["category"], born=self.instance.date_of_birth,
                          on=timezone.localdate())
            except forms.ValidationError as exc:
                self.add_error("category", exc)
        return data


class BankForm(forms.ModelForm):
    account_number = forms.CharField(label=_("Bank account number"), max_length=20,
                                     required=False,
                                     widget=NoEchoTextInput(attrs={"inputmode": "numeric",
                                                                   "autocomplete": "off"}))
    account_number_again = forms.CharField(label=_("Account number again"), max_length=20,
                                           required=False,
                                           widget=NoEchoTextInput(attrs={"inputmode": "numeric",
                                                                         "autocomplete": "off"}))

    class Meta:
        model = Worker
        fields = ["bank_account_holder", "ifsc"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_account_holder"].required = True
        self.fields["ifsc"].required = True
        self.fields["ifsc"].help_text = _("11 characters, printed in the passbook.")
        if self.instance.bank_account_last4:
            self.fields["account_number"].help_text = _(
                "Saved as %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.bank_account_masked}
        else:
            self.fields["account_number"].required = True
            self.fields["account_number_again"].required = True

    def clean_ifsc(self):
        return clean_ifsc(self.cleaned_data["ifsc"])

    def clean_bank_account_holder(self):
        return clean_person_name(self.cleaned_data["bank_account_holder"])

    def clean_account_number(self):
        value = self.cleaned_data.get("account_number", "")
        return clean_account_number(value) if value else ""

    def clean(self):
        data = super().clean()
        first = data.get("account_number")
        again = (self.cleaned_data.get("account_number_again") or "").replace(" ", "")
        if first and first != again:
            self.add_error("account_number_again",
                           _("The two account numbers are not the same."))
        return data


class FamilyForm(forms.ModelForm):
    class Meta:
        model = Worker
        fields = ["nominee_name", "nominee_relation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominee_name"].required = True
        self.fields["nominee_relation"].required = True

    def clean_nominee_name(self):
        return clean_person_name(self.cleaned_data["nominee_name"])


class FamilyMemberForm(forms.ModelForm):
    class Meta:
        model = FamilyMember
        fields = ["name", "relation", "date_of_birth", "gender"]
        widgets = {"date_of_birth": DATE_INPUT}

    def clean_name(self):
        return clean_person_name(self.cleaned_data["name"])


FamilyFormSet = forms.formset_factory(FamilyMemberForm, extra=2, max_num=12, can_delete=True)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo of the worker"),
                            help_text=_("JPEG or PNG, smaller than 2 MB."),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png",
                                                                   "capture": "user"}))

    def clean_photo(self):
        return clean_photo(self.cleaned_data["photo"])


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=WorkerDocument.Kind.choices)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG, smaller than 5 MB."),
                           widget=forms.ClearableFileInput(
                               attrs={"accept": "application/pdf,image/jpeg,image/png"}))

    def clean(self):
        data = super().clean()
        if data.get("file"):
            try:
                data["content_type"] = clean_document(data["file"])
            except forms.ValidationError as exc:
                self.add_error("file", exc)
        return data


class SubmitForm(forms.Form):
    declaration = forms.BooleanField(
        label=_("I declare that the details given are true. The worker has read (or been read) "
                "the privacy notice and agrees."),
        error_messages={"required": _("Tick the declaration to submit.")})


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the worker will see it)"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class CampForm(forms.ModelForm):
    class Meta:
        model = Camp
        fields = ["name", "place", "district", "block", "starts_on", "ends_on", "organiser"]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["block"].queryset = Block.objects.filter(district__in=districts)
        self.fields["district"].widget.attrs["data-blocks-target"] = self.add_prefix("block")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        if data.get("block") and data.get("district") and \
                data["block"].district_id != data["district"].pk:
            self.add_error("block", _("Choose a block of the chosen district."))
        return data


class TargetForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    starts_on = forms.DateField(label=_("Period from"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Period to"), widget=DATE_INPUT)
    target_count = forms.IntegerField(label=_("Target (workers)"), min_value=1)

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end of the period cannot be before its start."))
        return data
