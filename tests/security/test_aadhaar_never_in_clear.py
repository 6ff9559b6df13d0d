"""An Aadhaar number never appears in clear outside the vault's ciphertext.

A sentinel number goes through registration by two channels, approval, the card,
the lists and exports, a failing request and the import dry run; then every table
(as text), every page and file served, every SMS and every log line is searched.
"""

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from core.sms import CapturingSMSBackend
from registration.models import Worker
from tests.core.factories import BlockFactory
from tests.registration.factories import jpeg_bytes, valid_aadhaar

pytestmark = pytest.mark.django_db


def all_rows_containing(text: str) -> dict[str, int]:
    """Count rows of every table whose text form contains ``text``."""
    hits = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s',
                           [f"%{text}%"])
            count = cursor.fetchone()[0]
            if count:
                hits[table] = count
    return hits


def register(client, worker, district, aadhaar):
    block = BlockFactory(district=district)

    def post(step, data):
        return client.post(reverse("registration:worker_step", args=[worker.uuid, step]), data)

    post("personal", {"name": "सुनीता", "relative_name": "रमेश", "relative_relation": "husband",
                      "date_of_birth": "1992-03-04", "gender": "female",
                      "mobile": worker.mobile, "aadhaar": f"{aadhaar[:4]} {aadhaar[4:8]} "
                                                          f"{aadhaar[8:]}"})
    post("address", {"district": district.pk, "block": block.pk, "address_line": "Ward 2"})
    post("work", {"category": "unorganised", "occupation": _occupation()})
    post("bank", {"bank_account_holder": "Sunita", "account_number": "123456789012",
                  "account_number_again": "123456789012", "ifsc": "SBIN0001234"})
    post("family", {"nominee_name": "रमेश", "nominee_relation": "husband",
                    "family-TOTAL_FORMS": "0", "family-INITIAL_FORMS": "0"})
    post("documents", {"action": "photo", "photo": SimpleUploadedFile(
        "p.jpg", jpeg_bytes(), content_type="image/jpeg")})
    return client.post(reverse("registration:worker_submit", args=[worker.uuid]),
                       {"declaration": "on"})


def _occupation():
    from registration.models import Occupation

    return Occupation.objects.first().pk


def test_sentinel_aadhaar_is_nowhere_in_clear(client, login, personas, district_a, caplog,
                                             django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    sentinel = valid_aadhaar(seed=987654321)
    other = valid_aadhaar(seed=987654322)
    served = []

    login(personas["worker_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:worker_start"))
        worker = Worker.objects.get(owner=personas["worker_a"])
        served.append(register(client, worker, district_a, sentinel))
    client.logout()

    # A second worker tries the same number: the duplicate message must not echo it.
    login(personas["worker_b"])
    client.post(reverse("registration:worker_start"))
    second = Worker.objects.get(owner=personas["worker_b"])
    served.append(client.post(
        reverse("registration:worker_step", args=[second.uuid, "personal"]),
        {"name": "सीता", "relative_name": "रमेश", "relative_relation": "husband",
         "date_of_birth": "1990-01-01", "gender": "female", "mobile": "9876500002",
         "aadhaar": sentinel}))
    client.logout()

    login(personas["officer_a"])
    with django_capture_on_commit_callbacks(execute=True):
        served.append(client.get(reverse("registration:worker_review", args=[worker.uuid])))
        served.append(client.post(reverse("registration:worker_decision",
                                          args=[worker.uuid, "approve"])))
    worker.refresh_from_db()
    served.append(client.get(worker.get_absolute_url()))
    served.append(client.get(reverse("registration:worker_list") + f"?q={sentinel[-4:]}"))
    served.append(client.get(reverse("registration:worker_list") + "?export=xlsx"))
    served.append(client.get(reverse("registration:card_download", args=[worker.uuid])))
    # An import dry run with the other sentinel in a bad row.
    csv_text = ("name,relative_name,relative_relation,date_of_birth,gender,mobile,aadhaar,"
                "district_code,block,address_line,category,occupation_code,"
                "bank_account_holder,bank_account_number,ifsc,nominee_name,nominee_relation\n"
                f"Ram,Shyam,father,01/01/1990,M,9876511111,{other},XYZ,Nowhere,Ward 1,"
                "unorganised,9313,Ram,123456789,SBIN0001234,Sita,wife\n")
    with django_capture_on_commit_callbacks(execute=True):
        served.append(client.post(reverse("registration:import_start"), {
            "file": SimpleUploadedFile("w.csv", csv_text.encode(), content_type="text/csv"),
            "mode": "new"}))

    for number in (sentinel, other):
        rows = all_rows_containing(number)
        # The import's upload is a file, not a row; no table may hold the number.
        assert rows == {}, f"{number} found in {rows}"
        spaced = f"{number[:4]} {number[4:8]}"
        for response in served:
            body = b"".join(response.streaming_content) if response.streaming else \
                response.content
            if response.get("Content-Type", "").startswith("application/pdf"):
                assert number.encode() not in body
                continue
            if body[:2] == b"PK":  # xlsx: a zip; search the unzipped sheets
                import zipfile

                with zipfile.ZipFile(io.BytesIO(body)) as archive:
                    body = b"".join(archive.read(name) for name in archive.namelist())
            assert number.encode() not in body and spaced.encode() not in body
        assert not any(number in m.text for m in CapturingSMSBackend.outbox)
        assert number not in caplog.text
    assert worker.aadhaar_masked == f"XXXX-XXXX-{sentinel[-4:]}"
