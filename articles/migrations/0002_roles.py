"""The newsroom's roles as auth groups, so that a fresh database has them."""

from django.db import migrations

from articles.migrations._roles import ensure_permissions, grant

ROLE_PERMISSIONS = {
    "Journalists": [
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.add_section", "articles.change_section", "articles.delete_section",
        "articles.view_section",
        "articles.add_delegation", "articles.change_delegation", "articles.delete_delegation",
        "articles.view_delegation",
        "articles.add_delegationmember", "articles.change_delegationmember",
        "articles.delete_delegationmember", "articles.view_delegationmember",
        "articles.add_image", "articles.change_image", "articles.view_image",
        "taggit.add_tag", "taggit.view_tag",
    ],
    "Editors": [
        "articles.add_article", "articles.change_article", "articles.delete_article",
        "articles.view_article", "articles.publish_article",
        "articles.add_section", "articles.change_section", "articles.delete_section",
        "articles.view_section",
        "articles.add_delegation", "articles.change_delegation", "articles.delete_delegation",
        "articles.view_delegation",
        "articles.add_delegationmember", "articles.change_delegationmember",
        "articles.delete_delegationmember", "articles.view_delegationmember",
        "articles.add_image", "articles.change_image", "articles.delete_image",
        "articles.view_image",
        "articles.view_comment",
        "taggit.add_tag", "taggit.change_tag", "taggit.delete_tag", "taggit.view_tag",
        "bias.add_rating", "bias.view_rating", "bias.publish_rating",
    ],
    "Moderators": [
        "articles.view_comment", "articles.change_comment", "articles.moderate_comment",
    ],
    "Bias analysts": [
        "articles.view_article", "articles.view_section", "articles.view_delegation",
        "articles.view_delegationmember", "bias.view_rating",
    ],
}  # fmt: skip


def create_roles(apps, schema_editor):
    ensure_permissions(apps)
    for role, names in ROLE_PERMISSIONS.items():
        grant(apps, role, names)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("bias", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
