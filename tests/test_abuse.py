"""Hostile input from readers, staff and strangers: a clean 4xx or a harmless render, never a
500, and nothing stored changes.

Cases covered elsewhere and not repeated here: markup in comments on the article page and in
the moderation queue (tests/articles/comments/test_views.py, test_admin.py), NUL bytes,
1 MB bodies and a missing CSRF token on the comment form (comments/test_views.py), bad page
numbers on the front page (test_public_pages.py), Markdown sanitising (test_markdown.py),
tampered preview links and forged workflow moves (test_workflow.py), bad, bomb, polyglot and
renamed uploads (test_admin.py, test_image_privacy.py), unknown Host headers
(test_security.py).
"""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from articles import services
from articles.comments import services as comment_services
from articles.models import (
    Article,
    Comment,
    CommentReport,
    Delegation,
    DelegationMember,
    Image,
    Section,
)
from bias import services as bias_services
from bias.models import Rating
from tests.admin_pages import change_form_data
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    DelegationFactory,
    DelegationMemberFactory,
    ImageFactory,
    RatingFactory,
    SectionFactory,
    UserFactory,
    staff_member,
)
from tests.helpers import admin_save, article_post_data, assert_no_inline_code, image_post
from tests.images import image_bytes

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("xss")</script>'
IMG = "<img src=x onerror=alert(1)>"
PAYLOAD = f"{SCRIPT}{IMG}"


def assert_harmless(html: str, response):
    assert SCRIPT not in html and IMG not in html
    assert_no_inline_code(response)


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(staff_member("Editors"))
    return client


def hostile_article(field: str) -> Article:
    """A published article with the payload in one reader-visible field."""
    image = ImageFactory(**({field: PAYLOAD} if field in {"credit", "source", "alt_text"} else {}))
    values = {"title": PAYLOAD, "summary": PAYLOAD} if field in {"title", "summary"} else {}
    article = ArticleFactory(
        lead_image=image,
        tags=[PAYLOAD] if field == "tag" else ["Diplomacy"],
        **({field: PAYLOAD} if field in values else {}),
    )
    SectionFactory(article=article, heading=PAYLOAD if field == "heading" else "Background")
    if field in {"comment body", "comment name"}:
        CommentFactory(
            article=article,
            body=PAYLOAD if field == "comment body" else "Fine",
            author_name=PAYLOAD if field == "comment name" else "A reader",
        )
    return article


FIELDS = ["title", "summary", "credit", "source", "alt_text", "tag", "heading", "comment body",
          "comment name"]  # fmt: skip


@pytest.mark.parametrize("field", FIELDS)
def test_script_in_a_field_renders_escaped_on_public_pages(client, field):
    article = hostile_article(field)
    tag = article.tags.get()
    for path in ["/", article.get_absolute_url(), f"/tags/{tag.slug}/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_harmless(response.content.decode(), response)


@pytest.mark.parametrize("field", FIELDS)
def test_script_in_a_field_renders_escaped_in_the_admin(editor_client, field):
    article = hostile_article(field)
    moderator = Client()
    moderator.force_login(staff_member("Moderators"))
    pages = [
        (editor_client, "/admin/articles/article/"),
        (editor_client, f"/admin/articles/article/{article.pk}/change/"),
        (editor_client, f"/admin/articles/article/{article.pk}/preview/"),
        (editor_client, "/admin/articles/image/"),
        (editor_client, f"/admin/articles/image/{article.lead_image_id}/change/"),
        (editor_client, "/admin/taggit/tag/"),
        (moderator, "/admin/articles/comment/"),
    ]
    for who, path in pages:
        response = who.get(path)
        assert response.status_code == 200, path
        assert_harmless(response.content.decode(), response)


def test_script_typed_into_the_article_form_is_stored_as_text_and_escaped(editor_client):
    article = ArticleFactory()
    response = admin_save(editor_client, article, title=PAYLOAD, summary=PAYLOAD, tags=PAYLOAD)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == PAYLOAD  # kept as typed: escaping happens on output
    response = Client().get(article.get_absolute_url())
    assert_harmless(response.content.decode(), response)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD4=",
     " javascript:alert(1)", "vbscript:msgbox(1)"],
)  # fmt: skip
def test_a_source_url_that_is_not_http_is_a_form_error(editor_client, media_files, url):
    upload = SimpleUploadedFile("photo.jpg", image_bytes(), "image/jpeg")
    response = editor_client.post("/admin/articles/image/add/", image_post(upload, source_url=url))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["source_url"]
    assert Image.objects.count() == 0 and media_files() == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>"])
