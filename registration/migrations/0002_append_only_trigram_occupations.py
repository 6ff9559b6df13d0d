"""Append-only row history, the trigram extension and the occupation list."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from core.audit_schema import append_only

AUDIT_TABLES = [
    "registration_campevent", "registration_districttargetevent",
    "registration_familymemberevent", "registration_labourcardevent",
    "registration_occupationevent", "registration_workerdocumentevent",
    "registration_workerevent",
]


def load_occupations(apps, schema_editor):
    from registration.occupations import occupations_load

    occupations_load(apps.get_model("registration", "Occupation"))


class Migration(migrations.Migration):
    dependencies = [("registration", "0001_initial")]
    operations = [
        *[append_only(table) for table in AUDIT_TABLES],
        # Duplicate candidates compare names by trigram similarity (DECISIONS).
        TrigramExtension(),
        migrations.RunPython(load_occupations, migrations.RunPython.noop),
    ]
