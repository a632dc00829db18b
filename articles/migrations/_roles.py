"""Helpers for the data migrations that give roles their permissions.

The leading underscore keeps Django's migration loader from taking this module
for a migration. Everything here works on the historical models passed in as
`apps`, so it stays valid as the models change.
"""


def ensure_permissions(apps) -> None:
    """Create the permissions of every model now: Django makes them only after all migrations."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps, role: str, names: list[str]) -> None:
    """Add permissions ("app_label.codename") to a role's group, creating the group if needed."""
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=role)
    group.permissions.add(*_permissions(apps, names))


def revoke(apps, role: str, names: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=role):
        group.permissions.remove(*_permissions(apps, names))


def _permissions(apps, names: list[str]):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found
