"""django-import-export resources of registration: the columns of the worker file.

``WorkerResource`` is the declared interface of the bulk import (column names,
order and formats, the downloadable template) and of the export. Exports show
Aadhaar and bank account masked (DECISIONS). The import itself runs through the
fast path in ``registration.imports``, which reads these columns: the resource's
row-by-row ``import_data`` takes hours for a 100,000-row file.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from registration.models import Worker

DATE_FORMAT = "%d/%m/%Y"  # DECISIONS: dates are entered and shown day-first.


def _date(column: str, attribute: str | None = None) -> fields.Field:
    return fields.Field(attribute=attribute or column, column_name=column,
                        widget=widgets.DateWidget(format=DATE_FORMAT))


class WorkerResource(resources.ModelResource):
    """The columns of a new-registration file (and of the masked export)."""

    date_of_birth = _date("date_of_birth")
    aadhaar = fields.Field(column_name="aadhaar", readonly=True)
    district_code = fields.Field(attribute="district__code", column_name="district_code",
                                 readonly=True)
    block = fields.Field(column_name="block", readonly=True)
    occupation_code = fields.Field(attribute="occupation__code",
                                   column_name="occupation_code", readonly=True)
    bank_account_number = fields.Field(column_name="bank_account_number", readonly=True)

    class Meta:
        model = Worker
        fields = ("name", "name_latin", "relative_name", "relative_relation", "date_of_birth",
                  "gender", "mobile", "aadhaar", "district_code", "block", "address_line",
                  "pincode", "category", "occupation_code", "employer_name",
                  "bank_account_holder", "bank_account_number", "ifsc", "nominee_name",
                  "nominee_relation")
        export_order = fields
        import_id_fields = ()
        skip_unchanged = True

    def dehydrate_aadhaar(self, worker: Worker) -> str:
        return worker.aadhaar_masked

    def dehydrate_bank_account_number(self, worker: Worker) -> str:
        return worker.bank_account_masked

    def dehydrate_block(self, worker: Worker) -> str:
        return worker.block.name_en if worker.block_id else ""


class WorkerMigrationResource(WorkerResource):
    """The columns of a migration file: the new-registration columns and the old numbers."""

    registration_number = fields.Field(attribute="registration_number",
                                       column_name="registration_number")
    registered_on = _date("registered_on")
    valid_until = _date("valid_until")

    class Meta(WorkerResource.Meta):
        fields = (*WorkerResource.Meta.fields, "registration_number", "registered_on",
                  "valid_until")
        export_order = fields


# What each column holds; the import page and the documentation list these.
COLUMN_HELP = {
    "name": _("Name as the worker writes it (any Indian script). Required."),
    "name_latin": _("Name in English letters, as on Aadhaar or the bank record. Optional."),
    "relative_name": _("Father's or husband's name. Required."),
    "relative_relation": _("father, husband, mother or wife. Required."),
    "date_of_birth": _("DD/MM/YYYY. The age must fit the category. Required."),
    "gender": _("female, male or other (F, M, O also accepted). Required."),
    "mobile": _("10-digit mobile number (+91 or 0 in front accepted). Required."),
    "aadhaar": _("12-digit Aadhaar number (spaces allowed). Required; never shown again."),
    "district_code": _("District short code of the state (e.g. RPR) or its LGD code. "
                       "Required; officers may import only their own districts."),
    "block": _("Block or town name, or its LGD code; must be in the district. Required."),
    "address_line": _("House, street, locality. Required."),
    "pincode": _("6-digit PIN code. Optional."),
    "category": _("unorganised, boc, migrant or gig. Required."),
    "occupation_code": _("NCO-2015 code from the portal's occupation list. Required."),
    "employer_name": _("Employer, contractor or union. Optional."),
    "bank_account_holder": _("Account holder's name. Required."),
    "bank_account_number": _("9 to 18 digits. Required; stored encrypted."),
    "ifsc": _("11 characters, e.g. SBIN0001234. Required."),
    "nominee_name": _("Nominee's name. Required."),
    "nominee_relation": _("Nominee's relation to the worker. Required."),
    "registration_number": _("Migration only: the existing registration number. Required, "
                             "unique."),
    "registered_on": _("Migration only: DD/MM/YYYY. Required."),
    "valid_until": _("Migration only: DD/MM/YYYY; empty for registrations without expiry."),
}


def worker_import_columns(*, migration: bool = False) -> list[str]:
    """Return the column names of an import file, in template order."""
    resource = WorkerMigrationResource() if migration else WorkerResource()
    return resource.get_export_headers()


def worker_import_template_csv(*, migration: bool = False) -> bytes:
    """Return the downloadable template: the header row only, UTF-8 with a BOM."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that spreadsheet programs read Devanagari as UTF-8
    csv.writer(buffer).writerow(worker_import_columns(migration=migration))
    return buffer.getvalue().encode("utf-8")


def worker_import_template_xlsx(*, migration: bool = False) -> bytes:
    """Return the downloadable template as an XLSX workbook (header row, text cells)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "workers"
    columns = worker_import_columns(migration=migration)
    sheet.append(columns)
    # Text format keeps Aadhaar, mobile and account numbers from turning into 1.2E+11.
    for index in range(1, len(columns) + 1):
        for cell in sheet.iter_cols(min_col=index, max_col=index, min_row=2, max_row=200):
            for item in cell:
                item.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def worker_export_rows(queryset):
    """Yield the header and then one masked row per worker (for CSV or XLSX exports).

    Aadhaar shows as XXXX-XXXX-1234 and the bank account by its last four.
    """
    resource = WorkerResource()
    export_fields = resource.get_export_fields()
    yield [str(field.column_name) for field in export_fields]
    rows = queryset.select_related("district", "block", "occupation")
    for worker in rows.iterator(chunk_size=2000):
        yield [resource.export_field(field, worker) for field in export_fields]
