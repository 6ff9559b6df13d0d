"""django-import-export resource of survey sheets: one row per person found away for work.

A row maps to the fields of ``SurveyEntryForm`` (destination state by name or code,
block and village by name or LGD code within the survey's district) and is checked
by that form, exactly like an entry synced from a phone. Each row's ``client_uuid``
is derived from the survey and the row's content, so re-uploading the same sheet
finds its rows already recorded and adds nothing.

The import is synchronous: sheets are kept small (``MAX_ROWS``), one survey at a time.
"""

from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from datetime import date, datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.formats import base_formats
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult
from openpyxl.utils.exceptions import InvalidFileException
from tablib import Dataset, InvalidDimensions

from core.models import Block, State, Village
from migrants import services
from migrants.forms import SurveyEntryForm
from migrants.models import Migrant, Survey

MAX_ROWS = 2000
# The namespace of sheet rows' ids (uuid5 of the survey and the row's content).
SHEET_NAMESPACE = uuid.UUID("5b1f9a52-6c0e-4b8e-9d55-2f1f3f0b7a11")

COLUMNS = ["name", "mobile", "gender", "age", "block", "village", "destination_state",
           "destination_place", "employer_name", "employer_phone", "employer_licence",
           "sector", "work", "departed_on", "expected_return_on", "returned_on", "household",
           "companions"]
# What each column holds; the upload page lists these.
COLUMN_HELP = {
    "name": gettext_lazy("Name of the person away for work. Required."),
    "mobile": gettext_lazy("10-digit mobile number. Optional."),
    "gender": gettext_lazy("female, male or other (F, M, O also accepted). Optional."),
    "age": gettext_lazy("Age in years (5 to 100). Optional."),
    "block": gettext_lazy("Home block: name or LGD code, in the survey's district. Optional."),
    "village": gettext_lazy("Home village: name or LGD code, in the survey's district. "
                            "Optional."),
    "destination_state": gettext_lazy("State where they work: name (English or Hindi) or "
                                      "short code such as MH. Required."),
    "destination_place": gettext_lazy("District or city where they work. Required."),
    "employer_name": gettext_lazy("Employer or contractor. Optional."),
    "employer_phone": gettext_lazy("Employer's phone. Optional."),
    "employer_licence": gettext_lazy("Contractor's licence number. Optional."),
    "sector": gettext_lazy("construction, brick_kiln, agriculture, factory, domestic, hotel "
                           "or other (the English name also works). Optional."),
    "work": gettext_lazy("Work done. Optional."),
    "departed_on": gettext_lazy("Left home on, DD/MM/YYYY. Optional."),
    "expected_return_on": gettext_lazy("Expected back on, DD/MM/YYYY. Optional."),
    "returned_on": gettext_lazy("Came back on, DD/MM/YYYY (only if already back). Optional."),
    "household": gettext_lazy("House number or head of the household. Optional."),
    "companions": gettext_lazy("Family who went along: name, relation, age; separate people "
                               "with ; (e.g. Sita, wife, 30; Raju, son, 12). Optional."),
}
GENDERS = {"female": "female", "f": "female", "महिला": "female", "स्त्री": "female",
           "male": "male", "m": "male", "पुरुष": "male",
           "other": "other", "o": "other", "अन्य": "other"}


