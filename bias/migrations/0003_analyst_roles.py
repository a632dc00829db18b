"""Analysts write assessments; editors read them to sign off a rating."""

from django.db import migrations

from articles.migrations._roles import ensure_permissions, grant, revoke

ROLE_PERMISSIONS = {
    "Bias analysts": [
        "bias.add_assessment", "bias.change_assessment", "bias.view_assessment",
    ],
    "Editors": ["bias.view_assessment"],
}  # fmt: skip


def grant_roles(apps, schema_editor):
    ensure_permissions(apps)
    for role, names in ROLE_PERMISSIONS.items():
        grant(apps, role, names)


def revoke_roles(apps, schema_editor):
    for role, names in ROLE_PERMISSIONS.items():
        revoke(apps, role, names)


class Migration(migrations.Migration):
    dependencies = [
        ("bias", "0002_panel_and_rating_details"),
        ("articles", "0006_comment_decisions"),
    ]

    operations = [migrations.RunPython(grant_roles, revoke_roles)]