def test_a_hostile_source_url_written_past_the_form_is_never_a_link(client, url):
    article = ArticleFactory(lead_image=ImageFactory(source="Agency"))
    Image.objects.filter(pk=article.lead_image_id).update(source_url=url)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Agency" in html
    assert 'href="javascript:' not in html and 'href="data:' not in html


@pytest.mark.parametrize(
    "body",
    ["[read](javascript:alert(1))", "[read](data:text/html;base64,PHNjcmlwdD4=)",
     '<a href="javascript:alert(1)">read</a>', "[read](JAVASCRIPT:alert(1))",
     '<iframe src="javascript:alert(1)"></iframe>'],
)  # fmt: skip
def test_hostile_links_in_a_section_never_reach_the_page(client, body):
    article = ArticleFactory()
    SectionFactory(article=article, body=body)
    response = client.get(article.get_absolute_url())
    html = response.content.decode().lower()
    assert 'href="javascript:' not in html and 'href="data:' not in html and "<iframe" not in html


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/articles/{slug}/comments/", {"author_name": "A", "author_email": "a@example.org",
                                        "body": "Forged"}),
        ("/articles/{slug}/comments/{comment}/report/", {"reason": "spam"}),
        ("/admin/login/", {"username": "editors", "password": "x"}),
    ],
    ids=["comment", "report", "admin-login"],
)  # fmt: skip
def test_posts_without_a_csrf_token_are_refused(path, fields):
    article = ArticleFactory()
    comment = CommentFactory(article=article)
    client = Client(enforce_csrf_checks=True)
    response = client.post(path.format(slug=article.slug, comment=comment.pk), fields)
    assert response.status_code == 403
    assert b"CSRF" in response.content and b"Traceback" not in response.content
    assert Comment.objects.count() == 1 and not comment.reports.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"title": "x" * 10_000}, {"title": "Talks\x00resume"}, {"summary": "a\x00b"},
     {"slug": "a" * 5_000}, {"tags": "x" * 5_000}],
    ids=["long-title", "nul-title", "nul-summary", "long-slug", "long-tag"],
)  # fmt: skip
def test_oversized_and_nul_input_in_the_article_form_is_a_form_error(editor_client, overrides):
    article = ArticleFactory(title="Original title")
    before = (article.title, article.summary, article.slug, article.version)
    response = admin_save(editor_client, article, **overrides)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.title, article.summary, article.slug, article.version) == before


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1e30", "99999", "%00", "1.5", "", "2"])
def test_bad_page_numbers_on_a_tag_page_answer_404_or_the_first_page(client, page):
    ArticleFactory(title="Tagged story", tags=["Diplomacy"])
    response = client.get(f"/tags/diplomacy/?page={page}")
    if page == "":
        assert response.status_code == 200 and b"Tagged story" in response.content
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/articles/%00/", "/articles/" + "a" * 5_000 + "/", "/../", "/articles/../admin/",
     "/%2e%2e/%2e%2e/etc/passwd", "/articles/%ff%fe/", "/tags/%00/", "/tags/" + "b" * 5_000 + "/",
     "/preview/%00/", "/preview/" + "c" * 5_000 + "/", "/articles/talks/comments/%00/report/",
     "/media/../newsroom/settings.py", "/static/../manage.py", "/admin/%00/"],
)  # fmt: skip
def test_odd_paths_answer_a_clean_4xx(client, path):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code in (301, 302, 400, 404), (path, response.status_code)
    if response.status_code in (301, 302):
        assert response["Location"].startswith("/"), response["Location"]
        assert not response["Location"].startswith("//")
    assert b"Traceback" not in response.content


