"""Benchmark 2: finding workers (registration number, mobile, Aadhaar hash, name, duplicates).

Run: make bench (SCALE=smoke|small|state). Goals at state scale (10 million workers):
exact look-ups under 20 ms, name search within a district under 300 ms, duplicate
candidates under 300 ms. Baselines in the same run: the same look-up without its index
(case-insensitive number match) and a state-wide trigram search without narrowing.
"""

from __future__ import annotations

import itertools
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_setup, p95, record, scale_count, timed_ms  # noqa: E402

REPEAT = 30


def ensure_workers(count: int) -> None:
    from django.conf import settings
    from django.core.management import call_command

    from core.models import District, User
    from registration.bulkdata import workers_generate
    from registration.models import Occupation, Worker

    if not District.objects.exists():
        call_command("load_geography", verbosity=0)
    have = Worker.objects.count()
    if have >= count:
        return
    user, _ = User.objects.get_or_create(username="bench.officer")
    districts = list(District.objects.filter(state__code=settings.PORTAL_STATE_CODE)
                     .values_list("pk", "code"))
    started = time.monotonic()
    workers_generate(count=count - have, start=have + 1, registered_by_id=user.pk,
                     districts=districts, state_code=settings.PORTAL_STATE_CODE,
                     occupation_id=Occupation.objects.first().pk,
                     progress=lambda done, total: print(f"  generated {done:,}/{total:,}",
                                                        flush=True))
    print(f"Generated {count - have:,} workers in {time.monotonic() - started:.0f} s")


def main() -> None:
    django_setup()
    scale, count = scale_count()
    ensure_workers(count)
    from django.contrib.postgres.search import TrigramSimilarity
    from django.db.models import Q

    from registration.models import Worker
    from registration.selectors import worker_possible_duplicates

    rnd = random.Random(7)
    sample = list(Worker.objects.filter(pk__in=[rnd.randint(1, count) for _ in range(REPEAT)],
                                        registration_number__isnull=False)
                  .values_list("registration_number", "mobile", "aadhaar_hash", "district_id",
                               "pk"))
    cycle = itertools.cycle(sample)

    def by_number():
        assert Worker.objects.filter(registration_number=next(cycle)[0]).first()

    def by_number_unindexed():
        Worker.objects.filter(registration_number__iexact=next(cycle)[0]).first()

    def by_mobile():
        assert Worker.objects.filter(mobile=next(cycle)[1]).first()

    def by_aadhaar():
        assert Worker.objects.filter(aadhaar_hash=next(cycle)[2]).first()

    names = ["kamla", "santosh ver", "radha sah", "mano"]

    def name_in_district():
        row = next(cycle)
        found = Worker.objects.filter(district_id=row[3]).filter(
            Q(name__icontains=names[row[4] % 4]) | Q(name_latin__icontains=names[row[4] % 4]))
        found.count()
        list(found.order_by("-created_at")[:50])

    workers = list(Worker.objects.filter(pk__in=[row[4] for row in sample]))
    wcycle = itertools.cycle(workers)

    def duplicates():
        worker_possible_duplicates(worker=next(wcycle))

    def global_trigram():
        Worker.objects.annotate(score=TrigramSimilarity("name_latin", "Kamla Sahu")).filter(
            score__gte=0.45).order_by("-score")[:10].count()

    lookups = {name: p95(timed_ms(func, REPEAT)) for name, func in [
        ("registration number", by_number), ("mobile", by_mobile),
        ("Aadhaar keyed hash", by_aadhaar)]}
    unindexed = p95(timed_ms(by_number_unindexed, 5))
    name_ms = p95(timed_ms(name_in_district, REPEAT))
    dup_ms = p95(timed_ms(duplicates, REPEAT))
    global_ms = p95(timed_ms(global_trigram, 3))
    figures = [
        {"name": f"look-up by {name} (p95)", "value": value, "unit": "ms",
         "baseline": {"name": "number matched case-insensitively, no index", "value": unindexed},
         "goal": "< 20 ms at state scale", "passed": value < 20}
        for name, value in lookups.items()]
    figures += [
        {"name": "name search within a district, count + first 50 (p95)", "value": name_ms,
         "unit": "ms", "baseline": None, "goal": "< 300 ms at state scale",
         "passed": name_ms < 300},
        {"name": "possible duplicates for one worker (p95)", "value": dup_ms, "unit": "ms",
         "baseline": {"name": "state-wide trigram search, not narrowed", "value": global_ms},
         "goal": "< 300 ms at state scale", "passed": dup_ms < 300},
    ]
    record(benchmark="search", scale=f"{scale} ({count:,} workers)", figures=figures,
           command=f"make bench SCALE={scale}")


if __name__ == "__main__":
    main()