def _cell(value) -> str:
    """Return a sheet cell as the text a phone would send (dates day first)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        # Spreadsheets store mobile numbers and ages as numbers.
        return str(int(value))
    return " ".join(str(value).split())


def _companions(text: str) -> list[dict]:
    people = []
    for part in text.split(";"):
        bits = [bit.strip() for bit in part.split(",")]
        if bits and bits[0]:
            people.append({"name": bits[0], "relation": bits[1] if len(bits) > 1 else "",
                           "age": bits[2] if len(bits) > 2 else None})
    return people


class _NoInstances(BaseInstanceLoader):
    """Rows are not model instances here: the survey entry form checks them."""

    def get_instance(self, row):
        return None


class SurveySheetResource(resources.Resource):
    """The columns of a survey sheet; each valid row is recorded by the journey service.

    ``import_data(dataset, dry_run=True)`` checks every row and answers, per row, new,
    skip (already recorded: the same row was uploaded before) or invalid with the
    form's errors by column; without ``dry_run`` the new rows are recorded.
    """

    name = fields.Field(column_name="name")
    mobile = fields.Field(column_name="mobile")
    gender = fields.Field(column_name="gender")
    age = fields.Field(column_name="age")
    block = fields.Field(column_name="block")
    village = fields.Field(column_name="village")
    destination_state = fields.Field(column_name="destination_state")
    destination_place = fields.Field(column_name="destination_place")
    employer_name = fields.Field(column_name="employer_name")
    employer_phone = fields.Field(column_name="employer_phone")
    employer_licence = fields.Field(column_name="employer_licence")
    sector = fields.Field(column_name="sector")
    work = fields.Field(column_name="work")
    departed_on = fields.Field(column_name="departed_on")
    expected_return_on = fields.Field(column_name="expected_return_on")
    returned_on = fields.Field(column_name="returned_on")
    household = fields.Field(column_name="household")
    companions = fields.Field(column_name="companions")

    class Meta:
        instance_loader_class = _NoInstances
        use_transactions = True
        skip_diff = True
        report_skipped = True

    def __init__(self, *, survey: Survey, actor=None, request=None):
        super().__init__()
        self.survey = survey
        self.actor = actor
        self.request = request
        self.states = {}
        for state in State.objects.all():
            for key in (state.name_en, state.name_hi, state.code, str(state.lgd_code)):
                if key:
                    self.states[key.casefold()] = state.pk
        self.blocks = {}
        for block in Block.objects.filter(district=survey.district):
            for key in (block.name_en, block.name_hi, str(block.lgd_code)):
                if key:
                    self.blocks[key.casefold()] = block.pk
        self.villages = {}  # (block id or None, key) -> village id
        for village in Village.objects.filter(block__district=survey.district):
            for key in (village.name_en, village.name_hi, str(village.lgd_code)):
                if key:
                    self.villages.setdefault((None, key.casefold()), village.pk)
                    self.villages[(village.block_id, key.casefold())] = village.pk
        self.sectors = {}
        for value, label in Migrant.Sector.choices:
            self.sectors[value] = value
            self.sectors[str(label).casefold()] = value
        self.recorded_ids: set[uuid.UUID] = set()
        self.seen_ids: set[uuid.UUID] = set()

    def before_import(self, dataset, **kwargs):
        # One query for the whole sheet: which of its rows were recorded before.
        ids = [self.row_id(self.row_values(dict(zip(dataset.headers, row, strict=False))))
               for row in dataset]
        self.recorded_ids = set(Migrant.objects.filter(client_uuid__in=ids)
                                .values_list("client_uuid", flat=True))

    def row_values(self, row: dict) -> dict:
        return {column: _cell(row.get(column)) for column in COLUMNS}

    def row_id(self, values: dict) -> uuid.UUID:
        """Return the row's id: the same survey and the same cells give the same id."""
        content = json.dumps([str(self.survey.uuid), values], sort_keys=True,
                             ensure_ascii=False)
        return uuid.uuid5(SHEET_NAMESPACE, hashlib.sha256(content.encode()).hexdigest())

    def form_data(self, values: dict) -> tuple[dict, dict]:
        """Return the entry form's data for a row and the errors of names not found."""
        errors = {}
        data = {key: values[key] for key in (
            "name", "mobile", "age", "destination_place", "employer_name", "employer_phone",
            "employer_licence", "work", "departed_on", "expected_return_on", "returned_on",
            "household")}
        if values["gender"]:
            data["gender"] = GENDERS.get(values["gender"].casefold(), values["gender"])
        data["sector"] = (self.sectors.get(values["sector"].casefold(), values["sector"])
                          if values["sector"] else Migrant.Sector.OTHER)
        if values["destination_state"]:
            state = self.states.get(values["destination_state"].casefold())
            if state is None:
                errors["destination_state"] = [_("No state of this name or code.")]
            data["destination_state"] = state or ""
        block_id = None
        if values["block"]:
            block_id = self.blocks.get(values["block"].casefold())
            if block_id is None:
                errors["block"] = [_("No block of this name or code in the survey's "
                                     "district.")]
            data["origin_block"] = block_id or ""
        if values["village"]:
            village_id = self.villages.get((block_id, values["village"].casefold()))
            if village_id is None:
                errors["village"] = [_("No village of this name or code in the survey's "
                                       "district.")]
            data["origin_village"] = village_id or ""
        return data, errors

    def import_row(self, row, instance_loader, **kwargs):
        row_result = self.get_row_result_class()()
        values = self.row_values(row)
        data, errors = self.form_data(values)
        form = SurveyEntryForm(data=data, survey=self.survey)
        if not form.is_valid() or errors:
            # Report by the sheet's own column names.
            columns = {"origin_block": "block", "origin_village": "village",
                       NON_FIELD_ERRORS: NON_FIELD_ERRORS}
            for field, messages in form.errors.items():
                errors.setdefault(columns.get(field, field), []).extend(messages)
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(errors)
            return row_result
        client_uuid = self.row_id(values)
        if client_uuid in self.recorded_ids or client_uuid in self.seen_ids:
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        self.seen_ids.add(client_uuid)
        row_result.import_type = RowResult.IMPORT_TYPE_NEW
        if not kwargs.get("dry_run"):
            services.migrant_record(
                actor=self.actor, data={**form.cleaned_data,
                                        "origin_district": self.survey.district},
                companions=form.cleaned_companions(_companions(values["companions"])),
                survey=self.survey, client_uuid=client_uuid, request=self.request)
        return row_result


