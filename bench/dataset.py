"""The benchmark's dataset: many published articles with everything a page shows.

Rows go in with `bulk_create`, so the default size (2,000 articles, 140,000
comments) builds in a minute or two. Section bodies are rendered with the same
`render_markdown` that `Section.save` calls, so the stored HTML is what the
admin would have stored. One lead image, made through `image_save` with its
renditions, is shared by every article.

Run as `python -m bench.dataset --articles N ...` with `DATABASE_URL` set; it
prints a JSON manifest (slugs, tags, search words) for the driver.
"""

import argparse
import itertools
import json
import os
import random
import sys
import time
from dataclasses import asdict, dataclass
from datetime import timedelta

BATCH_SIZE = 2000
# Distinct texts to draw from: enough to look varied, few enough to render quickly.
SECTION_BODIES = 600
COMMENT_BODIES = 1000
MARKER_TABLE = "bench_dataset"
# The exit status that tells the driver the database holds a dataset of another size.
OTHER_SIZE = 2

# Words the search endpoint cycles over; every one appears in many sections.
SEARCH_WORDS = ["ceasefire", "delegation", "sanctions", "mediators", "grain", "prisoners"]

SECTION_KINDS = [
    "key_developments",
    "background",
    "international_involvement",
    "challenges",
    "outlook",
    "text",
]

PLACES = [
    "Istanbul", "Geneva", "Doha", "Vienna", "Oslo", "Nairobi", "Jakarta", "Bogotá",
    "Addis Ababa", "Riyadh", "Helsinki", "Astana", "Cairo", "Brasília", "Warsaw",
]  # fmt: skip
ACTORS = [
    "the foreign minister", "a senior negotiator", "the UN envoy", "the delegation's spokesperson",
    "an adviser to the president", "the mediators", "opposition leaders", "the defence ministry",
    "a regional observer", "the prime minister's office",
]  # fmt: skip
VERBS = [
    "said", "confirmed", "warned", "denied", "insisted", "acknowledged", "suggested", "announced",
]  # fmt: skip
TOPICS = [
    "a ceasefire along the front line", "the exchange of prisoners", "new sanctions",
    "grain exports through the Black Sea", "the withdrawal of heavy weapons",
    "a timetable for elections", "guarantees from the mediators", "humanitarian corridors",
    "the status of the occupied districts", "the next delegation meeting",
]  # fmt: skip
TAG_WORDS = [
    "diplomacy", "ceasefire", "sanctions", "energy", "elections", "trade", "security",
    "migration", "climate", "grain", "nuclear", "refugees", "human-rights", "borders",
    "economy", "defence", "treaties", "united-nations", "nato", "europe", "africa", "asia",
    "americas", "middle-east", "health", "technology", "courts", "media", "protests", "aid",
]  # fmt: skip


@dataclass(frozen=True)
class Size:
    articles: int = 2000
    sections: int = 6
    tags_per_article: int = 8
    tag_pool: int = 200
    approved_comments: int = 50
    pending_comments: int = 20
    seed: int = 7


def paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(3, 5)):
        place, actor, verb, topic = (rng.choice(x) for x in (PLACES, ACTORS, VERBS, TOPICS))
        word = rng.choice(SEARCH_WORDS)
        sentences.append(
            f"In {place}, {actor} {verb} that talks on {topic} would continue, "
            f"and that the {word} question was *still open*."
        )
    return " ".join(sentences)


def section_body(rng: random.Random) -> str:
    """Several paragraphs of Markdown with emphasis, a link and, often, a list."""
    parts = [paragraph(rng) for _ in range(rng.randint(2, 4))]
    if rng.random() < 0.5:
        parts.append("\n".join(f"- {rng.choice(TOPICS).capitalize()}." for _ in range(3)))
    parts.append(
        f"Read the [joint statement](https://example.org/statements/{rng.randint(1, 999)}) "
        "in full, with **all annexes**."
    )
    return "\n\n".join(parts)


