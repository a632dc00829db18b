"""The editorial workflow: moves, rights, gates, revisions, previews, conflicts, corrections."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import services
from articles.models import Article, Correction, StatusChange
from tests.factories import (
    ArticleFactory,
    ImageFactory,
    RatingFactory,
    SectionFactory,
    staff_member,
)
from tests.helpers import admin_save, preview_link_token

pytestmark = pytest.mark.django_db

S = Article.Status
# Admin pages: session, user, permissions, then the page's own reads.
LIST_QUERIES = 10
CHANGE_QUERIES = 13  # with the last return (a banner), whether it has corrections, an autosave


@pytest.fixture
def people():
    return {
        "author": staff_member("Journalists", "author"),
        "other journalist": staff_member("Journalists", "other"),
        "editor": staff_member("Editors", "editor"),
        "moderator": staff_member("Moderators", "moderator"),
        "analyst": staff_member("Bias analysts", "analyst"),
    }


def ready_article(author, status=S.DRAFT, **kwargs):
    """An article that passes the publish gate: text, a section and a published bias rating."""
    article = ArticleFactory(author=author, status=status, published_at=None, **kwargs)
    SectionFactory(article=article)
    RatingFactory(article=article)
    return article


MOVES = [
    # (from, to, who may)
    (S.DRAFT, S.IN_REVIEW, {"author", "editor"}),
    (S.IN_REVIEW, S.DRAFT, {"editor"}),
    (S.DRAFT, S.PUBLISHED, {"editor"}),
    (S.IN_REVIEW, S.PUBLISHED, {"editor"}),
    (S.PUBLISHED, S.ARCHIVED, {"editor"}),
    (S.ARCHIVED, S.DRAFT, {"editor"}),
]
ILLEGAL = [
    (S.DRAFT, S.ARCHIVED),
    (S.IN_REVIEW, S.ARCHIVED),
    (S.PUBLISHED, S.DRAFT),
    (S.PUBLISHED, S.IN_REVIEW),
    (S.ARCHIVED, S.PUBLISHED),
    (S.ARCHIVED, S.IN_REVIEW),
]
ROLES = ["author", "other journalist", "editor", "moderator", "analyst"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("source", "target", "allowed"), MOVES, ids=lambda v: str(v))
def test_role_by_move_matrix(people, role, source, target, allowed):
    article = ready_article(people["author"], status=source)
    if source in (S.PUBLISHED, S.ARCHIVED):
        Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
    before = Article.objects.values().get(pk=article.pk)
    user = people[role]
    if role in allowed:
        moved = services.article_transition(article=article, target=target, user=user, note="n")
        assert moved.status == target
        change = StatusChange.objects.get(article=article)
        assert (change.from_status, change.to_status, change.user, change.note) == (
            source, target, user, "n",
        )  # fmt: skip
    else:
        with pytest.raises(services.WorkflowError, match="permission"):
            services.article_transition(article=article, target=target, user=user, note="n")
        assert Article.objects.values().get(pk=article.pk) == before
        assert not StatusChange.objects.exists()


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=lambda v: str(v))
def test_moves_not_in_the_table_are_refused_for_everyone(people, source, target):
    article = ready_article(people["author"], status=source)
    with pytest.raises(services.WorkflowError, match="cannot be moved"):
        services.article_transition(article=article, target=target, user=people["editor"])
    assert Article.objects.get(pk=article.pk).status == source


def test_returning_to_the_author_needs_a_note(people):
    article = ready_article(people["author"], status=S.IN_REVIEW)
    with pytest.raises(services.WorkflowError, match="note"):
        services.article_transition(article=article, target=S.DRAFT, user=people["editor"])
    assert Article.objects.get(pk=article.pk).status == S.IN_REVIEW


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": " "}, "a title"),
        ({"summary": ""}, "a summary"),
        ({"sections": False}, "at least one section"),
        ({"credit": ""}, "a credit for the lead image"),
        ({"summary": "", "sections": False}, "a summary and at least one section"),
    ],
)
def test_publish_gate_says_what_is_missing(people, changes, message):
    changes = dict(changes)  # the parameters are shared by every run of the test in a process
    article = ArticleFactory(author=people["author"], status=S.DRAFT, published_at=None)
    RatingFactory(article=article)
    if changes.pop("sections", True):
        SectionFactory(article=article)
    if "credit" in changes:
        article.lead_image = ImageFactory(credit=changes.pop("credit"))
    Article.objects.filter(pk=article.pk).update(lead_image=article.lead_image, **changes)
    with pytest.raises(services.WorkflowError) as refused:
        services.article_transition(article=article, target=S.PUBLISHED, user=people["editor"])
    assert str(refused.value) == f"Not published: the article needs {message}."
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_scheduled_article_is_invisible_before_its_time_and_visible_after(people, client):
    article = ready_article(people["author"])
    at = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
    services.article_transition(
        article=article, target=S.PUBLISHED, user=people["editor"], publish_at=at
    )
    with time_machine.travel(at - timedelta(minutes=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert article.title not in client.get("/").content.decode()
        assert not Article.objects.published().exists()
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert article.title in client.get("/").content.decode()


def test_admin_shows_scheduled_articles_and_filters_by_status(people, client):
    article = ready_article(people["author"])
    services.article_transition(
        article=article,
        target=S.PUBLISHED,
        user=people["editor"],
        publish_at=datetime(2030, 1, 15, 9, 0, tzinfo=UTC),
    )
    client.force_login(people["editor"])
    listing = client.get("/admin/articles/article/?status__exact=published").content.decode()
    assert "Scheduled for 15 January 2030, 09:00" in listing
    assert (
        "Scheduled for"
        in client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    )


def test_admin_makes_moves_and_shows_the_log(people, client):
    article = ready_article(people["author"])
    client.force_login(people["author"])
    assert admin_save(client, article, transition="in_review").status_code == 302
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW
    client.force_login(people["editor"])
    response = admin_save(client, article, transition="draft", note="Source the second quote.")
    assert response.status_code == 302
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "In review → Draft" in page and "Source the second quote." in page
    assert "Draft → In review" in page


def test_a_forged_move_through_the_admin_is_refused(people, client):
    article = ready_article(people["author"])
    client.force_login(people["author"])
    response = admin_save(client, article, transition="published", status="published")
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors["transition"])
    article.refresh_from_db()
    assert (article.status, article.published_at) == (S.DRAFT, None)


def test_a_refused_publish_keeps_the_edit_and_says_why(people, client):
    article = ArticleFactory(author=people["author"], status=S.DRAFT, published_at=None)
    RatingFactory(article=article)
    client.force_login(people["editor"])
    response = admin_save(client, article, title="New title", transition="published")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Not published: the article needs at least one section." in messages
    article.refresh_from_db()
    assert (article.title, article.status) == ("New title", S.DRAFT)


def test_an_edit_made_from_an_older_version_is_refused(people, client):
    article = ready_article(people["author"], title="Original")
    opened_at = article.version
    client.force_login(people["editor"])
    other = staff_member("Editors", "second-editor")
    other.first_name, other.last_name = "Mira", "Okafor"
    other.save()
    client2 = client.__class__()
    client2.force_login(other)
    assert admin_save(client2, article, title="Their change").status_code == 302
    article.loaded = opened_at
    response = admin_save(client, article, title="My change", loaded_version=str(opened_at))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Mira Okafor changed this article at" in errors and "Nothing was saved" in errors
    article.refresh_from_db()
    assert article.title == "Their change"


def test_editors_edit_published_articles_live_with_a_revision(people, client):
    article = ready_article(people["author"])
    services.article_transition(article=article, target=S.PUBLISHED, user=people["editor"])
    article.refresh_from_db()
    client.force_login(people["editor"])
    assert admin_save(client, article, title="Corrected headline").status_code == 302
    assert "Corrected headline" in client.get(article.get_absolute_url()).content.decode()
    from articles.revisions import versions_of

    latest = versions_of(article).first()
    assert latest.revision.user == people["editor"]
    assert latest.field_dict["title"] == "Corrected headline"


def one_section(article, body: str) -> dict:
    """The change form's fields for the article's one section, with this body."""
    return {
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "1",
        "sections-0-id": str(article.sections.get().pk),
        "sections-0-article": str(article.pk),
        "sections-0-kind": "background",
        "sections-0-heading": "",
        "sections-0-body": body,
        "sections-0-position": "0",
    }


def test_revisions_can_be_compared_and_an_old_one_restored(people, client):
    article = ready_article(people["author"], title="First title")
    client.force_login(people["editor"])
    first = one_section(article, "Old background.")
    assert admin_save(client, article, **first).status_code == 302
    article.refresh_from_db()
    second = {**first, "sections-0-body": "New background.", "sections-0-heading": "Context"}
    assert admin_save(client, article, title="Second title", **second).status_code == 302
    from articles.revisions import versions_of

    newer, older = list(versions_of(article))[:2]
    revisions_page = client.get(f"/admin/articles/article/{article.pk}/revisions/")
    assert revisions_page.status_code == 200
    assert people["editor"].get_full_name() in revisions_page.content.decode()
    compare = client.get(
        f"/admin/articles/article/{article.pk}/revisions/compare/",
        {"a": older.pk, "b": newer.pk},
    ).content.decode()
    # Word by word, under each part's name, as readers read it (no Markdown, no keys).
    assert "<p><del>First</del> <ins>Second</ins> title</p>" in compare
    assert "<del>Old</del> <ins>New</ins> background." in compare
    assert "Section: Context" in compare and "[background]" not in compare
    article.refresh_from_db()
    status_before = article.status
    restore = f"/admin/articles/article/{article.pk}/revisions/{older.pk}/restore/"
    confirm = client.get(restore).content.decode()
    assert "will become the article's text" in confirm and "goes live" not in confirm
    assert f"/revisions/{older.pk}/preview/" in confirm
    preview = client.get(f"/admin/articles/article/{article.pk}/revisions/{older.pk}/preview/")
    assert "First title" in preview.content.decode() and "Old background." in preview.text
    response = client.post(restore)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "First title" and article.status == status_before
    assert [s.body for s in article.sections.all()] == ["Old background."]
    assert versions_of(article).first().revision.get_comment() == "Restored from rev 1"


def test_a_journalist_cannot_restore_someone_elses_article(people, client):
    article = ready_article(people["other journalist"])
    services.article_record_revision(article=article, user=people["other journalist"], comment="")
    from articles.revisions import versions_of

    version = versions_of(article).first()
    client.force_login(people["author"])
    response = client.post(f"/admin/articles/article/{article.pk}/revisions/{version.pk}/restore/")
    assert response.status_code == 404


def test_revision_compare_with_bad_input_answers_404(people, client):
    article = ready_article(people["author"])
    client.force_login(people["editor"])
    url = f"/admin/articles/article/{article.pk}/revisions/compare/"
    for query in ({}, {"a": "x", "b": "1"}, {"a": "1", "b": "1"}, {"a": "999", "b": "998"}):
        assert client.get(url, query).status_code == 404


def test_staff_preview_shows_a_draft_as_the_public_page_would(people, client):
    article = ready_article(people["author"], title="Embargoed draft")
    client.force_login(people["author"])
    response = client.get(f"/admin/articles/article/{article.pk}/preview/")
    assert response.status_code == 200
    assert (
        "Embargoed draft" in response.content.decode() and "Preview." in response.content.decode()
    )
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    client.force_login(people["other journalist"])
    assert client.get(f"/admin/articles/article/{article.pk}/preview/").status_code == 404


def test_shared_preview_link_works_for_48_hours_for_anyone(people, client):
    article = ready_article(people["author"], title="Embargoed draft")
    with time_machine.travel(datetime(2030, 1, 1, 12, 0, tzinfo=UTC), tick=False):
        token = preview_link_token(article)
    url = f"/preview/{token}/"
    with time_machine.travel(datetime(2030, 1, 3, 11, 59, tzinfo=UTC), tick=False):
        response = client.get(url)
        assert response.status_code == 200 and "Embargoed draft" in response.content.decode()
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"]
    with time_machine.travel(datetime(2030, 1, 3, 12, 1, tzinfo=UTC), tick=False):
        assert client.get(url).status_code == 404


def test_tampered_preview_links_answer_404(people, client):
    article = ready_article(people["author"])
    token = preview_link_token(article)
    other = ready_article(people["author"])
    forged = preview_link_token(other)[:-3] + "abc"
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), forged, "nonsense", "a:b:c"):
        assert client.get(f"/preview/{bad}/").status_code == 404


def test_share_preview_page_gives_a_working_link(people, client):
    article = ready_article(people["author"], title="Shared draft")
    client.force_login(people["author"])
    share = f"/admin/articles/article/{article.pk}/share-preview/"
    assert "Create a preview link" in client.get(share).content.decode()
    assert client.post(share).status_code == 302
    page = client.get(share).content.decode()
    link = page.split('id="preview-link" type="url" value="')[1].split('"')[0]
    client.logout()
    assert "Shared draft" in client.get(link.replace("http://testserver", "")).content.decode()


def test_corrections_are_dated_at_the_end_with_an_updated_date(people, client):
    article = ready_article(people["author"])
    services.article_transition(article=article, target=S.PUBLISHED, user=people["editor"])
    with time_machine.travel(datetime(2030, 2, 3, 10, 0, tzinfo=UTC), tick=False):
        services.article_add_correction(
            article=article, user=people["editor"], note="An earlier version misnamed the minister."
        )
    body = client.get(article.get_absolute_url()).content.decode()
    assert "Updated <time" in body and "3 February 2030" in body
    corrections = body.split('id="corrections-heading"')[1]
    assert "An earlier version misnamed the minister." in corrections
    assert body.index("corrections-heading") > body.index("article-section")


def test_corrections_only_by_editors_and_only_when_published(people):
    article = ready_article(people["author"])
    with pytest.raises(services.WorkflowError, match="published"):
        services.article_add_correction(article=article, user=people["editor"], note="x")
    services.article_transition(article=article, target=S.PUBLISHED, user=people["editor"])
    with pytest.raises(services.WorkflowError, match="editors"):
        services.article_add_correction(article=article, user=people["author"], note="x")
    assert not Correction.objects.exists()


def test_editor_appends_a_correction_from_the_admin(people, client):
    article = ready_article(people["author"])
    services.article_transition(article=article, target=S.PUBLISHED, user=people["editor"])
    article.refresh_from_db()
    client.force_login(people["editor"])
    response = admin_save(client, article, correction="The summit was on Friday, not Thursday.")
    assert response.status_code == 302
    assert Correction.objects.get().note == "The summit was on Friday, not Thursday."


def test_admin_index_shows_my_drafts_and_awaiting_review(people, client):
    for _ in range(2):
        ready_article(people["author"])
    ready_article(people["other journalist"])
    for _ in range(3):
        ready_article(people["other journalist"], status=S.IN_REVIEW)
    client.force_login(people["author"])
    desk = {d["label"]: d["count"] for d in client.get("/admin/").context["desk"]}
    assert desk == {
        "Returned to me": 0, "My drafts": 2, "Awaiting review": 0, "Scheduled · Story calendar": 0
    }  # fmt: skip
    client.force_login(people["editor"])
    desk = {d["label"]: d["count"] for d in client.get("/admin/").context["desk"]}
    assert desk == {
        "Returned to me": 0, "My drafts": 0, "Awaiting review": 3,
        "Scheduled · Story calendar": 0, "Ratings to sign off": 0,
    }  # fmt: skip
    assert "Awaiting review" in client.get("/admin/").content.decode()


def test_journalists_see_only_their_own_articles(people, client):
    mine = ready_article(people["author"], title="Mine")
    theirs = ready_article(people["other journalist"], title="Theirs")
    client.force_login(people["author"])
    listing = client.get("/admin/articles/article/").content.decode()
    assert mine.title in listing and theirs.title not in listing
    index = client.get("/admin/").content.decode()
    assert "/admin/articles/article/" in index and "/admin/articles/image/" in index
    for hidden in ("/admin/articles/comment/", "/admin/bias/rating/", "/admin/taggit/tag/"):
        assert hidden not in index


def test_moderators_see_comments_only(people, client):
    client.force_login(people["moderator"])
    index = client.get("/admin/").content.decode()
    assert "/admin/articles/comment/" in index
    for hidden in ("/admin/articles/article/", "/admin/articles/image/", "/admin/bias/rating/"):
        assert hidden not in index
    assert client.get("/admin/articles/article/").status_code == 403


@pytest.mark.parametrize("count", [10, 100])
def test_article_admin_list_query_count_is_fixed(people, client, django_assert_num_queries, count):
    for n in range(count):
        ArticleFactory(author=people["author"], title=f"Story {n}")
    client.force_login(people["editor"])
    client.get("/admin/articles/article/")  # warm the session and content types
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/admin/articles/article/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 100])
def test_article_admin_change_page_query_count_is_fixed(
    people, client, django_assert_num_queries, count
):
    for n in range(count):
        ArticleFactory(author=people["author"], title=f"Story {n}")
    article = ready_article(people["author"])
    for _ in range(5):
        SectionFactory(article=article)
    client.force_login(people["editor"])
    url = f"/admin/articles/article/{article.pk}/change/"
    client.get(url)
    with django_assert_num_queries(CHANGE_QUERIES):
        assert client.get(url).status_code == 200


EDITS = [
    # (role, whose article, status, expected answer to an edit POST)
    ("author", "own", S.DRAFT, 302),
    ("author", "own", S.IN_REVIEW, 403),
    ("author", "own", S.PUBLISHED, 403),
    ("author", "own", S.ARCHIVED, 403),
    ("other journalist", "author's", S.DRAFT, "missing"),
    ("editor", "author's", S.DRAFT, 302),
    ("editor", "author's", S.IN_REVIEW, 302),
    ("editor", "author's", S.PUBLISHED, 302),
    ("editor", "author's", S.ARCHIVED, 302),
    ("moderator", "author's", S.DRAFT, 403),
    ("analyst", "author's", S.DRAFT, 403),
]


@pytest.mark.parametrize(("role", "whose", "status", "expected"), EDITS, ids=str)
def test_edit_rights_by_role_and_state(people, client, role, whose, status, expected):
    article = ready_article(people["author"], status=status, title="Before")
    client.force_login(people[role])
    response = admin_save(client, article, title="After")
    article.refresh_from_db()
    if expected == "missing":
        assert response.status_code == 302 and response.url == "/admin/"
    else:
        assert response.status_code == expected
    assert article.title == ("After" if expected == 302 else "Before")
    assert article.status == status


def test_a_revision_past_todays_bounds_is_refused_whole(people, client, monkeypatch):
    from articles import markdown
    from articles.revisions import versions_of

    article = ready_article(people["author"], title="First title")
    client.force_login(people["editor"])
    first = one_section(article, "A background long enough.")
    assert admin_save(client, article, **first).status_code == 302
    article.refresh_from_db()
    form = one_section(article, "Short.")
    assert admin_save(client, article, title="Second title", **form).status_code == 302
    older = list(versions_of(article))[1]
    # The bounds tighten after the older text was saved.
    monkeypatch.setattr(markdown, "MAX_LENGTH", 10)
    markdown._parse.cache_clear()
    response = client.post(
        f"/admin/articles/article/{article.pk}/revisions/{older.pk}/restore/", follow=True
    )
    assert response.status_code == 200
    assert "cannot be restored" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Second title"
    assert [s.body for s in article.sections.all()] == ["Short."]


def test_comparing_two_long_texts_rewritten_throughout_is_a_line_diff():
    from articles.revisions import Snapshot, compare

    def snapshot(seed):
        words = ["talks", "peace", "delegation", "minister", "said", "the", "a", "on"]
        lines = [" ".join(words[(seed * n + k) % 8] for k in range(8)) for n in range(2000)]
        section = {"pk": 1, "heading": "Background", "kind": "background",
                   "body": "\n\n".join(lines), "position": 0}  # fmt: skip
        return Snapshot(article={"title": "T", "summary": "S"}, sections=[section], delegations=[])

    diffs = {diff.name: diff for diff in compare(snapshot(3), snapshot(5))}
    kinds = [change.kind for line in diffs["Section: Background"].lines for change in line]
    assert diffs["Section: Background"].changed and not diffs["Title"].changed
    assert kinds.count("removed") == kinds.count("added") > 1000
