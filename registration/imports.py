"""Bulk import of workers from CSV or XLSX: upload, dry run, confirm, commit.

The columns are those of ``registration.resources.WorkerResource``. The rows go
through a fast path instead of the resource's row-by-row ``import_data`` (a
100,000-row file must finish within the task time limit): rows are streamed,
validated in batches with the registration form's validators, checked for
duplicates with one query per batch and, on commit, bulk-inserted in one
transaction, so that a crash leaves nothing half-written.

Aadhaar numbers in the file exist in clear only in memory: they are hashed for
the duplicate check and encrypted into the vault on commit. Job params, results,
the error file and audit rows carry row numbers, column names, counts and the
file's sha256, never a cell's value. The upload is deleted when the commit ends
(or when a dry run leaves nothing to confirm).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.audit import audit_event_record
from core.crypto import encrypt_text
from core.jobs import job_handler
from core.models import AuditEvent, Block, District, Job
from core.roles import RoleCode as R
from core.services import SideProgress, job_create, job_progress, row_events_insert
from core.validators import normalise_mobile
from registration.identity import aadhaar_hash
from registration.models import AadhaarVault, Occupation, Worker, WorkerTransition
from registration.resources import worker_import_columns
from registration.validators import (
    check_age,
    clean_aadhaar,
    clean_account_number,
    clean_ifsc,
    clean_person_name,
)

KIND_DRY_RUN = "worker_import_dry_run"
KIND_COMMIT = "worker_import_commit"
MODE_NEW = "new"
MODE_MIGRATION = "migration"
FORMATS = ("csv", "xlsx")
# A 100,000-row CSV with names in Devanagari (3 bytes a letter) is about 26 MB.
MAX_UPLOAD_BYTES = 40 * 1024 * 1024
BATCH_SIZE = 2000
ERRORS_SHOWN = 500
UPLOAD_DIR = "imports"

REQUIRED = {"name", "relative_name", "relative_relation", "date_of_birth", "gender", "mobile",
            "aadhaar", "district_code", "block", "address_line", "category",
            "occupation_code", "bank_account_holder", "bank_account_number", "ifsc",
            "nominee_name", "nominee_relation", "registration_number", "registered_on"}
GENDERS = {"female": "female", "f": "female", "महिला": "female", "स्त्री": "female",
           "male": "male", "m": "male", "पुरुष": "male",
           "other": "other", "o": "other", "अन्य": "other"}
RELATIONS = {"father": "father", "पिता": "father", "husband": "husband", "पति": "husband",
             "mother": "mother", "माता": "mother", "wife": "wife", "पत्नी": "wife"}
CATEGORIES = {"unorganised": "unorganised", "unorganized": "unorganised", "boc": "boc",
              "bocw": "boc", "migrant": "migrant", "gig": "gig", "platform": "gig"}
PINCODE_RE = re.compile(r"[1-9]\d{5}")
REGISTRATION_NUMBER_RE = re.compile(r"[A-Za-z0-9/-]{1,30}")
DATE_RE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
# Text columns copied to the worker as they are (after trimming), with their limits.
TEXT_FIELDS = ("address_line", "employer_name", "nominee_relation")


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, missing columns)."""


@dataclass
class _Counts:
    rows: int = 0
    new: int = 0
    duplicate: int = 0
    invalid: int = 0
    errors: list = field(default_factory=list)  # [row, column, message]
    invalid_rows: set = field(default_factory=set)
    districts: set = field(default_factory=set)

    def error(self, row: int, column: str, message) -> None:
        self.errors.append([row, column, str(message)])


@dataclass
class _Row:
    number: int
    values: dict
    aadhaar: str  # clear digits: kept in memory only, until the vault encrypts them
    account: str
    digest: str


# --- Reading the file -----------------------------------------------------------------------


def _header(cells) -> list[str]:
    return [re.sub(r"[\s-]+", "_", str(c or "").strip().lower()) for c in cells]


def _cell(value) -> str | date:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        # Spreadsheets store long digit strings (Aadhaar, mobile) as numbers.
        return str(int(value))
    return str(value).strip()


