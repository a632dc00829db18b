"""Fingerprints of rated texts are now taken of the text as the admin saves it.

A rating whose fingerprint matches its article's text under the old reckoning
gets the new fingerprint of that same text, so that no rating is sent back for
re-review by the change of reckoning alone.
"""

import hashlib

from django.db import migrations


def _parts(article):
    parts = [article.title, article.summary]
    for section in article.sections.order_by("position", "pk"):
        parts += [section.kind, section.heading, section.body]
    for delegation in article.delegations.order_by("position", "pk"):
        parts += [delegation.party, delegation.notes]
        for member in delegation.members.order_by("position", "pk"):
            parts += [member.name, member.role, str(member.is_head)]
    return parts


def _digest(parts):
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _as_saved(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def renew_digests(apps, schema_editor):
    Rating = apps.get_model("bias", "Rating")
    for rating in Rating.objects.exclude(text_digest="").select_related("article"):
        parts = _parts(rating.article)
        if rating.text_digest == _digest(parts):
            rating.text_digest = _digest([_as_saved(part) for part in parts])
            rating.save(update_fields=["text_digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("bias", "0004_visible_text"),
        ("articles", "0009_visible_text"),
    ]

    operations = [migrations.RunPython(renew_digests, migrations.RunPython.noop)]