def tag_names(pool: int) -> list[str]:
    names = []
    for index in range(pool):
        word = TAG_WORDS[index % len(TAG_WORDS)]
        names.append(word if index < len(TAG_WORDS) else f"{word}-{index // len(TAG_WORDS)}")
    return names


def build(size: Size, *, lead_picture: bytes | None = None) -> dict:
    """Fill an empty (migrated) database; returns the row counts it wrote.

    `lead_picture` is the lead image's JPEG bytes; a generated skyline by default.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from articles import services
    from articles.markdown import render_markdown
    from articles.models import Article, Comment, Image, License, Section
    from bias import scale
    from bias.models import Rating
    from newsroom.demo.picture import skyline_jpeg

    rng = random.Random(size.seed)
    now = timezone.now()
    with transaction.atomic():
        User = get_user_model()
        User.objects.bulk_create(
            User(username=f"bench-writer-{n}", first_name="Bench", last_name=f"Writer {n}")
            for n in range(10)
        )
        authors = list(User.objects.filter(username__startswith="bench-writer-"))
        image = services.image_save(
            image=Image(
                alt_text="A skyline at dusk over the water",
                caption="The city where the talks are held.",
                credit="Newsroom Staff",
                license=License.CC_BY_4,
                source="Newsroom",
                file=ContentFile(lead_picture or skyline_jpeg(), name="skyline.jpg"),
            ),
            file_changed=True,
        )
        Article.objects.bulk_create(
            (
                Article(
                    title=f"Talks in {rng.choice(PLACES)} turn to {rng.choice(TOPICS)} ({n})",
                    slug=f"bench-article-{n}",
                    summary=paragraph(rng)[:590],
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(hours=n + 1),
                    author=rng.choice(authors),
                    lead_image=image,
                )
                for n in range(size.articles)
            ),
            batch_size=BATCH_SIZE,
        )
        article_ids = list(
            Article.objects.filter(slug__startswith="bench-article-").values_list("pk", flat=True)
        )
        # Rendered as Section.save renders them, which bulk_create skips.
        bodies = [
            section_body(rng) for _ in range(min(SECTION_BODIES, len(article_ids) * size.sections))
        ]
        rendered = [(body, render_markdown(body)) for body in bodies]
        Section.objects.bulk_create(
            (
                _section(article_id, position, rng.choice(rendered))
                for article_id in article_ids
                for position in range(size.sections)
            ),
            batch_size=BATCH_SIZE,
        )

        names = tag_names(size.tag_pool)
        Tag.objects.bulk_create(Tag(name=name, slug=name) for name in names)
        tag_ids = list(Tag.objects.filter(name__in=names).values_list("pk", flat=True))
        # A long tail: the first tags are on many articles, as on a real site.
        weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(tag_ids))))
        article_type = ContentType.objects.get_for_model(Article)
        TaggedItem.objects.bulk_create(
            (
                TaggedItem(content_type=article_type, object_id=article_id, tag_id=tag_id)
                for article_id in article_ids
                for tag_id in _distinct_sample(
                    rng, tag_ids, weights, min(size.tags_per_article, len(tag_ids))
                )
            ),
            batch_size=BATCH_SIZE,
        )

        statuses = [Comment.Status.APPROVED] * size.approved_comments + [
            Comment.Status.PENDING
        ] * size.pending_comments
        comment_bodies = [
            f"{paragraph(rng)[:400]} What happens to {rng.choice(TOPICS)} now?"
            for _ in range(COMMENT_BODIES)
        ]
        Comment.objects.bulk_create(
            (
                Comment(
                    article_id=article_id,
                    author_name=f"Reader {n}",
                    author_email=f"reader{n}@example.org",
                    body=rng.choice(comment_bodies),
                    status=status,
                    moderated_at=now if status == Comment.Status.APPROVED else None,
                )
                for article_id in article_ids
                for n, status in enumerate(statuses)
            ),
            batch_size=BATCH_SIZE,
        )

        Rating.objects.bulk_create(
            (_rating(article_id, rng, now, scale) for article_id in article_ids),
            batch_size=BATCH_SIZE,
        )
    return counts()


def _section(article_id, position, rendered):
    from articles.models import Section

    kind = SECTION_KINDS[position % len(SECTION_KINDS)]
    body, body_html = rendered
    return Section(
        article_id=article_id,
        kind=kind,
        heading=Section.Kind(kind).label,
        body=body,
        body_html=body_html,
        position=position,
    )


def _rating(article_id, rng, now, scale):
    from bias.models import Rating

    direction = rng.choice(scale.Direction.values)
    strength = rng.choice(scale.Strength.values)
    label = scale.label(direction, strength)
    return Rating(
        article_id=article_id,
        label=label,
        direction=direction,
        strength=strength,
        position=scale.position(direction, strength),
        why="Sourced from both delegations; some speculation about the timetable.",
        published_at=now - timedelta(minutes=5),
        analyst_count=3,
        confidence=scale.Confidence.HIGH,
        panel_label=label,
    )


def _distinct_sample(rng, population, cum_weights, count):
    chosen: list = []
    while len(chosen) < count:
        pick = rng.choices(population, cum_weights=cum_weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def counts() -> dict:
    from taggit.models import Tag, TaggedItem

    from articles.models import Article, Comment, Rendition, Section
    from bias.models import Rating

    return {
        "articles": Article.objects.published().count(),
        "sections": Section.objects.count(),
        "tags": Tag.objects.count(),
        "tagged_items": TaggedItem.objects.count(),
        "approved_comments": Comment.objects.approved().count(),
        "pending_comments": Comment.objects.filter(status=Comment.Status.PENDING).count(),
        "ratings": Rating.objects.count(),
        "renditions": Rendition.objects.count(),
    }


def manifest() -> dict:
    """What the driver needs to build request paths: slugs, busiest tags, search words."""
    from django.db.models import Count
    from taggit.models import Tag

    from articles.models import Article

    slugs = list(Article.objects.published().order_by("pk").values_list("slug", flat=True))
    tags = list(
        Tag.objects.annotate(uses=Count("taggit_taggeditem_items"))
        .order_by("-uses", "pk")
        .values_list("slug", flat=True)
    )
    return {"slugs": slugs, "tags": tags, "search_words": SEARCH_WORDS}


def marker_read() -> dict | None:
    """The size of the dataset already in this database, or None."""
    from django.db import DatabaseError, connection

    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT params, build_seconds FROM {MARKER_TABLE}")  # noqa: S608
            row = cursor.fetchone()
    except DatabaseError:
        return None
    return {"size": json.loads(row[0]), "build_seconds": row[1]} if row else None


def marker_write(size: Size, build_seconds: float) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (params text, build_seconds real)")
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s)",  # noqa: S608
            [json.dumps(asdict(size), sort_keys=True), build_seconds],
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for field, default in asdict(Size()).items():
        parser.add_argument(f"--{field.replace('_', '-')}", type=int, default=default)
    parser.add_argument("--manifest", required=True, help="Where to write the JSON manifest.")
    args = vars(parser.parse_args(argv))
    manifest_path = args.pop("manifest")
    size = Size(**args)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()

    existing = marker_read()
    if existing and existing["size"] == asdict(size):
        result = {"reused": True, "build_seconds": existing["build_seconds"], "counts": counts()}
    elif existing is not None:
        print("The database holds a dataset of another size.", file=sys.stderr)
        return OTHER_SIZE
    else:
        from django.db import transaction

        started = time.monotonic()
        with transaction.atomic():  # an interrupted build leaves nothing half done
            built = build(size)
            seconds = round(time.monotonic() - started, 1)
            marker_write(size, seconds)
        result = {"reused": False, "build_seconds": seconds, "counts": built}
    result.update(manifest())
    with open(manifest_path, "w") as out:
        json.dump(result, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