def _xlsx_errors() -> tuple:
    from openpyxl.utils.exceptions import InvalidFileException

    # What openpyxl raises for a damaged or disguised workbook.
    return (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError)


def _read(path: str, fmt: str) -> Iterator[tuple[int, list]]:
    """Yield (spreadsheet row number, cells) from the upload, header first, streamed."""
    with default_storage.open(path, "rb") as handle:
        if fmt == "csv":
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            try:
                for number, cells in enumerate(csv.reader(text), start=1):
                    yield number, cells
            except UnicodeDecodeError:
                raise ImportFileError(
                    _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it "
                      "again.")) from None
            except csv.Error:
                raise ImportFileError(_("The file is not a readable CSV file.")) from None
            return
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except _xlsx_errors():
            raise ImportFileError(_("The file is not a readable XLSX workbook.")) from None
        try:
            sheet = workbook.worksheets[0]
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(cells)
        finally:
            workbook.close()


def _row_total(path: str, fmt: str) -> int:
    """Return the number of data rows (the progress bar's total), cheaply."""
    if fmt == "csv":
        with default_storage.open(path, "rb") as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
            return max(sum(1 for _row in csv.reader(text)) - 1, 0)
    from openpyxl import load_workbook

    try:
        with default_storage.open(path, "rb") as handle:
            workbook = load_workbook(handle, read_only=True)
            rows = workbook.worksheets[0].max_row
            workbook.close()
    except _xlsx_errors():
        return 0
    return max((rows or 1) - 1, 0)


def _file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- Checking rows ------------------------------------------------------------------------


