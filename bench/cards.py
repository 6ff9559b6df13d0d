"""Benchmark 4: labour cards — one card after approval, and a camp's bulk print.

Run: make bench (SCALE=smoke|small|state). Goals: a card ready within 3 s of approval
(p95; the render is most of it) and 1,000 cards on A4 card stock in under 2 minutes
(at least 8.3 cards/s). Baseline in the same run: bare WeasyPrint rendering plain
card-size pages of the same text into one document, no photo, QR or fonts chosen.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_setup, p95, record, scale_count  # noqa: E402

SHEET_CARDS = {"smoke": 20, "small": 400, "state": 1000}
SINGLE = 10


def workers_with_cards(count: int):
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from core.models import District, User
    from registration.bulkdata import workers_generate
    from registration.models import LabourCard, Occupation, Worker

    if not District.objects.exists():
        call_command("load_geography", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench.officer")
    active = Worker.objects.filter(status="active", registration_number__isnull=False)
    if active.count() < count:
        districts = list(District.objects.filter(state__code=settings.PORTAL_STATE_CODE)
                         .values_list("pk", "code"))
        start = (Worker.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        workers_generate(count=count * 2, start=start, registered_by_id=user.pk,
                         districts=districts, state_code=settings.PORTAL_STATE_CODE,
                         occupation_id=Occupation.objects.first().pk)
    workers = list(active.order_by("pk")[:count])
    photo = (Path(__file__).resolve().parent / "data" / "photo.jpg")
    for worker in workers:
        # The database may outlive the checkout that stored the photos (another clone).
        if not worker.photo or not worker.photo.storage.exists(worker.photo.name):
            worker.photo.save(f"{worker.uuid}.jpg", ContentFile(photo.read_bytes()))
    LabourCard.objects.filter(worker__in=workers).delete()
    LabourCard.objects.bulk_create(LabourCard(worker=w, version=1, status="ready")
                                   for w in workers)
    return workers


def parallel_print(workers, redis_url: str) -> float:
    """Print ``workers``' cards as the portal does: a job on Celery, parts on both cores.

    Starts a real Celery worker (2 processes) on Redis database 9 against the benchmark
    database; returns the seconds from queueing the job to its one PDF being ready.
    """
    import os
    import subprocess

    from django.db import transaction

    from core.models import Job, User
    from core.services import job_create
    from labourportal.celery import app
    from registration.models import Camp

    broker = redis_url.rsplit("/", 1)[0] + "/9"
    import redis

    redis.Redis.from_url(broker).flushdb()
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "labourportal.settings.development",
           "REDIS_URL": broker, "DEBUG": "false",
           "PRIVATE_MEDIA_ROOT": os.environ["TEST_PRIVATE_MEDIA_ROOT"]}
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "labourportal", "worker",
                               "-c", "2", "--loglevel=WARNING"], cwd=root, env=env)
    try:
        app.conf.broker_url = broker
        app.conf.task_always_eager = False
        user = User.objects.get(username="bench.officer")
        from core.roles import RoleCode
        from core.services import user_role_grant

        user_role_grant(actor=None, user=user, role=RoleCode.STATE_ADMIN)
        camp = Camp.objects.filter(name="bench camp").first() or Camp.objects.create(
            name="bench camp", place="bench", district=workers[0].district,
            starts_on="2026-01-01", ends_on="2026-01-01", created_by=user)
        from registration.models import Worker

        Worker.objects.filter(pk__in=[w.pk for w in workers]).update(camp=camp)
        time.sleep(5)  # let the worker start
        started = time.perf_counter()
        with transaction.atomic():
            job = job_create(actor=user, kind="card_print", params={"camp_id": camp.pk},
                             total=len(workers))
        while True:
            job.refresh_from_db()
            if job.status in (Job.Status.DONE, Job.Status.FAILED):
                break
            if time.perf_counter() - started > 600:
                raise RuntimeError("bulk print did not finish in 10 minutes")
            time.sleep(0.2)
        assert job.status == Job.Status.DONE, job.message
        return time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(30)


def main() -> None:
    django_setup()
    scale, _count = scale_count()
    sheet_cards = SHEET_CARDS[scale]
    workers = workers_with_cards(max(sheet_cards, SINGLE))
    from django.db.models import Prefetch
    from weasyprint import HTML

    from registration.cards import cards_sheet_pdf, labour_card_render
    from registration.models import LabourCard, Worker

    # One card after approval: the render task's work, per card.
    single = []
    for worker in workers[:SINGLE]:
        card = LabourCard.objects.get(worker=worker)
        LabourCard.objects.filter(pk=card.pk).update(status="pending")
        started = time.perf_counter()
        labour_card_render(card_id=card.pk)
        single.append(time.perf_counter() - started)
    single_p95 = p95(single)

    chosen = (Worker.objects.filter(pk__in=[w.pk for w in workers[:sheet_cards]])
              .select_related("district", "occupation")
              .prefetch_related(Prefetch("cards", queryset=LabourCard.objects.exclude(
                  status="superseded"), to_attr="current_cards")))
    started = time.perf_counter()
    pdf = cards_sheet_pdf(list(chosen))
    sheet_seconds = time.perf_counter() - started
    sheet_rate = sheet_cards / sheet_seconds

    page = ("<section style='page-break-after: always'><h1>{name}</h1><p>{number}</p>"
            "<p>Valid until 31/03/2027 · District Raipur · Aadhaar XXXX-XXXX-1234</p></section>")
    html = ("<style>@page { size: 85.6mm 54mm; margin: 2mm }</style>"
            + "".join(page.format(name=w.name_latin, number=w.registration_number)
                      for w in workers[:sheet_cards]))
    started = time.perf_counter()
    HTML(string=html).write_pdf()
    baseline_rate = sheet_cards / (time.perf_counter() - started)

    import os

    figures = []
    if os.environ.get("REDIS_URL") and sheet_cards > 100:
        seconds = parallel_print(workers[:sheet_cards], os.environ["REDIS_URL"])
        parallel_rate = sheet_cards / seconds
        figures.append({
            "name": f"bulk print job of {sheet_cards} cards on Celery (parts on 2 processes, "
                    "joined)", "value": parallel_rate, "unit": "cards/s",
            "baseline": {"name": "the same cards in one process", "value": sheet_rate},
            "goal": ">= 8.3 cards/s (1,000 in under 2 minutes)",
            "passed": parallel_rate >= 8.3, "higher_is_better": True})

    record(benchmark="cards", scale=f"{scale} ({sheet_cards} cards)", figures=figures + [
        {"name": "one card rendered after approval (p95)", "value": single_p95, "unit": "s",
         "baseline": None, "goal": "< 3 s", "passed": single_p95 < 3},
        {"name": f"bulk print of {sheet_cards} cards on A4 in one process (one PDF, "
                 f"{len(pdf) // 1024} KiB)", "value": sheet_rate, "unit": "cards/s",
         "baseline": {"name": "bare WeasyPrint, plain card pages", "value": baseline_rate},
         "goal": "none: the baseline of the job above (its goal is 8.3 cards/s)",
         "passed": True,
         "higher_is_better": True,
         "note": "profiled on 100 cards: building the context (photos, QR codes) 1.5 s, "
                 "WeasyPrint layout 7.5 s, writing the PDF 2.6 s (embedding full fonts "
                 "instead of subsets saves nothing). Layout dominates and runs on one "
                 "core; the job therefore renders parts of 100 cards as parallel Celery "
                 "tasks and joins them (figure above)."},
    ], command=f"make bench SCALE={scale}")


if __name__ == "__main__":
    main()