# Admin actions a role may not take: each is tried with a forged POST.
def forged_publish(client, article, comment):
    return admin_save(client, article, transition="published")


def forged_approve(client, article, comment):
    return client.post(f"/admin/articles/comment/{comment.pk}/moderate/approved/")


def forged_rating(client, article, comment):
    return client.post(
        "/admin/bias/rating/add/",
        {"article": str(article.pk), "label": "Strongly Left-Leaning", "position": "-3",
         "why": "Forged.", "published_at_0": "2025-05-16", "published_at_1": "08:00"},
    )  # fmt: skip


FORGERIES = [
    ("Journalists", forged_publish),
    ("Moderators", forged_publish),
    ("Bias analysts", forged_publish),
    (None, forged_publish),
    ("Journalists", forged_approve),
    ("Editors", forged_approve),
    ("Bias analysts", forged_approve),
    (None, forged_approve),
    ("Journalists", forged_rating),
    ("Moderators", forged_rating),
    ("Bias analysts", forged_rating),
    (None, forged_rating),
]


@pytest.mark.parametrize(
    ("role", "forge"), FORGERIES, ids=[f"{r or 'anonymous'}-{f.__name__}" for r, f in FORGERIES]
)
def test_forged_admin_posts_are_refused_for_roles_without_the_right(client, role, forge):
    author = staff_member("Journalists", "author") if role == "Journalists" else None
    article = ArticleFactory(
        status=Article.Status.IN_REVIEW, published_at=None, **({"author": author} if author else {})
    )
    SectionFactory(article=article)
    comment = CommentFactory(status=Comment.Status.PENDING)
    if role:
        client.force_login(author or staff_member(role))
    response = forge(client, article, comment)
    if role is None:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    elif forge is forged_publish and role == "Journalists":
        assert response.status_code in (200, 403)  # the form refuses the move, or the page
    else:
        assert response.status_code == 403
    article.refresh_from_db()
    comment.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW and article.published_at is None
    assert comment.status == Comment.Status.PENDING
    assert not Rating.objects.exists()


def in_the_past():
    return timezone.now() - timedelta(days=1)


UNPUBLISHED = {
    "draft": (Article.Status.DRAFT, None),
    "in review": (Article.Status.IN_REVIEW, None),
    "archived": (Article.Status.ARCHIVED, "past"),
    "scheduled": (Article.Status.PUBLISHED, "future"),
}

# Every public way to look an article up. Adding a route (search, feeds, sitemaps) is one line:
# (name, the address for the hidden article, the status a stranger must get).
LOOKUPS = [
    ("by slug", lambda a: f"/articles/{a.slug}/", 404),
    ("by id", lambda a: f"/articles/{a.pk}/", 404),
    ("by tag page", lambda a: "/tags/embargoed/", 404),
    ("in the front page", lambda a: "/", 200),
    ("by comment post", lambda a: f"/articles/{a.slug}/comments/", 404),
    ("by shared preview with its id for a token", lambda a: f"/preview/{a.pk}/", 404),
    ("by staff preview", lambda a: f"/admin/articles/article/{a.pk}/preview/", 302),
    ("by search", lambda a: "/search/?q=embargoed+minister", 200),
    ("in the latest feed", lambda a: "/feeds/latest/", 200),
    ("by tag feed", lambda a: "/feeds/tags/embargoed/", 404),
    ("in the article sitemap", lambda a: "/sitemap-articles.xml", 200),
    ("in the news sitemap", lambda a: "/sitemap-news.xml", 200),
    ("by lean filter", lambda a: "/?lean=center", 200),
]