def _parse_date(value) -> date:
    if isinstance(value, date):
        return value
    match = DATE_RE.fullmatch(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ValidationError(_("Write the date as DD/MM/YYYY, for example 17/05/1990."))


class _Checker:
    """Validate rows with the registration form's rules; master data is loaded once."""

    def __init__(self, *, user, mode: str, today: date):
        self.user = user
        self.mode = mode
        self.today = today
        self.columns = worker_import_columns(migration=mode == MODE_MIGRATION)
        districts = District.objects.filter(state__code=settings.PORTAL_STATE_CODE)
        self.districts = {}
        for district in districts:
            self.districts[district.code.upper()] = district.pk
            self.districts[str(district.lgd_code)] = district.pk
        self.blocks = {}
        for block in Block.objects.filter(district__in=districts).only(
                "pk", "district_id", "lgd_code", "name_en", "name_hi"):
            for key in (str(block.lgd_code), block.name_en.casefold(),
                        (block.name_hi or "").casefold()):
                if key:
                    self.blocks[(block.district_id, key)] = block.pk
        self.occupations = dict(Occupation.objects.values_list("code", "pk"))
        self.allowed = None if user.has_role(R.STATE_ADMIN) else set(user.district_ids)
        self.max_length = {f.name: f.max_length for f in Worker._meta.concrete_fields
                           if getattr(f, "max_length", None)}

    def header(self, cells) -> dict[str, int]:
        """Return column name -> index; refuse a file without the required columns."""
        names = _header(cells)
        index = {name: i for i, name in enumerate(names) if name}
        missing = [c for c in self.columns if c in REQUIRED and c not in index]
        if missing:
            raise ImportFileError(
                _("The first row must name the columns. Missing: %(columns)s.")
                % {"columns": ", ".join(missing)})
        return index

    def check(self, number: int, cells: list, index: dict, counts: _Counts) -> _Row | None:
        """Return the cleaned row, or None after recording its errors in ``counts``."""
        raw = {name: _cell(cells[i]) if i < len(cells) else "" for name, i in index.items()}
        values: dict = {}
        errors: list[tuple[str, str]] = []

        def run(column, func):
            value = raw.get(column, "")
            if value == "" or value is None:
                if column in REQUIRED:
                    errors.append((column, _("This column is required.")))
                return None
            try:
                return func(value)
            except ValidationError as exc:
                errors.append((column, " ".join(str(m) for m in exc.messages)))
                return None

        for column in ("name", "name_latin", "relative_name", "bank_account_holder",
                       "nominee_name"):
            values[column] = run(column, lambda v: clean_person_name(str(v))) or ""
        values["relative_relation"] = run("relative_relation", lambda v: _choice(v, RELATIONS))
        values["gender"] = run("gender", lambda v: _choice(v, GENDERS))
        values["category"] = run("category", lambda v: _choice(v, CATEGORIES))
        born = run("date_of_birth", _parse_date)
        values["date_of_birth"] = born
        values["mobile"] = run("mobile", lambda v: normalise_mobile(str(v)))
        aadhaar = run("aadhaar", lambda v: clean_aadhaar(str(v)))
        account = run("bank_account_number", lambda v: clean_account_number(str(v)))
        values["ifsc"] = run("ifsc", lambda v: clean_ifsc(str(v)))
        values["pincode"] = run("pincode", self._pincode) or ""
        district_id = run("district_code", self._district)
        values["district_id"] = district_id
        values["block_id"] = (run("block", lambda v: self._block(district_id, v))
                              if district_id else None)
        values["occupation_id"] = run("occupation_code", self._occupation)
        for column in TEXT_FIELDS:
            values[column] = " ".join(str(raw.get(column, "")).split())
            if not values[column] and column in REQUIRED:
                errors.append((column, _("This column is required.")))

        start = self.today
        if self.mode == MODE_MIGRATION:
            values["registration_number"] = run("registration_number",
                                                self._registration_number)
            start = run("registered_on", self._registered_on)
            values["registered_on"] = start
            values["valid_until"] = run("valid_until", _parse_date)
            if start and values["valid_until"] and values["valid_until"] < start:
                errors.append(("valid_until", _("Valid until is before registered on.")))
        if born and values["category"] and start:
            try:
                check_age(category=values["category"], born=born, on=start)
            except ValidationError as exc:
                errors.append(("date_of_birth", " ".join(str(m) for m in exc.messages)))
        for name, limit in self.max_length.items():
            value = values.get(name)
            if isinstance(value, str) and len(value) > limit:
                errors.append((name, _("At most %(n)s characters.") % {"n": limit}))
        if errors:
            for column, message in errors:
                counts.error(number, column, message)
            counts.invalid += 1
            counts.invalid_rows.add(number)
            return None
        return _Row(number=number, values=values, aadhaar=aadhaar, account=account,
                    digest=aadhaar_hash(aadhaar))

    def _district(self, value) -> int:
        district_id = self.districts.get(str(value).strip().upper())
        if district_id is None:
            raise ValidationError(_("No district of the state has this code."))
        if self.allowed is not None and district_id not in self.allowed:
            raise ValidationError(_("District outside your jurisdiction."))
        return district_id

    def _block(self, district_id: int, value) -> int:
        block_id = self.blocks.get((district_id, str(value).strip().casefold()))
        if block_id is None:
            raise ValidationError(_("No block or town of this name or code in the district."))
        return block_id

    def _occupation(self, value) -> int:
        occupation_id = self.occupations.get(str(value).strip())
        if occupation_id is None:
            raise ValidationError(_("Not an occupation code of the portal's list."))
        return occupation_id

    def _pincode(self, value) -> str:
        if not PINCODE_RE.fullmatch(str(value)):
            raise ValidationError(_("A PIN code has 6 digits and does not start with 0."))
        return str(value)

    def _registration_number(self, value) -> str:
        if not REGISTRATION_NUMBER_RE.fullmatch(str(value)):
            raise ValidationError(_("Up to 30 letters, digits, / and -."))
        return str(value)

    def _registered_on(self, value) -> date:
        registered_on = _parse_date(value)
        if registered_on > self.today:
            raise ValidationError(_("This date is in the future."))
        return registered_on


def _choice(value, choices: dict) -> str:
    code = choices.get(str(value).strip().casefold())
    if code is None:
        raise ValidationError(_("Use one of: %(values)s.")
                              % {"values": ", ".join(sorted(set(choices.values())))})
    return code


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _process(*, job: Job, user, mode: str, on_batch, progress) -> _Counts:
    """Stream, check and de-duplicate the file's rows; hand each batch of new rows on."""
    params = job.params
    checker = _Checker(user=user, mode=mode, today=timezone.localdate())
    counts = _Counts()
    seen: dict[str, int] = {}  # Aadhaar hash -> first row with it in this file
    seen_numbers: set[str] = set()
    total = _row_total(params["path"], params["format"])
    progress(0, total, _("Checking rows"))
    rows = _read(params["path"], params["format"])
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    index = checker.header(header[1])
    data = ((n, c) for n, c in rows if any(str(x or "").strip() for x in c))
    for batch in _batches(data, BATCH_SIZE):
        counts.rows += len(batch)
        checked = [checker.check(n, c, index, counts) for n, c in batch]
        checked = [row for row in checked if row is not None]
        digests = [row.digest for row in checked]
        existing = set(Worker.objects.filter(aadhaar_hash__in=digests)
                       .values_list("aadhaar_hash", flat=True))
        taken_numbers = set()
        if mode == MODE_MIGRATION:
            taken_numbers = set(Worker.objects.filter(
                registration_number__in=[r.values["registration_number"] for r in checked])
                .values_list("registration_number", flat=True))
        new_rows = []
        for row in checked:
            if row.digest in existing:
                counts.duplicate += 1
                counts.error(row.number, "aadhaar", _("Aadhaar: already registered."))
            elif row.digest in seen:
                counts.duplicate += 1
                counts.error(row.number, "aadhaar",
                             _("Aadhaar: repeats row %(row)s of this file.")
                             % {"row": seen[row.digest]})
            elif mode == MODE_MIGRATION and (
                    row.values["registration_number"] in taken_numbers
                    or row.values["registration_number"] in seen_numbers):
                counts.invalid += 1
                counts.invalid_rows.add(row.number)
                counts.error(row.number, "registration_number",
                             _("Registration number: already used."))
            else:
                counts.new += 1
                new_rows.append(row)
                counts.districts.add(row.values["district_id"])
            seen.setdefault(row.digest, row.number)
            if mode == MODE_MIGRATION:
                seen_numbers.add(row.values["registration_number"])
        on_batch(new_rows)
        progress(min(counts.rows, total) if total else counts.rows, total, "")
    counts.errors.sort(key=lambda error: error[0])
    return counts


# --- Writing ------------------------------------------------------------------------------


def _insert(rows: list[_Row], *, user, mode: str, job_id) -> None:
    """Insert one batch of checked new rows (vault entries, workers, their first step)."""
    if not rows:
        return
    now = timezone.now()
    today = timezone.localdate()
    AadhaarVault.objects.bulk_create(
        [AadhaarVault(hash=row.digest, ciphertext=encrypt_text(row.aadhaar)) for row in rows],
        ignore_conflicts=True)  # a number kept by an abandoned draft is already there
    workers = []
    for row in rows:
        values = dict(row.values)
        if mode == MODE_MIGRATION:
            valid_until = values["valid_until"]
            status = (Worker.Status.EXPIRED if valid_until and valid_until < today
                      else Worker.Status.ACTIVE)
            extra = {"is_migrated": True, "decided_at": now}
        else:
            status = Worker.Status.SUBMITTED
            extra = {"submitted_at": now}
        workers.append(Worker(
            status=status, channel=Worker.Channel.IMPORT, registered_by=user,
            draft_step="review", aadhaar_hash=row.digest, aadhaar_last4=row.aadhaar[-4:],
            bank_account_encrypted=encrypt_text(row.account),
            bank_account_last4=row.account[-4:], **values, **extra))
    # pghistory's row trigger opens a subtransaction per row, which makes a
    # 100,000-row transaction quadratic (minutes); the same insert events are
    # written here in one statement per batch instead, so the row history stays whole.
    with pgtrigger.ignore("registration.Worker:insert_insert"):
        Worker.objects.bulk_create(workers)
    row_events_insert(model=Worker, label="insert", where_sql="t.id = ANY(%s)",
                      params=[[worker.pk for worker in workers]], at=now)
    reason = f"bulk import {job_id}"
    WorkerTransition.objects.bulk_create(
        WorkerTransition(worker=worker, from_status=Worker.Status.DRAFT,
                         to_status=worker.status, actor=user, reason=reason)
        for worker in workers)


def _summary(counts: _Counts, mode: str) -> dict:
    return {"mode": mode, "rows": counts.rows, "new": counts.new,
            "duplicate": counts.duplicate, "invalid": counts.invalid,
            "errors_total": len(counts.errors), "errors": counts.errors[:ERRORS_SHOWN]}


def _errors_csv(errors: list) -> ContentFile:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(["row", "column", "message"])
    writer.writerows(errors)
    return ContentFile(buffer.getvalue().encode("utf-8"))


def _audit_district(counts: _Counts):
    # An import into one district is found by that district's audit search too.
    if len(counts.districts) == 1:
        return District.objects.filter(pk=next(iter(counts.districts))).first()
    return None


def _upload_delete(path: str) -> None:
    if path and default_storage.exists(path):
        default_storage.delete(path)


# --- Services -----------------------------------------------------------------------------


def _may_migrate(user) -> bool:
    return user.has_role(R.STATE_ADMIN)


@transaction.atomic
def worker_import_start(*, actor, upload, mode: str = MODE_NEW, request=None) -> Job:
    """Keep the uploaded file privately and start its dry run in the background."""
    if not actor.has_role(R.LABOUR_OFFICER, R.STATE_ADMIN):
        raise ValidationError(_("You may not import workers."), code="forbidden")
    if mode not in (MODE_NEW, MODE_MIGRATION):
        raise ValidationError(_("Choose the kind of import."), code="mode")
    if mode == MODE_MIGRATION and not _may_migrate(actor):
        raise ValidationError(_("Only the state administrator may migrate existing records."),
                              code="migration_forbidden")
    fmt = (upload.name or "").rsplit(".", 1)[-1].lower()
    if fmt not in FORMATS:
        raise ValidationError(_("Upload a CSV or XLSX file."), code="format")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file must be smaller than 40 MB."), code="size")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if (fmt == "xlsx") != (head == b"PK\x03\x04"):
        raise ValidationError(_("The file's content does not match its name (.csv or .xlsx)."),
                              code="format")
    path = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}.{fmt}", upload)
    return job_create(actor=actor, kind=KIND_DRY_RUN,
                      params={"path": path, "format": fmt, "mode": mode,
                              "sha256": digest.hexdigest()})


