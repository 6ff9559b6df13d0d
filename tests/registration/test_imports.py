"""Bulk import of workers: dry run, confirm, commit, migration, template and privacy."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import registration.imports  # noqa: F401  (registers the job handlers; see apps.py)
from core.models import AuditEvent, Job
from registration import imports
from registration.models import AadhaarVault, Worker
from registration.resources import worker_export_rows, worker_import_columns
from tests.core.factories import BlockFactory
from tests.registration.factories import WorkerFactory, valid_aadhaar

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _remove_uploads():
    """Uploads of dry runs a test does not confirm would stay in private storage."""
    yield
    for job in Job.objects.filter(kind=imports.KIND_DRY_RUN):
        imports._upload_delete(job.params.get("path", ""))


@pytest.fixture
def block_a(district_a):
    return BlockFactory(district=district_a, name_en="Dharsiwa", name_hi="धरसींवा")


@pytest.fixture
def block_b(district_b):
    return BlockFactory(district=district_b, name_en="Takhatpur")


def good_row(**changes) -> dict:
    row = {
        "name": "रामू साहू", "name_latin": "Ramu Sahu", "relative_name": "श्याम साहू",
        "relative_relation": "father", "date_of_birth": "17/05/1990", "gender": "male",
        "mobile": "9876543210", "aadhaar": valid_aadhaar(), "district_code": "RPR",
        "block": "Dharsiwa", "address_line": "Ward 4, Gandhi Chowk", "pincode": "492001",
        "category": "unorganised", "occupation_code": "9313", "employer_name": "",
        "bank_account_holder": "Ramu Sahu", "bank_account_number": "123456789012",
        "ifsc": "SBIN0001234", "nominee_name": "सीता साहू", "nominee_relation": "wife",
    }
    row.update(changes)
    return row


def csv_file(rows, *, migration=False, name="workers.csv"):
    columns = worker_import_columns(migration=migration)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, name="workers.xlsx"):
    from openpyxl import Workbook

    columns = worker_import_columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(client, capture, upload_file, **data):
    with capture(execute=True):
        response = client.post(reverse("registration:import_start"),
                               {"file": upload_file, **data})
    assert response.status_code == 302, response.content
    return Job.objects.filter(kind=imports.KIND_DRY_RUN).latest("created_at")


def confirm(client, capture, dry_run):
    with capture(execute=True):
        response = client.post(reverse("registration:import_confirm", args=[dry_run.pk]))
    assert response.status_code == 302
    return Job.objects.filter(kind=imports.KIND_COMMIT).latest("created_at")


@pytest.fixture
def mixed_rows(personas, block_a, block_b):
    existing = valid_aadhaar()
    WorkerFactory(aadhaar=existing)
    repeated = valid_aadhaar()
    number = valid_aadhaar()
    bad_checksum = number[:-1] + str((int(number[-1]) + 1) % 10)
    rows = [
        good_row(aadhaar=repeated),                                  # 2 new
        good_row(aadhaar=bad_checksum),                              # 3 invalid
        good_row(ifsc="SBIN1234"),                                   # 4 invalid
        good_row(date_of_birth="01/01/2015"),                        # 5 invalid (under age)
        good_row(district_code="XYZ"),                               # 6 invalid
        good_row(district_code="BSP", block="Takhatpur"),            # 7 outside jurisdiction
        good_row(aadhaar=repeated),                                  # 8 duplicate in file
        good_row(aadhaar=existing),                                  # 9 duplicate of a worker
        good_row(name="सुनीता बाई", name_latin="", gender="F",       # 10 new, Devanagari
                 relative_name="मोहन", relative_relation="पति", block="धरसींवा"),
    ]
    return rows


def test_dry_run_reports_errors_by_row_and_column_and_writes_nothing(
        client, login, personas, mixed_rows, django_capture_on_commit_callbacks):
    login(personas["officer_a"])
    before = Worker.objects.count(), AadhaarVault.objects.count()
    job = upload(client, django_capture_on_commit_callbacks, csv_file(mixed_rows))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    result = job.result
    assert (result["rows"], result["new"], result["duplicate"], result["invalid"]) == (
        9, 2, 2, 5)
    errors = {(row, column): message for row, column, message in result["errors"]}
    assert "not a valid Aadhaar number" in errors[(3, "aadhaar")]
    assert "IFSC has 11 characters" in errors[(4, "ifsc")]
    assert "16 to 59 years old" in errors[(5, "date_of_birth")]
    assert errors[(6, "district_code")] == "No district of the state has this code."
    assert errors[(7, "district_code")] == "District outside your jurisdiction."
    assert errors[(8, "aadhaar")] == "Aadhaar: repeats row 2 of this file."
    assert errors[(9, "aadhaar")] == "Aadhaar: already registered."
    assert not any(row in (2, 10) for row, _c, _m in result["errors"])
    assert (Worker.objects.count(), AadhaarVault.objects.count()) == before
    assert default_storage.exists(job.params["path"])


def test_dry_run_result_page_shows_counts_errors_and_confirm(
        client, login, personas, mixed_rows, django_capture_on_commit_callbacks):
    login(personas["officer_a"])
    job = upload(client, django_capture_on_commit_callbacks, csv_file(mixed_rows))
    page = client.get(reverse("registration:import_result", args=[job.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "District outside your jurisdiction." in content
    assert reverse("registration:import_confirm", args=[job.pk]) in content
    errors_file = client.get(reverse("core:job_file", args=[job.pk]))
    lines = b"".join(errors_file.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "row,column,message"
    assert len(lines) == 1 + job.result["errors_total"]


def test_commit_inserts_only_the_valid_rows_as_submitted_imports(
        client, login, personas, mixed_rows, django_capture_on_commit_callbacks):
    officer = personas["officer_a"]
    login(officer)
    before = Worker.objects.count()
    dry_run = upload(client, django_capture_on_commit_callbacks, csv_file(mixed_rows))
    commit = confirm(client, django_capture_on_commit_callbacks, dry_run)
    commit.refresh_from_db()
    assert commit.status == Job.Status.DONE
    assert commit.result["inserted"] == 2
    imported = Worker.objects.filter(channel=Worker.Channel.IMPORT)
    assert Worker.objects.count() == before + 2
    assert {w.status for w in imported} == {Worker.Status.SUBMITTED}
    assert {w.registered_by_id for w in imported} == {officer.pk}
    assert {w.name for w in imported} == {"रामू साहू", "सुनीता बाई"}
    sunita = imported.get(name="सुनीता बाई")
    assert (sunita.gender, sunita.relative_relation) == ("female", "husband")
    assert sunita.bank_account_last4 == "9012" and sunita.bank_account_encrypted
    assert sunita.transitions.get().to_status == Worker.Status.SUBMITTED
    assert Worker.pgh_event_model.objects.filter(pgh_obj_id=sunita.pk, pgh_label="insert",
                                                 name="सुनीता बाई").exists()
    assert not default_storage.exists(dry_run.params["path"])


def test_clear_aadhaar_is_nowhere_but_the_vault(
        client, login, personas, mixed_rows, django_capture_on_commit_callbacks):
    login(personas["officer_a"])
    dry_run = upload(client, django_capture_on_commit_callbacks, csv_file(mixed_rows))
    commit = confirm(client, django_capture_on_commit_callbacks, dry_run)
    numbers = {row["aadhaar"] for row in mixed_rows}
    texts = []
    for job in (dry_run, commit):
        job.refresh_from_db()
        texts += [json.dumps(job.params), json.dumps(job.result), job.message]
        if job.result_file:
            with job.result_file.open("rb") as handle:
                texts.append(handle.read().decode("utf-8"))
    for event in AuditEvent.objects.all():
        texts += [event.summary, json.dumps(event.detail)]
    texts += [json.dumps(list(Worker.objects.values()), default=str)]
    blob = "\n".join(texts)
    assert not [number for number in numbers if number in blob]


def test_dry_run_and_commit_are_audited_with_counts_and_file_hash(
        client, login, personas, mixed_rows, django_capture_on_commit_callbacks):
    login(personas["officer_a"])
    dry_run = upload(client, django_capture_on_commit_callbacks, csv_file(mixed_rows))
    confirm(client, django_capture_on_commit_callbacks, dry_run)
    events = AuditEvent.objects.filter(summary__startswith="worker import").order_by("pk")
    assert [e.detail["sha256"] for e in events] == [dry_run.params["sha256"]] * 2
    assert events[1].detail["inserted"] == 2


def test_crash_during_commit_leaves_no_worker(
        client, login, personas, block_a, django_capture_on_commit_callbacks, monkeypatch):
    login(personas["officer_a"])
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    rows = [good_row() for _ in range(5)]
    dry_run = upload(client, django_capture_on_commit_callbacks, csv_file(rows))
    assert dry_run.result["new"] == 5
    real_insert = imports._insert
    calls = []

    def failing_insert(batch, **kwargs):
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real_insert(batch, **kwargs)

    monkeypatch.setattr(imports, "_insert", failing_insert)
    before = Worker.objects.count(), AadhaarVault.objects.count()
    with pytest.raises(RuntimeError):
        confirm(client, django_capture_on_commit_callbacks, dry_run)
    assert calls == [2, 2]
    assert (Worker.objects.count(), AadhaarVault.objects.count()) == before
    commit = Job.objects.get(kind=imports.KIND_COMMIT)
    assert commit.status == Job.Status.FAILED
    assert not default_storage.exists(dry_run.params["path"])


def test_xlsx_file_is_imported(client, login, personas, block_a,
                               django_capture_on_commit_callbacks):
    login(personas["officer_a"])
    rows = [good_row(), good_row(ifsc="bad")]
    dry_run = upload(client, django_capture_on_commit_callbacks, xlsx_file(rows))
    assert (dry_run.result["new"], dry_run.result["invalid"]) == (1, 1)
    assert dry_run.result["errors"][0][:2] == [3, "ifsc"]
    confirm(client, django_capture_on_commit_callbacks, dry_run)
    assert Worker.objects.filter(channel=Worker.Channel.IMPORT).count() == 1


def test_file_without_required_columns_is_refused_as_a_whole(
        client, login, personas, django_capture_on_commit_callbacks):
    login(personas["officer_a"])
    bad = SimpleUploadedFile("w.csv", b"name,mobile\nRamu,9876543210\n")
    dry_run = upload(client, django_capture_on_commit_callbacks, bad)
    assert "Missing: " in dry_run.result["fatal"]
    assert "aadhaar" in dry_run.result["fatal"]
    assert not default_storage.exists(dry_run.params["path"])


def test_migration_is_refused_to_a_labour_officer(personas):
    with pytest.raises(ValidationError) as caught:
        imports.worker_import_start(actor=personas["officer_a"], mode=imports.MODE_MIGRATION,
                                    upload=csv_file([], migration=True))
    assert caught.value.code == "migration_forbidden"


def test_officer_upload_is_always_new_registrations(
        client, login, personas, block_a, django_capture_on_commit_callbacks):
    login(personas["officer_a"])
    dry_run = upload(client, django_capture_on_commit_callbacks, csv_file([good_row()]),
                     mode=imports.MODE_MIGRATION)
    assert dry_run.params["mode"] == imports.MODE_NEW


def test_state_admin_migration_keeps_numbers_and_validity(
        client, login, personas, block_a, django_capture_on_commit_callbacks):
    login(personas["state_admin"])
    rows = [
        good_row(category="boc", registration_number="CG-RPR-2019-0000042",
                 registered_on="01/04/2019", valid_until="31/03/2099"),
        good_row(registration_number="CG-RPR-2018-0000007", registered_on="01/04/2018",
                 valid_until="31/03/2019"),
        good_row(registration_number="CG-RPR-2019-0000042", registered_on="01/04/2019"),
    ]
    dry_run = upload(client, django_capture_on_commit_callbacks,
                     csv_file(rows, migration=True), mode=imports.MODE_MIGRATION)
    assert (dry_run.result["new"], dry_run.result["invalid"]) == (2, 1)
    assert dry_run.result["errors"] == [[4, "registration_number",
                                         "Registration number: already used."]]
    confirm(client, django_capture_on_commit_callbacks, dry_run)
    active = Worker.objects.get(registration_number="CG-RPR-2019-0000042")
    assert active.status == Worker.Status.ACTIVE and active.is_migrated
    assert (active.registered_on.isoformat(), active.valid_until.isoformat()) == (
        "2019-04-01", "2099-03-31")
    assert not active.cards.exists()
    old = Worker.objects.get(registration_number="CG-RPR-2018-0000007")
    assert old.status == Worker.Status.EXPIRED


def test_confirm_by_another_user_is_refused(
        client, login, personas, block_a, django_capture_on_commit_callbacks):
    login(personas["officer_a"])
    dry_run = upload(client, django_capture_on_commit_callbacks, csv_file([good_row()]))
    with pytest.raises(ValidationError):
        imports.worker_import_confirm(actor=personas["state_admin"], dry_run_id=dry_run.pk)
    assert not Job.objects.filter(kind=imports.KIND_COMMIT).exists()


def test_confirm_refused_when_the_file_changed(
        client, login, personas, block_a, django_capture_on_commit_callbacks):
    officer = personas["officer_a"]
    login(officer)
    dry_run = upload(client, django_capture_on_commit_callbacks, csv_file([good_row()]))
    with default_storage.open(dry_run.params["path"], "ab") as handle:
        handle.write(b"\n")
    with pytest.raises(ValidationError) as caught:
        imports.worker_import_confirm(actor=officer, dry_run_id=dry_run.pk)
    assert caught.value.code == "file_changed"


def test_repeated_confirm_starts_one_commit(
        client, login, personas, block_a, django_capture_on_commit_callbacks):
    login(personas["officer_a"])
    dry_run = upload(client, django_capture_on_commit_callbacks, csv_file([good_row()]))
    first = confirm(client, django_capture_on_commit_callbacks, dry_run)
    client.post(reverse("registration:import_confirm", args=[dry_run.pk]))
    assert list(Job.objects.filter(kind=imports.KIND_COMMIT)) == [first]
    assert Worker.objects.filter(channel=Worker.Channel.IMPORT).count() == 1


def test_template_downloads_with_the_documented_columns(client, login, personas):
    login(personas["officer_a"])
    response = client.get(reverse("registration:import_template"))
    assert response.status_code == 200
    header = response.content.decode("utf-8-sig").strip().split(",")
    assert header == worker_import_columns()
    assert "aadhaar" in header and "registration_number" not in header
    xlsx = client.get(reverse("registration:import_template_xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_csc_operator_gets_404_on_import(client, login, personas):
    login(personas["csc_a"])
    assert client.get(reverse("registration:import_start")).status_code == 404


def test_export_rows_mask_aadhaar_and_bank_account(personas):
    number = valid_aadhaar()
    worker = WorkerFactory(aadhaar=number)
    header, row = list(worker_export_rows(Worker.objects.filter(pk=worker.pk)))
    values = dict(zip(header, row, strict=True))
    assert values["aadhaar"] == f"XXXX-XXXX-{number[-4:]}"
    assert values["bank_account_number"] == "XXXXXX4321"
    assert values["date_of_birth"] == "17/05/1990"
    assert number not in json.dumps(row)
