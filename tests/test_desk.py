"""The editor's desk: who is emailed what, a returned article's note, controls that apply
only where they do, the time zone named."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from articles import services
from articles.models import Article
from bias import services as bias_services
from newsroom.models import MailPreference
from tests.factories import ArticleFactory, RatingFactory, SectionFactory, staff_member
from tests.helpers import admin_save, article_post_data, assess

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture
def people():
    return {
        "author": staff_member("Journalists", "author"),
        "editor": staff_member("Editors", "editor"),
        "second editor": staff_member("Editors", "second-editor"),
        "moderator": staff_member("Moderators", "moderator"),
    }


def draft(author, **kwargs):
    article = ArticleFactory(author=author, status=S.DRAFT, published_at=None, **kwargs)
    SectionFactory(article=article)
    return article


def sent(django_capture_on_commit_callbacks, step):
    """The mail a step sends once it commits: (recipient, subject) pairs."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        step()
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def test_a_submission_is_mailed_to_the_editors(people, django_capture_on_commit_callbacks):
    article = draft(people["author"], title="Grain talks")

    def submit():
        services.article_transition(article=article, target=S.IN_REVIEW, user=people["author"])

    assert sent(django_capture_on_commit_callbacks, submit) == [
        ("editor@example.org", "[Newsroom] For review: Grain talks"),
        ("second-editor@example.org", "[Newsroom] For review: Grain talks"),
    ]


def test_a_return_is_mailed_to_the_author_with_the_note(people, django_capture_on_commit_callbacks):
    article = draft(people["author"], title="Grain talks")
    services.article_transition(article=article, target=S.IN_REVIEW, user=people["author"])

    def give_back():
        services.article_transition(
            article=article, target=S.DRAFT, user=people["editor"], note="Name the source."
        )

    assert sent(django_capture_on_commit_callbacks, give_back) == [
        ("author@example.org", "[Newsroom] Returned to you: Grain talks")
    ]
    assert "Name the source." in mail.outbox[0].body


def test_a_publication_is_mailed_to_the_author(people, django_capture_on_commit_callbacks):
    article = draft(people["author"], title="Grain talks")
    RatingFactory(article=article)

    def publish():
        services.article_transition(article=article, target=S.PUBLISHED, user=people["editor"])

    assert sent(django_capture_on_commit_callbacks, publish) == [
        ("author@example.org", "[Newsroom] Published: Grain talks")
    ]


def test_nobody_is_mailed_their_own_move_or_after_opting_out(
    people, django_capture_on_commit_callbacks
):
    own = draft(people["editor"], title="Editor's own")
    RatingFactory(article=own)

    def publish_own():
        services.article_transition(article=own, target=S.PUBLISHED, user=people["editor"])

    assert sent(django_capture_on_commit_callbacks, publish_own) == []
    MailPreference.objects.create(user=people["second editor"], desk_mail=False)
    article = draft(people["author"], title="Grain talks")

    def submit():
        services.article_transition(article=article, target=S.IN_REVIEW, user=people["author"])

    assert [to for to, _ in sent(django_capture_on_commit_callbacks, submit)] == [
        "editor@example.org"
    ]


def test_a_refused_move_mails_nobody(people, django_capture_on_commit_callbacks):
    article = draft(people["author"])

    def refused():
        with pytest.raises(services.WorkflowError):
            services.article_transition(article=article, target=S.PUBLISHED, user=people["author"])

    assert sent(django_capture_on_commit_callbacks, refused) == []


def test_analysts_are_mailed_what_is_asked_of_them_and_editors_a_ready_panel(
    people, django_capture_on_commit_callbacks
):
    analysts = [staff_member("Bias analysts", f"analyst-{lean}", lean=lean)
                for lean in ("left", "center", "right")]  # fmt: skip
    article = draft(people["author"], title="Grain talks")
    Article.objects.filter(pk=article.pk).update(status=S.IN_REVIEW)

    def ask():
        bias_services.assessments_request(
            article=article, analysts=analysts[:2], user=people["editor"]
        )

    assert sent(django_capture_on_commit_callbacks, ask) == [
        ("analyst-center@example.org", "[Newsroom] Asked of you: Grain talks"),
        ("analyst-left@example.org", "[Newsroom] Asked of you: Grain talks"),
    ]
    assess(article, analysts[0])
    assess(article, analysts[1])

    def complete():
        assess(article, analysts[2])

    assert sent(django_capture_on_commit_callbacks, complete) == [
        ("editor@example.org", "[Newsroom] Rating to sign off: Grain talks"),
        ("second-editor@example.org", "[Newsroom] Rating to sign off: Grain talks"),
    ]