@pytest.mark.parametrize("state", UNPUBLISHED)
@pytest.mark.parametrize(("lookup", "address", "expected"), LOOKUPS, ids=[n for n, *_ in LOOKUPS])
def test_unpublished_article_looked_for(client, state, lookup, address, expected):
    status, when = UNPUBLISHED[state]
    published_at = {
        None: None,
        "past": timezone.now() - timedelta(days=1),
        "future": timezone.now() + timedelta(days=1),
    }[when]
    hidden = ArticleFactory(
        title="Embargoed minister resigns",
        summary="Nobody may read this yet.",
        slug="embargoed-minister-resigns",
        status=status,
        published_at=published_at,
        tags=["Embargoed"],
    )
    SectionFactory(article=hidden, body="The embargoed body text.")
    method = client.post if lookup == "by comment post" else client.get
    data = {"author_name": "A", "author_email": "a@example.org", "body": "x"}
    response = method(address(hidden), data) if method == client.post else method(address(hidden))
    assert response.status_code == expected, lookup
    html = response.content.decode()
    for secret in ("Embargoed minister", "Nobody may read this", "embargoed body", hidden.slug):
        assert secret not in html
    if expected == 302:
        assert response["Location"].startswith("/admin/login/")
    assert not hidden.comments.exists()
    assert Section.objects.filter(article=hidden).count() == 1


# Inline rows of one object posted with another object's row ids. Every admin form with
# inlines, every inline on it, as every role: a foreign id is a form error (or a refusal)
# and nothing anywhere is stored. The forms are read from the rendered change page, so a
# new inline or field is forged too without touching this test.
def inline_models(model_admin) -> dict[str, type]:
    """Formset prefix (as in "sections-0-id") -> row model, for every inline, nested ones too."""
    from django.forms.models import _get_foreign_key

    found = {}

    def walk(parent, inlines):
        for inline in inlines:
            fk = _get_foreign_key(parent, inline.model, fk_name=inline.fk_name)
            found[fk.remote_field.get_accessor_name(model=inline.model)] = inline.model
            walk(inline.model, getattr(inline, "inlines", []))

    walk(model_admin.model, model_admin.inlines)
    return found


def every_row(models_: list[type]) -> dict:
    from django.forms.models import model_to_dict

    return {
        (model.__name__, row.pk): model_to_dict(row)
        for model in models_
        for row in model.objects.order_by("pk")
    }


def body_article(author, **fields) -> Article:
    article = ArticleFactory(author=author, **fields)
    for position, kind in enumerate(["key_developments", "background"]):
        SectionFactory(article=article, kind=kind, body=f"{kind} text", position=position)
    for position, party in enumerate(["Russia", "Ukraine"]):
        delegation = DelegationFactory(article=article, party=party, position=position)
        DelegationMemberFactory(delegation=delegation, is_head=True, position=0)
        DelegationMemberFactory(delegation=delegation, position=1)
    return article


def decided_comment(article, moderator) -> Comment:
    comment = CommentFactory(article=article, status=Comment.Status.PENDING)
    comment_services.comment_approve(comment=comment, user=moderator)
    for address in ("192.0.2.1", "192.0.2.2"):
        comment_services.comment_report(
            comment=comment,
            reporter_key=comment_services.reporter_key(ip_address=address),
            reason=CommentReport.Reason.OTHER,
        )
    return comment


