"""Forms of the migrants app: the survey entry (also what an offline sync checks)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DayFirstDateField
from core.models import Block, State, Village
from core.validators import normalise_mobile
from migrants.models import Migrant


class SurveyEntryForm(forms.ModelForm):
    """One household member found away for work, as a surveyor records it."""

    departed_on = DayFirstDateField(label=_("left home on"), required=False)
    expected_return_on = DayFirstDateField(label=_("expected back on"), required=False)
    returned_on = DayFirstDateField(label=_("came back on"), required=False)

    class Meta:
        model = Migrant
        fields = ["name", "mobile", "gender", "age", "origin_block", "origin_village",
                  "destination_state", "destination_place", "employer_name", "employer_phone",
                  "employer_licence", "sector", "work", "departed_on", "expected_return_on",
                  "returned_on", "household"]

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.fields["origin_block"].queryset = Block.objects.filter(district=survey.district)
        self.fields["origin_village"].queryset = Village.objects.filter(
            block__district=survey.district)
        self.fields["destination_state"].queryset = State.objects.all()

    def clean_mobile(self):
        mobile = self.cleaned_data.get("mobile")
        return normalise_mobile(mobile) if mobile else ""

    def clean_age(self):
        age = self.cleaned_data.get("age")
        if age is not None and not 5 <= age <= 100:
            raise ValidationError(_("Enter an age between 5 and 100 years."), code="age")
        return age

    def clean(self):
        data = super().clean()
        village, block = data.get("origin_village"), data.get("origin_block")
        if village is not None and block is not None and village.block_id != block.pk:
            self.add_error("origin_village", _("This village is not in the chosen block."))
        departed, returned = data.get("departed_on"), data.get("returned_on")
        if departed and returned and returned < departed:
            self.add_error("returned_on", _("The return cannot be before the departure."))
        return data

    def cleaned_companions(self, companions: list[dict]) -> list[dict]:
        """Return the family members who went along, keeping only well-formed ones."""
        result = []
        for companion in companions[:20]:
            name = str(companion.get("name") or "").strip()[:150]
            if not name:
                continue
            age = companion.get("age")
            try:
                age = int(age) if age not in (None, "") else None
            except (TypeError, ValueError):
                age = None
            result.append({"name": name, "relation": str(companion.get("relation") or "")[:50],
                           "age": age if age is None or 0 <= age <= 120 else None})
        return result


# --- Forms of the register and survey pages --------------------------------------------
# (Appended below SurveyEntryForm, which the sync service uses as it is.)

import uuid as uuid_module  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.roles import RoleCode  # noqa: E402
from migrants.models import Survey  # noqa: E402
from registration.validators import clean_aadhaar  # noqa: E402


class WorkerFindForm(forms.Form):
    """Find the registered worker who went away: by mobile, registration number or Aadhaar.

    The Aadhaar number is only ever POSTed and never shown again (the input does not
    render its value back).
    """

    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                           "autocomplete": "off"}))
    registration_number = forms.CharField(label=_("Registration number"), max_length=30,
                                          required=False)
    aadhaar = forms.CharField(
        label=_("Aadhaar number"), max_length=14, required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"inputmode": "numeric",
                                                              "autocomplete": "off"}),
        help_text=_("12 digits. It is only used to find the worker and is not shown again."))

    def clean_mobile(self):
        mobile = self.cleaned_data.get("mobile")
        return normalise_mobile(mobile) if mobile else ""

    def clean_aadhaar(self):
        value = self.cleaned_data.get("aadhaar")
        return clean_aadhaar(value) if value else ""

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(k) for k in ("mobile", "registration_number",
                                                              "aadhaar")):
            raise ValidationError(_("Enter the mobile number, the registration number or the "
                                    "Aadhaar number."), code="required")
        return data


class MigrantForm(forms.ModelForm):
    """A journey as an officer records it (the worker, when found, is linked)."""

    worker = forms.ModelChoiceField(queryset=None, to_field_name="uuid", required=False,
                                    widget=forms.HiddenInput)
    departed_on = DayFirstDateField(label=_("left home on"), required=False)
    expected_return_on = DayFirstDateField(label=_("expected back on"), required=False)

    class Meta:
        model = Migrant
        fields = ["worker", "name", "mobile", "gender", "age", "origin_district",
                  "origin_block", "origin_village", "destination_state", "destination_place",
                  "employer_name", "employer_phone", "employer_licence", "sector", "work",
                  "departed_on", "expected_return_on", "household"]

    def __init__(self, *args, workers, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["origin_district"].queryset = districts
        self.fields["origin_district"].widget.attrs["data-blocks-target"] = \
            self.add_prefix("origin_block")
        self.fields["origin_block"].widget.attrs["data-villages-target"] = \
            self.add_prefix("origin_village")
        self.fields["destination_state"].queryset = State.objects.order_by("name_en")
        # Cascading selects (DECISIONS: never a select with thousands of villages).
        district_id = self._bound_or_initial("origin_district")
        block_id = self._bound_or_initial("origin_block")
        self.fields["origin_block"].queryset = (
            Block.objects.filter(district__in=districts, district_id=district_id)
            if str(district_id or "").isdigit() else Block.objects.none())
        self.fields["origin_village"].queryset = (
            Village.objects.filter(block_id=block_id) if str(block_id or "").isdigit()
            else Village.objects.none())

    def _bound_or_initial(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        value = self.initial.get(name)
        return getattr(value, "pk", value)

    def clean_mobile(self):
        mobile = self.cleaned_data.get("mobile")
        return normalise_mobile(mobile) if mobile else ""

    def clean_age(self):
        age = self.cleaned_data.get("age")
        if age is not None and not 5 <= age <= 100:
            raise ValidationError(_("Enter an age between 5 and 100 years."), code="age")
        return age

    def clean(self):
        data = super().clean()
        departed, expected = data.get("departed_on"), data.get("expected_return_on")
        if departed and expected and expected < departed:
            self.add_error("expected_return_on",
                           _("The expected return cannot be before the departure."))
        return data

    def _post_clean(self):
        # The service saves the journey (and checks what needs the database); the form
        # only checks the shape of the input.
        pass


class CompanionForm(forms.Form):
    """A family member who went along."""

    name = forms.CharField(label=_("Name"), max_length=150)
    relation = forms.CharField(label=_("Relation"), max_length=50, required=False)
    age = forms.IntegerField(label=_("Age (years)"), min_value=0, max_value=120,
                             required=False)


CompanionFormSet = forms.formset_factory(CompanionForm, extra=2, max_num=20,
                                         validate_max=True)


class ReturnForm(forms.Form):
    """The day the person came back home."""

    returned_on = DayFirstDateField(label=_("Came back on"))

    def clean_returned_on(self):
        returned_on = self.cleaned_data["returned_on"]
        if returned_on > timezone.localdate():
            raise ValidationError(_("This date is in the future."), code="future")
        return returned_on


class SurveyForm(forms.ModelForm):
    """Plan a survey of a block: its dates and its surveyors (the district's officers)."""

    starts_on = DayFirstDateField(label=_("first day"))
    ends_on = DayFirstDateField(label=_("last day"))
    surveyors = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Surveyors"),
        help_text=_("Labour officers of the survey's district."))

    class Meta:
        model = Survey
        fields = ["name", "kind", "district", "block", "starts_on", "ends_on", "surveyors"]

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["district"].widget.attrs["data-blocks-target"] = self.add_prefix("block")
        district_id = self.data.get(self.add_prefix("district")) if self.is_bound else None
        self.fields["block"].queryset = (
            Block.objects.filter(district__in=districts, district_id=district_id)
            if str(district_id or "").isdigit() else Block.objects.filter(
                district__in=districts))
        if not self.is_bound and districts.count() > 1:
            self.fields["block"].queryset = Block.objects.none()
        self.fields["surveyors"].queryset = (
            get_user_model().objects.filter(
                is_active=True, roles__code__in=[RoleCode.LABOUR_OFFICER, RoleCode.SURVEYOR],
                district_links__district__in=districts)
            .distinct().order_by("username"))

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        district = data.get("district")
        if district is not None:
            outside = [user.get_username() for user in data.get("surveyors") or []
                       if district.pk not in user.district_ids]
            if outside:
                self.add_error("surveyors", _("Not officers or surveyors of the chosen "
                                              "district: %(users)s.")
                               % {"users": ", ".join(outside)})
        return data

    def _post_clean(self):
        pass


