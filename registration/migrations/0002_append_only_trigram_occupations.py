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
    import pgtrigger

    from registration.occupations import occupations_load

    # Master data loaded by a migration has no history yet: its rows are the starting
    # point. (History rows written here would also break the test database's
    # serialized restore, which re-saves rows with millisecond timestamps.)
    with pgtrigger.ignore("registration.Occupation:insert_insert"):
        occupations_load(apps.get_model("registration", "Occupation"))


class Migration(migrations.Migration):
    dependencies = [("registration", "0001_initial")]
    operations = [
        *[append_only(table) for table in AUDIT_TABLES],
        # Duplicate candidates compare names by trigram similarity (DECISIONS).
        TrigramExtension(),
        migrations.RunPython(load_occupations, migrations.RunPython.noop),
    ]
