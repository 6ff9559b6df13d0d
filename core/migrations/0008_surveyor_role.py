
"""Add the surveyor role (roles are data; DECISIONS)."""

from django.db import migrations, models


def create_role(apps, schema_editor):
    import pgtrigger

    Role = apps.get_model("core", "Role")
    # Master data from a migration has no history row: one would break the test
    # database's serialized restore (it re-saves rows, and history is append-only).
    with pgtrigger.ignore("core.Role:insert_insert"):
        Role.objects.update_or_create(code="surveyor", defaults={
            "requires_mfa": True, "is_staff_role": True, "sort_order": 45})


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_otp_track_purpose'),
    ]

    operations = [
        migrations.AlterField(
            model_name='role',
            name='code',
            field=models.CharField(choices=[('state_admin', 'State admin'), ('district_admin', 'District admin'), ('labour_officer', 'Labour officer'), ('safety_inspector', 'Safety inspector'), ('surveyor', 'Surveyor'), ('helpline_agent', 'Helpline agent'), ('accounts_maker', 'Accounts officer (maker)'), ('accounts_checker', 'Accounts approver (checker)'), ('csc_operator', 'CSC / Lok Mitra operator'), ('employer', 'Employer'), ('worker', 'Worker')], max_length=32, primary_key=True, serialize=False, verbose_name='code'),
        ),
        migrations.AlterField(
            model_name='roleevent',
            name='code',
            field=models.CharField(choices=[('state_admin', 'State admin'), ('district_admin', 'District admin'), ('labour_officer', 'Labour officer'), ('safety_inspector', 'Safety inspector'), ('surveyor', 'Surveyor'), ('helpline_agent', 'Helpline agent'), ('accounts_maker', 'Accounts officer (maker)'), ('accounts_checker', 'Accounts approver (checker)'), ('csc_operator', 'CSC / Lok Mitra operator'), ('employer', 'Employer'), ('worker', 'Worker')], max_length=32, serialize=False, verbose_name='code'),
        ),
        migrations.RunPython(create_role, migrations.RunPython.noop),
    ]
