"""Load states, districts and blocks from core/data/geography, and villages from a CSV.

Idempotent: rows are matched by their LGD code and updated in place. Another
state is another data file, not code::

    python manage.py load_geography
    python manage.py load_geography --villages villages.csv

The villages file may be the Local Government Directory's village export
(columns include "Village Code", "Village Name (In English)", "Village Name
(In Local language)" and "Sub-District Code" or "Block Code"), or our own
layout: ``block_lgd,lgd_code,name_en,name_hi,kind,is_synthetic``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.models import Block, District, State, Village

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "geography"


def _rows(path: Path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _flag(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "y"}


@transaction.atomic
def geography_load(*, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Create or update states, districts and blocks from the data files."""
    counts = {"states": 0, "districts": 0, "blocks": 0}
    states = {}
    for row in _rows(data_dir / "states.csv"):
        state, _c = State.objects.update_or_create(
            lgd_code=int(row["lgd_code"]),
            defaults={"code": row["code"], "name_en": row["name_en"], "name_hi": row["name_hi"],
                      "kind": row["kind"], "is_synthetic": _flag(row["is_synthetic"])},
        )
        states[state.lgd_code] = state
        counts["states"] += 1
    districts = {}
    for row in _rows(data_dir / "districts.csv"):
        district, _c = District.objects.update_or_create(
            lgd_code=int(row["lgd_code"]),
            defaults={"state": states[int(row["state_lgd"])], "code": row["code"],
                      "name_en": row["name_en"], "name_hi": row["name_hi"],
                      "is_synthetic": _flag(row["is_synthetic"])},
        )
        districts[district.lgd_code] = district
        counts["districts"] += 1
    for row in _rows(data_dir / "blocks.csv"):
        Block.objects.update_or_create(
            lgd_code=int(row["lgd_code"]),
            defaults={"district": districts[int(row["district_lgd"])],
                      "name_en": row["name_en"], "name_hi": row["name_hi"],
                      "kind": row.get("kind") or Block.Kind.BLOCK,
                      "is_synthetic": _flag(row["is_synthetic"])},
        )
        counts["blocks"] += 1
    return counts


LGD_COLUMNS = {
    "lgd_code": ("Village Code", "lgd_code"),
    "name_en": ("Village Name (In English)", "name_en"),
    "name_hi": ("Village Name (In Local language)", "name_hi"),
    "block_lgd": ("Block Code", "Sub-District Code", "block_lgd"),
}


def _pick(row: dict, names: tuple[str, ...]) -> str:
    for name in names:
        if row.get(name):
            return row[name].strip()
    return ""


@transaction.atomic
def villages_load(*, path: Path) -> int:
    """Create or update villages from a CSV in the LGD layout or ours."""
    blocks = {block.lgd_code: block for block in Block.objects.all()}
    existing = {v.lgd_code: v for v in Village.objects.all()}
    new, changed = [], []
    for number, row in enumerate(_rows(path), start=2):
        try:
            code = int(_pick(row, LGD_COLUMNS["lgd_code"]))
            block = blocks[int(_pick(row, LGD_COLUMNS["block_lgd"]))]
        except (ValueError, KeyError) as exc:
            raise CommandError(
                f"{path.name} line {number}: unknown block or bad code ({exc})"
            ) from exc
        values = {"block": block, "name_en": _pick(row, LGD_COLUMNS["name_en"]),
                  "name_hi": _pick(row, LGD_COLUMNS["name_hi"]),
                  "kind": row.get("kind") or Village.Kind.VILLAGE,
                  "is_synthetic": _flag(row.get("is_synthetic", "0"))}
        village = existing.get(code)
        if village is None:
            new.append(Village(lgd_code=code, **values))
        else:
            for field, value in values.items():
                setattr(village, field, value)
            changed.append(village)
    Village.objects.bulk_create(new, batch_size=2000)
    Village.objects.bulk_update(changed, ["block", "name_en", "name_hi", "kind", "is_synthetic"],
                                batch_size=2000)
    return len(new) + len(changed)


class Command(BaseCommand):
    help = "Load states, districts and blocks (and villages from a CSV file)."

    def add_arguments(self, parser):
        parser.add_argument("--villages", type=Path, help="CSV file of villages to load")

    def handle(self, *args, villages=None, **options):
        counts = geography_load()
        self.stdout.write(f"Geography: {counts['states']} states/UTs, "
                          f"{counts['districts']} districts, {counts['blocks']} blocks")
        if villages:
            self.stdout.write(f"Villages: {villages_load(path=villages)} loaded")
