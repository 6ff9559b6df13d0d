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
