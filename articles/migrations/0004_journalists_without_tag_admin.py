"""Journalists tag articles from the article page; the tag admin is for editors."""

from django.db import migrations

JOURNALIST_TAG_PERMISSIONS = ["add_tag", "view_tag"]


def change(apps, *, grant: bool):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    journalists = Group.objects.filter(name="Journalists").first()
    if journalists is None:
        return
    permissions = Permission.objects.filter(
        content_type__app_label="taggit", codename__in=JOURNALIST_TAG_PERMISSIONS
    )
    if grant:
        journalists.permissions.add(*permissions)
    else:
        journalists.permissions.remove(*permissions)


def remove(apps, schema_editor):
    change(apps, grant=False)


def restore(apps, schema_editor):
    change(apps, grant=True)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_workflow")]

    operations = [migrations.RunPython(remove, restore)]
