"""Append-only row history of welfare's tracked models (see core.audit_schema)."""

from django.db import migrations

from core.audit_schema import append_only

AUDIT_TABLES = ["welfare_schemeevent", "welfare_schemeslabevent", "welfare_applicationevent",
                "welfare_paymentbatchevent"]


class Migration(migrations.Migration):
    dependencies = [("welfare", "0003_application_fewer_indexes")]
    operations = [append_only(table) for table in AUDIT_TABLES]