def test_staff_choose_whether_the_desk_mails_them(people, client):
    client.force_login(people["editor"])
    assert client.get("/admin/mail/").status_code == 200
    client.post("/admin/mail/", {})  # the box unticked
    assert MailPreference.objects.get(user=people["editor"]).desk_mail is False
    client.post("/admin/mail/", {"desk_mail": "on"})
    assert MailPreference.objects.get(user=people["editor"]).desk_mail is True


def test_a_returned_article_shows_its_note_first_and_on_the_desk(people, client):
    article = draft(people["author"], title="Grain talks")
    services.article_transition(article=article, target=S.IN_REVIEW, user=people["author"])
    services.article_transition(
        article=article, target=S.DRAFT, user=people["editor"], note="Name the second source."
    )
    client.force_login(people["author"])
    page = BeautifulSoup(
        client.get(f"/admin/articles/article/{article.pk}/change/").content, "html.parser"
    )
    banner = page.select_one(".returned-banner").get_text(" ", strip=True)
    assert "Returned to you" in banner and "Name the second source." in banner
    desk = {d["label"]: d for d in client.get("/admin/").context["desk"]}
    assert desk["Returned to me"]["count"] == 1
    assert "Grain talks" in client.get(desk["Returned to me"]["url"]).content.decode()
    services.article_transition(article=article, target=S.IN_REVIEW, user=people["author"])
    assert {d["label"]: d["count"] for d in client.get("/admin/").context["desk"]}[
        "Returned to me"
    ] == 0


def test_controls_that_do_not_apply_are_not_shown(people, client):
    article = draft(people["author"])
    client.force_login(people["author"])
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="publish_at_0"' not in page  # journalists do not publish
    assert 'name="transition"' in page
    assert "View on site" not in page  # a draft has no page on the site
    client.force_login(people["editor"])
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="publish_at_0"' in page
    published = ArticleFactory(status=S.PUBLISHED)
    page = client.get(f"/admin/articles/article/{published.pk}/change/").content.decode()
    assert 'name="publish_at_0"' not in page and "View on site" in page
    assert "Taggit" not in client.get("/admin/").content.decode()


def test_a_submission_that_leaves_the_page_read_only_says_so(people, client):
    article = draft(people["author"])
    client.force_login(people["author"])
    response = admin_save(client, article, transition=S.IN_REVIEW)
    page = client.get(response["Location"]).content.decode()
    assert "You may edit it again below" not in page
    assert "is saved: in review" in page


def test_the_time_zone_is_named(client, settings, people):
    settings.TIME_ZONE = "Europe/Kyiv"
    from newsroom import context_processors

    assert context_processors.site(None)["time_zone_name"] == "Europe/Kyiv"
    article = ArticleFactory()
    assert "Times are given in Europe/Kyiv." in client.get(article.get_absolute_url()).text
    client.force_login(people["editor"])
    assert "Times are given in Europe/Kyiv." in client.get("/admin/").content.decode()


# Live preview, the Markdown preview, who saved last, conflicts resolved field by field