def survey_sheet_read(*, content: bytes, file_name: str) -> Dataset:
    """Return the sheet's rows (header row first, empty rows dropped), or refuse the file."""
    fmt = file_name.rsplit(".", 1)[-1].lower()
    try:
        if fmt == "xlsx":
            if not content.startswith(b"PK\x03\x04"):
                raise ValueError
            dataset = base_formats.XLSX().create_dataset(content)
        elif fmt == "csv":
            dataset = base_formats.CSV().create_dataset(content.decode("utf-8-sig"))
        else:
            raise ValidationError(_("Upload a CSV or XLSX file."), code="format")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and "
                                "upload it again."), code="encoding") from None
    except ValidationError:
        raise
    except (ValueError, KeyError, IndexError, OSError, zipfile.BadZipFile,
            InvalidDimensions, InvalidFileException):
        raise ValidationError(_("The file cannot be read as a CSV or XLSX sheet."),
                              code="unreadable") from None
    headers = [str(h or "").strip().lower() for h in (dataset.headers or [])]
    missing = [c for c in ("name", "destination_state", "destination_place")
               if c not in headers]
    if missing:
        raise ValidationError(_("The first row must name the columns. Missing: %(columns)s.")
                              % {"columns": ", ".join(missing)}, code="columns")
    rows = [row for row in dataset if any(_cell(cell) for cell in row)]
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("The sheet has more than %(n)s rows; split it into smaller "
                                "sheets.") % {"n": MAX_ROWS}, code="too_many")
    if not rows:
        raise ValidationError(_("The sheet has no rows below the column names."),
                              code="empty")
    return Dataset(*rows, headers=headers)


def survey_sheet_template_csv() -> bytes:
    """Return the downloadable template: the header row only, UTF-8 with a BOM."""
    return ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode("utf-8")


