"""Append-only row history of establishments (see core.audit_schema)."""

from django.db import migrations

from core.audit_schema import append_only


class Migration(migrations.Migration):
    dependencies = [("employers", "0001_initial")]
    operations = [append_only("employers_establishmentevent")]
