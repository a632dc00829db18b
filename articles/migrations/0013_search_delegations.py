"""Search covers delegations: every article's stored vector is computed again with its
parties' names and notes and its members' names and roles (PostgreSQL only; SQLite
searches the tables themselves)."""

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import F, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat


def joined(rows, text, order_by):
    return Coalesce(
        Subquery(
            rows.order_by()
            .values("article")
            .annotate(text=StringAgg(text, delimiter="\n", order_by=order_by))
            .values("text")
        ),
        Value(""),
        output_field=TextField(),
    )


def refresh_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    Delegation = apps.get_model("articles", "Delegation")
    DelegationMember = apps.get_model("articles", "DelegationMember")
    config = settings.NEWSROOM_SEARCH_CONFIG
    sections = joined(
        Section.objects.filter(article=OuterRef("pk")),
        Concat("heading", Value("\n"), "body", output_field=TextField()),
        ("position", "pk"),
    )
    delegations = joined(
        Delegation.objects.filter(article=OuterRef("pk")),
        Concat("party", Value("\n"), "notes", output_field=TextField()),
        ("position", "pk"),
    )
    members = joined(
        DelegationMember.objects.filter(delegation__article=OuterRef("pk")).annotate(
            article=F("delegation__article")
        ),
        Concat("name", Value(", "), "role", output_field=TextField()),
        ("delegation__position", "position", "pk"),
    )
    Article.objects.update(
        search_vector=SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector(sections, weight="C", config=config)
        + SearchVector(delegations, weight="C", config=config)
        + SearchVector(members, weight="C", config=config)
    )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0012_correction_kind_article_type_backstory"),
    ]

    # Going back leaves the vectors as they are: they only hold more words.
    operations = [migrations.RunPython(refresh_vectors, migrations.RunPython.noop, elidable=False)]
