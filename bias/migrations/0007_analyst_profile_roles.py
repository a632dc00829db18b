"""Editors keep the analysts' profiles (their own leans) and ask them to assess."""

from django.db import migrations

from articles.migrations._roles import ensure_permissions, grant, revoke

ROLE_PERMISSIONS = {
    "Editors": [
        "bias.add_analystprofile", "bias.change_analystprofile", "bias.view_analystprofile",
    ],
}  # fmt: skip


def grant_roles(apps, schema_editor):
    ensure_permissions(apps)
    for role, names in ROLE_PERMISSIONS.items():
        grant(apps, role, names)


def revoke_roles(apps, schema_editor):
    for role, names in ROLE_PERMISSIONS.items():
        revoke(apps, role, names)


class Migration(migrations.Migration):
    dependencies = [("bias", "0006_balanced_panels")]

    operations = [migrations.RunPython(grant_roles, revoke_roles)]
