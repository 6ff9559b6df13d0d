"""Append-only row history of the migrants app (see core.audit_schema)."""

from django.db import migrations

from core.audit_schema import append_only

AUDIT_TABLES = ["migrants_helpdeskevent", "migrants_surveyevent", "migrants_migrantevent",
                "migrants_ticketevent"]


class Migration(migrations.Migration):
    dependencies = [("migrants", "0001_initial")]
    operations = [append_only(table) for table in AUDIT_TABLES]
