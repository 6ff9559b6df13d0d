"""Benchmark 3: bulk import of workers (django-import-export columns, the portal's fast path).

Run: make bench (SCALE=smoke|small|state: 2,000 / 20,000 / 100,000 rows). Goals: a
100,000-row file, dry run plus confirm, in under 3 minutes with every row validated as
the form validates it; the confirm step at least 50% of the rows/s of a plain
``bulk_create`` of the same rows, measured in the same run.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_setup, record, scale_count  # noqa: E402

ROWS = {"smoke": 2_000, "small": 20_000, "state": 100_000}
HEADER = ["name", "name_latin", "relative_name", "relative_relation", "date_of_birth", "gender",
          "mobile", "aadhaar", "district_code", "block", "address_line", "pincode", "category",
          "occupation_code", "employer_name", "bank_account_holder", "bank_account_number",
          "ifsc", "nominee_name", "nominee_relation"]


def import_file(rows: int, first: int) -> bytes:
    """A file of ``rows`` valid rows with Aadhaar numbers from ``first`` on."""
    from django.conf import settings
    from stdnum import verhoeff

    from core.models import Block

    blocks = list(Block.objects.filter(district__state__code=settings.PORTAL_STATE_CODE)
                  .select_related("district").values_list("district__code", "name_en"))
    rnd = random.Random(first)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(first, first + rows):
        body = f"8{n:010d}"
        district, block = blocks[n % len(blocks)]
        writer.writerow([
            "सुनीता साहू", "Sunita Sahu", "रमेश साहू", "husband",
            f"{1 + n % 28:02d}/{1 + n % 12:02d}/{1970 + n % 30}", "female",
            f"7{n % 1_000_000_000:09d}", body + verhoeff.calc_check_digit(body), district,
            block, f"Ward {n % 30}", "492001", rnd.choice(["unorganised", "migrant"]), "9313",
            "", "Sunita Sahu", f"3{n:011d}", "SBIN0001234", "रमेश साहू", "husband"])
    return out.getvalue().encode("utf-8")


def main() -> None:
    django_setup()
    scale, _ = scale_count()
    rows = ROWS[scale]
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import transaction

    from core.models import District, Job, User
    from core.roles import RoleCode
    from core.services import user_role_grant
    from registration import imports
    from registration.models import Occupation, Worker

    if not District.objects.exists():
        call_command("load_geography", verbosity=0)
    admin, _ = User.objects.get_or_create(username="bench.admin")
    user_role_grant(actor=None, user=admin, role=RoleCode.STATE_ADMIN)
    first = (Worker.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + \
        1_000_000_000 + int(time.time()) % 100_000 * 1000
    data = import_file(rows, first)

    started = time.perf_counter()
    with transaction.atomic():
        dry = imports.worker_import_start(
            actor=admin, upload=SimpleUploadedFile("w.csv", data, content_type="text/csv"))
    dry.refresh_from_db()
    dry_seconds = time.perf_counter() - started
    assert dry.status == Job.Status.DONE and dry.result.get("new") == rows, dry.result
    started = time.perf_counter()
    with transaction.atomic():
        commit = imports.worker_import_confirm(actor=admin, dry_run_id=dry.pk)
    commit.refresh_from_db()
    commit_seconds = time.perf_counter() - started
    assert commit.status == Job.Status.DONE, commit.message

    # Baseline: the same number of worker rows by a plain bulk_create (no checks, no
    # vault, no history trigger), in one transaction, then rolled back.
    occupation = Occupation.objects.get(code="9313")
    district = District.objects.filter(code="RPR").first()
    plain = [Worker(status="submitted", channel="import", registered_by=admin, name="x",
                    mobile=f"6{n:09d}", district=district, occupation=occupation,
                    aadhaar_hash=f"bench-{first}-{n}")
             for n in range(rows)]
    import pgtrigger

    started = time.perf_counter()
    with pgtrigger.ignore("registration.Worker:insert_insert"), transaction.atomic():
        Worker.objects.bulk_create(plain, batch_size=2000)
        bulk_seconds = time.perf_counter() - started
        transaction.set_rollback(True)

    total = dry_seconds + commit_seconds
    commit_rate, bulk_rate = rows / commit_seconds, rows / bulk_seconds
    record(benchmark="imports", scale=f"{scale} ({rows:,} rows)", figures=[
        {"name": "dry run + confirm, every row validated", "value": total, "unit": "s",
         "baseline": None, "goal": "< 180 s for 100,000 rows",
         "passed": total * 100_000 / rows < 180},
        {"name": "confirm step (vault, workers, history, transitions)", "value": commit_rate,
         "unit": "rows/s", "baseline": {"name": "plain bulk_create of the rows",
                                        "value": bulk_rate},
         "goal": ">= 50% of the baseline's rows/s", "passed": commit_rate >= bulk_rate / 2,
         "higher_is_better": True,
         "note": "per row the confirm step writes four rows (vault entry, worker, history "
                 "event, first transition), encrypts two values and validates the row again; "
                 "a profile of 3,000 rows: 44% inserting the batches, 15% validating again. "
                 "Writing the history events by INSERT ... SELECT took it from 40% to 57% "
                 "at 2,000 rows; at 100,000 rows COPY into the four tables is the next step "
                 "(performance issue)."},
        {"name": "dry run", "value": rows / dry_seconds, "unit": "rows/s", "baseline": None,
         "goal": "—", "passed": True, "higher_is_better": True},
    ], command=f"make bench SCALE={scale}")


if __name__ == "__main__":
    main()
