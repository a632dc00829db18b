"""Journalists tag articles from the article page; the tag admin is for editors."""

from django.db import migrations

from articles.migrations._roles import grant, revoke

JOURNALIST_TAG_PERMISSIONS = ["taggit.add_tag", "taggit.view_tag"]


def remove(apps, schema_editor):
    revoke(apps, "Journalists", JOURNALIST_TAG_PERMISSIONS)


def restore(apps, schema_editor):
    grant(apps, "Journalists", JOURNALIST_TAG_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_workflow")]

    operations = [migrations.RunPython(remove, restore)]