@transaction.atomic
def worker_import_confirm(*, actor, dry_run_id, request=None) -> Job:
    """Start the commit of a finished dry run (its own user's, with the file unchanged)."""
    dry_run = (Job.objects.select_for_update()
               .filter(pk=dry_run_id, kind=KIND_DRY_RUN, created_by=actor).first())
    if dry_run is None:
        raise ValidationError(_("This import was checked by someone else, or does not exist."),
                              code="not_yours")
    earlier = (Job.objects.filter(kind=KIND_COMMIT, params__dry_run=str(dry_run.pk))
               .exclude(status=Job.Status.FAILED).first())
    if earlier is not None:
        return earlier  # a repeated click
    params = dry_run.params
    if dry_run.status != Job.Status.DONE or dry_run.result.get("fatal"):
        raise ValidationError(_("The check of this file has not finished successfully."),
                              code="not_checked")
    if params["mode"] == MODE_MIGRATION and not _may_migrate(actor):
        raise ValidationError(_("Only the state administrator may migrate existing records."),
                              code="migration_forbidden")
    if not dry_run.result.get("new"):
        raise ValidationError(_("The file has no new rows to import."), code="nothing_new")
    if not default_storage.exists(params["path"]) or (
            _file_sha256(params["path"]) != params["sha256"]):
        raise ValidationError(_("The uploaded file has changed or is gone since it was "
                                "checked. Upload it again."), code="file_changed")
    return job_create(actor=actor, kind=KIND_COMMIT,
                      params={**params, "dry_run": str(dry_run.pk)})