def test_the_live_preview_shows_unsaved_text_without_saving_it(people, client):
    article = draft(people["author"], title="Stored title")
    client.force_login(people["author"])
    data = article_post_data(**{"title": "Typed, not saved", "sections-0-body": "**Bold** claim."})
    response = client.post(f"/admin/articles/article/{article.pk}/preview/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Typed, not saved" in page and "<strong>Bold</strong> claim." in page
    assert "Your unsaved changes" in page and response["X-Robots-Tag"] == "noindex, nofollow"
    assert Article.objects.get(pk=article.pk).title == "Stored title"
    # A new article, never saved, can be previewed too.
    new = client.post("/admin/articles/article/preview/", data)
    assert new.status_code == 200 and "Typed, not saved" in new.content.decode()
    assert Article.objects.count() == 1


def test_the_live_preview_keeps_the_bounds_of_a_save(people, client):
    article = draft(people["author"])
    client.force_login(people["author"])
    deep = "\n".join("  " * depth + "- item" for depth in range(40))
    for body in ("[" * 20_001, deep):
        data = article_post_data(**{"sections-0-body": body})
        response = client.post(f"/admin/articles/article/{article.pk}/preview/", data)
        assert response.status_code == 400
    many = article_post_data(**{"sections-TOTAL_FORMS": "500"})
    assert client.post(f"/admin/articles/article/{article.pk}/preview/", many).status_code == 400


def test_the_live_preview_is_for_those_who_may_see_the_article(people, client):
    theirs = draft(staff_member("Journalists", "other"))
    client.force_login(people["author"])
    assert client.post(f"/admin/articles/article/{theirs.pk}/preview/", {}).status_code == 404
    client.force_login(people["moderator"])
    assert client.post("/admin/articles/article/preview/", {}).status_code == 403


def test_the_markdown_preview_renders_as_readers_read_it(people, client):
    client.force_login(people["author"])
    url = "/admin/articles/article/markdown/"
    response = client.post(url, {"text": "*Quiet* <script>x()</script>"})
    assert response.json() == {"html": "<p><em>Quiet</em> </p>"}
    assert client.post(url, {"text": "[" * 20_001}).status_code == 400
    assert client.get(url).status_code == 405
    client.force_login(people["moderator"])
    assert client.post(url, {"text": "x"}).status_code == 403


def test_the_page_learns_who_saved_last(people, client):
    article = draft(people["author"])
    client.force_login(people["editor"])
    status = client.get(f"/admin/articles/article/{article.pk}/status/").json()
    assert status["version"] == article.version
    edited = Article.objects.get(pk=article.pk)
    edited.title = "Changed meanwhile"
    services.article_save(article=edited, user=people["editor"], expected_version=edited.version)
    client.force_login(people["author"])
    status = client.get(f"/admin/articles/article/{article.pk}/status/").json()
    assert status["version"] == article.version + 1 and status["by"] == "Alex Writer" + str(
        people["editor"].last_name.removeprefix("Writer")
    )


def test_a_stale_save_shows_both_versions_and_saves_the_choices(people, client):
    article = draft(people["editor"], title="First title", summary="First summary.")
    opened = article.version
    theirs = Article.objects.get(pk=article.pk)
    theirs.title, theirs.summary = "Their title", "Their summary."
    services.article_save(article=theirs, user=people["second editor"], expected_version=opened)
    client.force_login(people["editor"])
    typed = {"title": "My title", "summary": "My summary.", "loaded_version": str(opened)}
    response = admin_save(client, Article.objects.get(pk=article.pk), **typed)
    assert response.status_code == 200
    form = response.context["adminform"].form
    rows = {row.field: (row.theirs, row.yours) for row in form.conflict}
    assert rows["title"] == ("Their title", "My title")
    assert rows["summary"] == ("Their summary.", "My summary.")
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one('input[name="title"]')["value"] == "My title"  # nothing lost
    fresh = page.select_one('input[name="loaded_version"]')["value"]
    assert fresh == str(opened + 1)
    response = admin_save(
        client,
        Article.objects.get(pk=article.pk),
        **{**typed, "loaded_version": fresh},
        resolve_title="theirs",
        resolve_summary="mine",
    )
    assert response.status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.summary) == ("Their title", "My summary.")


def test_the_type_and_the_backstory_are_previewed_compared_and_resolved(people, client):
    article = draft(people["editor"], title="A title")
    client.force_login(people["editor"])
    data = article_post_data(article_type="analysis", backstory="We spoke to six delegates.")
    live = client.post(f"/admin/articles/article/{article.pk}/preview/", data).content.decode()
    assert "Analysis" in live and "We spoke to six delegates." in live

    assert admin_save(client, Article.objects.get(pk=article.pk)).status_code == 302
    typed = {"article_type": "analysis", "backstory": "We spoke to six delegates."}
    assert admin_save(client, Article.objects.get(pk=article.pk), **typed).status_code == 302
    from articles.revisions import versions_of

    newer, older = list(versions_of(article))[:2]
    compare = client.get(
        f"/admin/articles/article/{article.pk}/revisions/compare/", {"a": older.pk, "b": newer.pk}
    ).content.decode()
    assert "<del>Reporting</del>" in compare and "<ins>Analysis</ins>" in compare
    assert "How we reported this" in compare and "<ins>We spoke to six delegates.</ins>" in compare
    old = client.get(f"/admin/articles/article/{article.pk}/revisions/{older.pk}/preview/")
    assert "Reporting" in old.text and "We spoke to six delegates." not in old.text

    # A colleague sets another type meanwhile: theirs beside mine, and mine kept if chosen.
    stored = Article.objects.get(pk=article.pk)
    opened = stored.version
    stored.article_type = "background"
    services.article_save(article=stored, user=people["second editor"], expected_version=opened)
    stale = admin_save(
        client,
        Article.objects.get(pk=article.pk),
        **{**typed, "article_type": "opinion", "loaded_version": str(opened)},
    )
    rows = {row.field: (row.theirs, row.yours) for row in stale.context["adminform"].form.conflict}
    assert rows["article_type"] == ("Background", "Opinion")