@pytest.fixture
def two_of_everything():
    """A published, rated victim and, for each role, an object of its own to post."""
    editor = staff_member("Editors")
    moderator = staff_member("Moderators")
    victim = body_article(
        staff_member("Journalists", "victim-author"),
        status=Article.Status.PUBLISHED,
        published_at=in_the_past(),
    )
    RatingFactory(article=victim, text_digest=bias_services.text_digest(victim))
    decided_comment(victim, moderator)
    users = {
        "Journalists": staff_member("Journalists"),
        "Editors": editor,
        "Moderators": moderator,
        "Bias analysts": staff_member("Bias analysts"),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    own = {
        Article: {
            role: body_article(user, status=Article.Status.DRAFT, published_at=None)
            for role, user in users.items()
        },
        Comment: {
            role: decided_comment(ArticleFactory(author=editor), moderator) for role in users
        },
    }
    return users, own, victim


FORGE_MODES = ["take over", "delete", "as a new row"]


@pytest.mark.parametrize("mode", FORGE_MODES)
@pytest.mark.parametrize("role", ["Journalists", "Editors", "Moderators", "Bias analysts",
                                  "superuser"])  # fmt: skip
@pytest.mark.parametrize("model", [Article, Comment], ids=["article", "comment"])
def test_inline_rows_of_another_object_are_refused(client, two_of_everything, model, role, mode):
    from django.contrib import admin

    users, own, _ = two_of_everything
    model_admin = admin.site._registry[model]
    prefixes = inline_models(model_admin)
    client.force_login(users[role])
    change_url = (
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/{own[model][role].pk}/change/"
    )
    page = client.get(change_url)
    if page.status_code != 200:
        # No change page (403, or the admin's "no such object" redirect), and no change
        # through a post either.
        assert page.status_code == 403 or page["Location"] == "/admin/"
        before = every_row([model, *prefixes.values()])
        assert client.post(change_url, {"_save": "Save"}).status_code in (302, 403)
        assert every_row([model, *prefixes.values()]) == before
        return
    genuine = change_form_data(page.content.decode())
    if not any(f"{prefix}-TOTAL_FORMS" in genuine for prefix in prefixes):
        # A page to view, not change: a forged post is refused whole.
        forged = {"_save": "Save"}
        for prefix, row_model in prefixes.items():
            forged.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "1"})
            forged[f"{prefix}-0-id"] = str(row_model.objects.order_by("pk").first().pk)
            forged[f"{prefix}-0-DELETE"] = "on"
        before = every_row([model, *prefixes.values()])
        assert client.post(change_url, forged).status_code == 403
        assert every_row([model, *prefixes.values()]) == before
        return
    id_fields = [
        (name, prefixes[re.sub(r"^(?:.*-\d+-)?([a-z_]+)-\d+-id$", r"\1", name)])
        for name, values in genuine.items()
        if re.fullmatch(r"(.+)-(\d+)-id", name) and values[0]
    ]
    for prefix, row_model in prefixes.items():
        # A read-only inline shows its rows without ids: post one anyway.
        if f"{prefix}-TOTAL_FORMS" in genuine and not any(
            re.fullmatch(rf"{prefix}-\d+-id", name) for name, _ in id_fields
        ):
            genuine.update({f"{prefix}-TOTAL_FORMS": ["1"], f"{prefix}-INITIAL_FORMS": ["1"]})
            genuine[f"{prefix}-0-id"] = [""]
            id_fields.append((f"{prefix}-0-id", row_model))
    assert id_fields or not prefixes, "the change page shows no inline rows to forge"
    id_fields = list({row_model: (name, row_model) for name, row_model in id_fields}.values())
    for name, row_model in id_fields:
        shown = {int(v[0]) for n, v in genuine.items() if n.endswith("-id") and v[0]}
        foreign = row_model.objects.exclude(pk__in=shown).order_by("pk").first()
        prefix = name.removesuffix("-id")
        data = {key: list(values) for key, values in genuine.items()}
        if mode == "as a new row":
            formset, _ = prefix.rsplit("-", 1)
            index = int(data[f"{formset}-TOTAL_FORMS"][0])
            for key, values in genuine.items():
                if key.startswith(f"{prefix}-") and key.count("-") == prefix.count("-") + 1:
                    data[f"{formset}-{index}-{key.removeprefix(prefix + '-')}"] = list(values)
            data[f"{formset}-TOTAL_FORMS"] = [str(index + 1)]
            prefix = f"{formset}-{index}"
        data[f"{prefix}-id"] = [str(foreign.pk)]
        for key in data:
            if key.startswith(f"{prefix}-") and key.rsplit("-", 1)[1] in ("body", "notes", "name"):
                data[key] = ["Taken over"]
        if mode == "delete":
            data[f"{prefix}-DELETE"] = ["on"]
        before = every_row([model, *prefixes.values()])
        response = client.post(change_url, data)
        assert response.status_code < 500, name
        assert every_row([model, *prefixes.values()]) == before, f"{name} ({mode}) stored"
        if model is Article:
            assert response.status_code == 200, f"{name} ({mode}) was not refused"
            assert "not part of this article" in response.content.decode()
    if model is Article:
        # The same page, unforged, saves: the refusals above came from the forged ids alone.
        assert client.post(change_url, genuine).status_code == 302


