"""Append-only row history of compliance's tracked models (see core.audit_schema)."""

from django.db import migrations

from core.audit_schema import append_only

AUDIT_TABLES = ["compliance_rescueoperationevent", "compliance_bondedcaseevent",
                "compliance_rehabcomponentevent", "compliance_childsurveyevent",
                "compliance_childcaseevent", "compliance_hearingevent",
                "compliance_followupvisitevent"]


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]
    operations = [append_only(table) for table in AUDIT_TABLES]
