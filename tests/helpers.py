"""Helpers the test modules share: posts of the admin's forms, the query budgets of public
pages, the bias workflow's steps, running Python with other settings. Test modules import
from here, never from each other."""

import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from articles.models import Article
from bias import services as bias_services
from bias.models import Assessment
from tests.factories import ArticleFactory, SectionFactory

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


# Queries a public page costs, whatever the number of sections, tags, comments or cards.
# The article page the first time after a change (its parts rendered and kept), then after.
ARTICLE_PAGE_QUERIES = 11
ARTICLE_PAGE_QUERIES_KEPT = 1
LISTING_PAGE_QUERIES = 4
TAG_PAGE_QUERIES = 5


def assert_no_inline_code(response):
    soup = BeautifulSoup(response.content, "html.parser")
    for script in soup.find_all("script"):
        assert script.get("src") or script.get("type") in {
            "application/ld+json",
            "application/json",
        }, script
    for tag in soup.find_all(True):
        assert not [name for name in tag.attrs if name.lower().startswith("on")], tag


def management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_post_data(**overrides) -> dict:
    data = {
        "title": "Talks resume in Istanbul",
        "slug": "talks-resume-in-istanbul",
        "summary": "Delegations meet for the first time in three years.",
        "tags": "Russia, Diplomacy",
        "lead_image": "",
        "transition": "",
        "publish_at_0": "",
        "publish_at_1": "",
        "note": "",
        "comments_enabled": "on",
        **management("sections", 2),
        "sections-0-kind": "key_developments",
        "sections-0-heading": "",
        "sections-0-body": "- Talks **resumed**.",
        "sections-0-position": "0",
        "sections-1-kind": "text",
        "sections-1-heading": "What comes next",
        "sections-1-body": "More talks.",
        "sections-1-position": "1",
        **management("delegations", 1),
        "delegations-0-party": "Ukraine",
        "delegations-0-notes": "- Led by the defence minister.",
        "delegations-0-position": "0",
        **management("delegations-0-members", 2),
        "delegations-0-members-0-name": "Rustem Umerov",
        "delegations-0-members-0-role": "Defense Minister",
        "delegations-0-members-0-is_head": "on",
        "delegations-0-members-0-position": "0",
        "delegations-0-members-1-name": "Andriy Yermak",
        "delegations-0-members-1-role": "Head of the Presidential Office",
        "delegations-0-members-1-position": "1",
        **management("delegations-empty-members", 0),
        "_save": "Save",
    }
    data.update(overrides)
    return data


def image_post(upload, **overrides) -> dict:
    return {
        "file": upload,
        "alt_text": "Delegates at the table",
        "caption": "",
        "credit": "Jane Doe",
        "license": "cc_by_4",
        "source": "Wikimedia Commons",
        "source_url": "https://commons.wikimedia.org/",
        "_save": "Save",
        **overrides,
    }


def admin_save(client, article, **overrides):
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "tags": "",
        "lead_image": "",
        "comments_enabled": "on",
        "loaded_version": str(article.version),
        "transition": "",
        "publish_at_0": "",
        "publish_at_1": "",
        "note": "",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "delegations-TOTAL_FORMS": "0",
        "delegations-INITIAL_FORMS": "0",
        "delegations-empty-members-TOTAL_FORMS": "0",
        "delegations-empty-members-INITIAL_FORMS": "0",
        "_continue": "Save",
        **overrides,
    }
    return client.post(f"/admin/articles/article/{article.pk}/change/", data)


def in_review(**kwargs):
    article = ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None, **kwargs)
    SectionFactory(article=article)
    return article


def assess(article, analyst, direction="center", strength=2, **kwargs):
    """An analyst's assessment through the service; the rubric answered "none" unless given."""
    tone = {name: kwargs.pop(name, "none") for name in Assessment.TONE_FIELDS}
    return bias_services.assessment_save(
        assessment=Assessment(
            article=article,
            direction=direction,
            strength=strength,
            rationale=kwargs.pop("rationale", "Neutral wording."),
            **tone,
            **kwargs,
        ),
        user=analyst,
    )


def publish(article, editor, direction="center", strength=2, why="Plain facts.", **kwargs):
    return bias_services.rating_publish(
        article=article, user=editor, direction=direction, strength=strength, why=why, **kwargs
    )


def preview_link_token(article) -> str:
    """A token of an active preview link of this article, as "Share preview" makes one."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from articles.models import PreviewLink
    from articles.preview import preview_token

    hours = settings.NEWSROOM_PREVIEW_MAX_AGE_HOURS
    link = PreviewLink.objects.create(
        article=article, expires_at=timezone.now() + timedelta(hours=hours)
    )
    return preview_token(link)
