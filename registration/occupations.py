"""The occupation list (NCO-2015 unit groups) from registration/data/occupations.csv.

The file marks codes that were not checked against the official NCO-2015 book as
synthetic; the official list in the same columns drops in.
"""

import csv
from pathlib import Path

OCCUPATIONS_CSV = Path(__file__).parent / "data" / "occupations.csv"


def occupations_load(occupation_model=None) -> int:
    """Create or update occupations from the data file; return how many rows were read."""
    if occupation_model is None:
        from registration.models import Occupation as occupation_model
    count = 0
    with OCCUPATIONS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            occupation_model.objects.update_or_create(code=row["code"], defaults={
                "title_en": row["title_en"], "title_hi": row["title_hi"],
                "is_construction": row["is_construction"] == "1",
                "is_synthetic": row["is_synthetic"] == "1"})
            count += 1
    return count