def worker_import_uploads_purge(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete uploads whose dry run was never confirmed (they hold clear Aadhaar numbers)."""
    cutoff = timezone.now() - older_than
    removed = 0
    for job in Job.objects.filter(kind=KIND_DRY_RUN, created_at__lt=cutoff).only("params"):
        path = job.params.get("path", "")
        if path and default_storage.exists(path):
            default_storage.delete(path)
            removed += 1
    return removed


# --- Job handlers ---------------------------------------------------------------------------


def _language(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


@job_handler(KIND_DRY_RUN)
def worker_import_dry_run_run(job: Job) -> dict:
    """Check every row of the upload and report counts and per-row errors; write nothing."""
    user = job.created_by
    mode = job.params["mode"]

    def progress(done, total, message=""):
        job_progress(job_id=job.pk, done=done, total=total, message=message)

    with override(_language(user)):
        try:
            counts = _process(job=job, user=user, mode=mode, on_batch=lambda rows: None,
                              progress=progress)
        except ImportFileError as exc:
            _upload_delete(job.params["path"])
            result = {"mode": mode, "fatal": str(exc), "rows": 0, "new": 0, "duplicate": 0,
                      "invalid": 0, "errors_total": 0, "errors": []}
            with transaction.atomic():
                audit_event_record(action=AuditEvent.Action.ADMIN, actor=user, obj=job,
                                   summary="worker import dry run: file refused",
                                   detail={"mode": mode, "sha256": job.params["sha256"]})
            return result
    result = _summary(counts, mode)
    with transaction.atomic():
        job.result_file.save(f"import-errors-{timezone.now():%Y%m%d-%H%M%S}.csv",
                             _errors_csv(counts.errors), save=False)
        job.save(update_fields=["result_file"])
        audit_event_record(
            action=AuditEvent.Action.ADMIN, actor=user, obj=job,
            district=_audit_district(counts),
            summary=f"worker import dry run: {counts.new} new, {counts.duplicate} duplicate, "
                    f"{counts.invalid} invalid",
            detail={key: result[key] for key in ("mode", "rows", "new", "duplicate",
                                                 "invalid")}
            | {"sha256": job.params["sha256"]})
    if not counts.new:
        _upload_delete(job.params["path"])  # nothing to confirm
    return result


@job_handler(KIND_COMMIT)
def worker_import_commit_run(job: Job) -> dict:
    """Insert the file's valid new rows in one transaction; delete the upload at the end."""
    user = job.created_by
    params = job.params
    mode = params["mode"]
    if mode == MODE_MIGRATION and not _may_migrate(user):
        raise PermissionError("migration import by a user who is not the state admin")
    side_progress = SideProgress(job.pk)
    try:
        if _file_sha256(params["path"]) != params["sha256"]:
            raise ImportFileError("the upload changed after its dry run")
        with override(_language(user)), transaction.atomic():
            counts = _process(
                job=job, user=user, mode=mode, progress=side_progress,
                on_batch=lambda rows: _insert(rows, user=user, mode=mode, job_id=job.pk))
            side_progress.close()
            audit_event_record(
                action=AuditEvent.Action.ADMIN, actor=user, obj=job,
                district=_audit_district(counts),
                summary=f"worker import committed: {counts.new} inserted, "
                        f"{counts.duplicate} duplicate, {counts.invalid} invalid",
                detail={"mode": mode, "rows": counts.rows, "inserted": counts.new,
                        "duplicate": counts.duplicate, "invalid": counts.invalid,
                        "sha256": params["sha256"], "dry_run": params.get("dry_run", "")})
    finally:
        side_progress.close()
        # Whatever the outcome, the file with clear Aadhaar numbers does not stay.
        _upload_delete(params["path"])
    job_progress(job_id=job.pk, done=counts.rows, total=counts.rows)
    result = _summary(counts, mode)
    result["inserted"] = counts.new
    return result
