"""The demo scheme catalogue (``welfare/data/schemes.json``), loaded by ``seed_welfare``."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from welfare.models import Scheme, SchemeSlab

CATALOGUE = Path(__file__).parent / "data" / "schemes.json"


@transaction.atomic
def scheme_catalogue_load(path: Path = CATALOGUE) -> int:
    """Create the catalogue's schemes that do not exist yet (by code); return how many."""
    made = 0
    for entry in json.loads(path.read_text(encoding="utf-8"))["schemes"]:
        entry = dict(entry)
        slabs = entry.pop("slabs", [])
        for key in ("amount", "budget_amount"):
            if entry.get(key) is not None:
                entry[key] = Decimal(entry[key])
        scheme, created = Scheme.objects.get_or_create(code=entry.pop("code"), defaults=entry)
        if created:
            made += 1
            SchemeSlab.objects.bulk_create(
                SchemeSlab(scheme=scheme, label_en=en, label_hi=hi, amount=Decimal(amount),
                           order=index) for index, (en, hi, amount) in enumerate(slabs))
    return made