@pytest.mark.parametrize("name", ["sections-0-id", "delegations-0-id"])
def test_an_add_page_cannot_take_over_another_articles_rows(editor_client, name):
    victim = body_article(staff_member("Journalists", "victim-author"))
    row = (victim.sections if name.startswith("sections") else victim.delegations).first()
    formset = name.split("-")[0]
    data = article_post_data(**{name: str(row.pk), f"{formset}-INITIAL_FORMS": "1"})
    before = every_row([Article, Section, Delegation, DelegationMember])
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "not part of this article" in response.content.decode()
    assert every_row([Article, Section, Delegation, DelegationMember]) == before


def test_the_body_service_refuses_rows_of_another_article():
    editor = staff_member("Editors")
    victim = body_article(staff_member("Journalists", "victim-author"))
    own = body_article(editor, status=Article.Status.DRAFT, published_at=None)
    stolen_section = victim.sections.first()
    stolen_member = DelegationMember.objects.filter(delegation__article=victim).first()
    own_delegation = own.delegations.first()
    forgeries = [
        {"sections": [services.SectionRow(stolen_section.pk, "text", "", "Mine", 0)]},
        {"sections": [services.SectionRow(stolen_section.pk, "text", "", "", 0, delete=True)]},
        {
            "delegations": [
                services.DelegationRow(
                    own_delegation.pk,
                    own_delegation.party,
                    "",
                    0,
                    members=(services.MemberRow(stolen_member.pk, "Mine", "", False, 0),),
                )
            ]
        },
    ]
    before = every_row([Article, Section, Delegation, DelegationMember])
    for forged in forgeries:
        with pytest.raises(services.ForeignRow):
            services.article_save_body(
                article=own, user=editor, **{"sections": [], "delegations": [], **forged}
            )
    assert every_row([Article, Section, Delegation, DelegationMember]) == before


@pytest.mark.parametrize("positions", [("0", "0"), ("x", "1"), ("-1", "-1"), ("", "99999999999")])
def test_a_form_error_beside_odd_positions_shows_the_form_again(editor_client, positions):
    data = article_post_data(title="")  # a field error, so the rows are shown again
    data["sections-0-position"], data["sections-1-position"] = positions
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Article.objects.exists()


def test_a_member_may_move_between_the_delegations_of_its_own_article():
    editor = staff_member("Editors")
    article = body_article(editor, status=Article.Status.DRAFT, published_at=None)
    russia, ukraine = article.delegations.order_by("position")
    moving = russia.members.get(is_head=False)
    rows = [
        services.DelegationRow(russia.pk, "Russia", russia.notes, 0),
        services.DelegationRow(
            ukraine.pk,
            "Ukraine",
            ukraine.notes,
            1,
            members=(services.MemberRow(moving.pk, moving.name, moving.role, False, 5),),
        ),
    ]
    services.article_save_body(article=article, user=editor, sections=[], delegations=rows)
    moving.refresh_from_db()
    assert moving.delegation == ukraine
    assert ukraine.members.count() == 3 and russia.members.count() == 1