class SurveySheetForm(forms.Form):
    """A CSV or XLSX sheet of survey entries (checked first, then confirmed)."""

    file = forms.FileField(label=_("CSV or XLSX file (at most 2,000 rows)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a CSV or XLSX file."), code="format")
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError(_("The file must be smaller than 2 MB."), code="size")
        return upload


SYNC_MAX_ENTRIES = 200


def sync_entries_clean(payload) -> list:
    """Return the entries of a phone's sync request, or raise ``ValidationError``.

    The body must be ``{"entries": [...]}`` with at most ``SYNC_MAX_ENTRIES`` objects;
    each entry's own data is checked later, by the survey entry form.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("entries"), list):
        raise ValidationError(_('The request must be {"entries": [...]}.'), code="shape")
    entries = payload["entries"]
    if len(entries) > SYNC_MAX_ENTRIES:
        raise ValidationError(_("Send at most %(n)s entries at a time.")
                              % {"n": SYNC_MAX_ENTRIES}, code="too_many")
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("data", {}), dict) \
                or not isinstance(entry.get("companions", []), list):
            raise ValidationError(_("Each entry must be an object with data and companions."),
                                  code="entry_shape")
    return entries


def sync_entry_id_error(entry: dict) -> dict | None:
    """Return the answer for an entry whose id is not a UUID (the service expects one)."""
    client_uuid = entry.get("client_uuid")
    if not client_uuid:
        return None  # the service answers a missing id itself
    try:
        uuid_module.UUID(str(client_uuid))
    except ValueError:
        return {"client_uuid": client_uuid, "status": "invalid",
                "errors": {"client_uuid": [{"message": str(_("The entry id is not valid.")),
                                            "code": "invalid"}]}}
    return None
