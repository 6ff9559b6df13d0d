"""Append-only row history of the factory safety, cess and voluntary compliance models."""

from django.db import migrations

from core.audit_schema import append_only

AUDIT_TABLES = ["compliance_factoryevent", "compliance_inspectionevent",
                "compliance_accidentevent", "compliance_committeememberevent",
                "compliance_committeemeetingevent", "compliance_workshopevent",
                "compliance_workshopattendanceevent", "compliance_constructionprojectevent",
                "compliance_cessassessmentevent", "compliance_cesspaymentevent",
                "compliance_selfcertificationevent"]


class Migration(migrations.Migration):
    dependencies = [("compliance", "0004_factory_safety_cess_links")]
    operations = [append_only(table) for table in AUDIT_TABLES]
