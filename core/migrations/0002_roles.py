"""Create the portal's roles (rows of data; later issues add more the same way)."""

from django.db import migrations

ROLES = [
    # code, requires_mfa, is_staff_role, sort_order
    ("state_admin", True, True, 10),
    ("district_admin", True, True, 20),
    ("labour_officer", True, True, 30),
    ("safety_inspector", True, True, 40),
    ("helpline_agent", True, True, 50),
    ("accounts_maker", True, True, 60),
    ("accounts_checker", True, True, 70),
    ("csc_operator", True, True, 80),
    ("employer", False, False, 90),
    ("worker", False, False, 100),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for code, requires_mfa, is_staff_role, sort_order in ROLES:
        Role.objects.update_or_create(code=code, defaults={
            "requires_mfa": requires_mfa, "is_staff_role": is_staff_role,
            "sort_order": sort_order})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
