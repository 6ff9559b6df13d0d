"""Make the audit tables append-only (see core.audit_schema)."""

from django.db import migrations

from core.audit_schema import append_only

AUDIT_TABLES = [
    "core_auditevent", "core_auditseal", "core_auditsealschema",
    "core_blockevent", "core_districtevent", "core_roleevent", "core_stateevent",
    "core_userdistrictevent", "core_userevent", "core_userroleevent", "core_villageevent",
]


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_seal")]
    operations = [append_only(table) for table in AUDIT_TABLES]
