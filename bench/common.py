"""Shared pieces of the benchmarks: a database of their own, timing, machine facts, results.

Each benchmark is a plain script run through ``make bench`` (which points
DATABASE_URL at a database named ``bench_labourportal``). It measures its figure
and its baseline in the same run and appends both to ``bench/results.json``;
``bench/report.py`` regenerates ``bench/results.md`` from that file.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_JSON = BENCH_DIR / "results.json"
SCALES = {"smoke": 20_000, "small": 200_000, "state": 10_000_000}


def django_setup() -> None:
    """Set up Django on the benchmark database (migrated, no demo data)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labourportal.settings.test")
    # Files (photos, cards) of the benchmark database outlive one run.
    os.environ.setdefault("TEST_PRIVATE_MEDIA_ROOT", str(ROOT / "var" / "bench-private"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def scale_count(default: str = "small") -> tuple[str, int]:
    scale = os.environ.get("SCALE", default)
    return scale, SCALES[scale]


def timed_ms(func, repeat: int) -> list[float]:
    """Return the milliseconds of ``repeat`` calls of ``func`` (after one warm-up call)."""
    func()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def machine() -> dict:
    """Describe the machine: cores, memory, CPU model, PostgreSQL version."""
    from django.db import connection

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text()
                          .splitlines() if line.startswith("MemTotal")))
    except OSError:
        mem_kb = 0
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    return {"cores": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "cpu": cpu, "postgresql": pg_version}


def record(*, benchmark: str, scale: str, figures: list[dict], command: str) -> None:
    """Print the figures and append them to results.json.

    Each figure: name, value, unit, baseline (name and value, or None), goal (text),
    passed (bool).
    """
    entry = {"benchmark": benchmark, "scale": scale, "command": command,
             "at": datetime.now(UTC).isoformat(timespec="seconds"),
             "machine": machine(), "figures": figures}
    for figure in figures:
        baseline = figure.get("baseline")
        base_text = f"  baseline {baseline['name']}: {baseline['value']:.1f} {figure['unit']}" \
            if baseline else ""
        verdict = "PASS" if figure["passed"] else "MISS"
        print(f"[{verdict}] {figure['name']}: {figure['value']:.1f} {figure['unit']}"
              f"{base_text}  (goal: {figure['goal']})")
    results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else []
    results.append(entry)
    RESULTS_JSON.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
