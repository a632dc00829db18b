"""Journalists tag articles from the article page; the tag admin is for editors."""

from django.db import migrations

JOURNALIST_TAG_PERMISSIONS = ["add_tag", "view_tag"]


def remove(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    journalists = Group.objects.filter(name="Journalists").first()
    if journalists is not None:
        journalists.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="taggit", codename__in=JOURNALIST_TAG_PERMISSIONS
            )
        )


def restore(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    journalists = Group.objects.filter(name="Journalists").first()
    if journalists is not None:
        journalists.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="taggit", codename__in=JOURNALIST_TAG_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_workflow")]

    operations = [migrations.RunPython(remove, restore)]
