"""Autosave: what an editor typed and did not save is kept, shown again when they reopen the
article, and reaches the article (or, published, its live page) only when they save."""

import pytest
from bs4 import BeautifulSoup
from reversion.models import Version

from articles import services
from articles.markdown import MAX_LENGTH
from articles.models import Article, Autosave
from tests.admin_pages import change_form_data
from tests.factories import ArticleFactory, SectionFactory, staff_member

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture
def author():
    return staff_member("Journalists", "author")


@pytest.fixture
def editor():
    return staff_member("Editors", "editor")


def draft(author, **kwargs):
    article = ArticleFactory(
        author=author, status=S.DRAFT, published_at=None, title="Grain talks", **kwargs
    )
    SectionFactory(article=article, body="The first version.")
    return article


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def opened(client, article) -> dict[str, list[str]]:
    """The change form as a browser would post it, unchanged."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return change_form_data(response.content.decode())


def autosave(client, article, data):
    return client.post(f"/admin/articles/article/{article.pk}/autosave/", data)


def shown(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_an_autosave_keeps_the_text_and_leaves_the_article_as_it_was(client, author):
    article = draft(author)
    client.force_login(author)
    data = opened(client, article)
    data.update({"title": ["Grain talks resume"], "sections-0-body": ["The typed version."]})

    response = autosave(client, article, data)

    assert response.status_code == 200
    assert response.json()["saved_at"]
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.version, stored.status) == (
        "Grain talks",
        article.version,
        S.DRAFT,
    )
    assert stored.sections.get().body == "The first version."
    assert not Version.objects.get_for_object(stored).exists()
    kept = Autosave.objects.get(article=article, user=author)
    assert kept.data["title"] == ["Grain talks resume"]
    assert kept.loaded_version == article.version


def test_reopening_the_article_brings_the_autosaved_text_back_unsaved(client, author):
    article = draft(author)
    client.force_login(author)
    data = opened(client, article)
    data.update({"title": ["Grain talks resume"], "sections-0-body": ["The typed version."]})
    autosave(client, article, data)

    page = shown(client.get(change_url(article)))

    assert page.find("input", {"name": "title"})["value"] == "Grain talks resume"
    assert page.find("textarea", {"name": "sections-0-body"}).text.strip() == "The typed version."
    assert "Your unsaved changes are back." in page.get_text()
    assert not page.select(".errornote")
    # Opening them saves nothing: the article is as it was, and the autosave stays.
    assert Article.objects.get(pk=article.pk).title == "Grain talks"
    assert Autosave.objects.filter(article=article).count() == 1


def test_saving_the_brought_back_text_stores_it_once_and_ends_the_autosave(client, author):
    article = draft(author)
    client.force_login(author)
    data = opened(client, article)
    # A section added after the page opened: the autosave keeps the new row too.
    data.update(
        {
            "sections-TOTAL_FORMS": ["2"],
            "sections-1-kind": ["text"],
            "sections-1-heading": ["What comes next"],
            "sections-1-body": ["More talks."],
            "sections-1-position": ["1"],
        }
    )
    autosave(client, article, data)
    resumed = change_form_data(client.get(change_url(article)).content.decode())

    response = client.post(change_url(article), resumed)

    assert response.status_code == 302
    article.refresh_from_db()
    assert sorted(s.body for s in article.sections.all()) == ["More talks.", "The first version."]
    assert not Autosave.objects.filter(article=article).exists()
    page = shown(client.get(change_url(article)))
    assert "Your unsaved changes are back." not in page.get_text()


def test_a_published_article_keeps_its_autosave_as_a_pending_draft_off_the_live_page(
    client, editor
):
    article = ArticleFactory(title="Grain talks")
    SectionFactory(article=article, body="The live version.")
    client.force_login(editor)
    data = opened(client, article)
    data["sections-0-body"] = ["The pending version."]

    assert autosave(client, article, data).status_code == 200

    live = client.get(article.get_absolute_url()).content.decode()
    assert "The live version." in live and "The pending version." not in live
    page = shown(client.get(change_url(article)))
    assert "the live page does not show them until you save" in page.get_text()
    assert page.find("textarea", {"name": "sections-0-body"}).text.strip() == (
        "The pending version."
    )
    assert Article.objects.get(pk=article.pk).status == S.PUBLISHED


def test_the_workflow_fields_are_not_kept(client, editor, author):
    article = draft(author)
    client.force_login(editor)
    data = opened(client, article)
    data.update({"transition": [S.IN_REVIEW], "note": ["Looks good"], "_save": ["Save"]})

    autosave(client, article, data)

    kept = Autosave.objects.get(article=article, user=editor).data
    assert "transition" not in kept and "note" not in kept and "_save" not in kept
    assert "csrfmiddlewaretoken" not in kept
    page = shown(client.get(change_url(article)))
    selected = page.find("select", {"name": "transition"}).find("option", selected=True)
    assert selected is None or selected["value"] == ""


def test_discarding_opens_the_article_as_stored(client, author):
    article = draft(author)
    client.force_login(author)
    data = opened(client, article)
    data["title"] = ["Grain talks resume"]
    autosave(client, article, data)
    url = f"/admin/articles/article/{article.pk}/autosave/discard/"

    assert client.get(url).status_code == 405
    response = client.post(url, data)

    assert response.status_code == 302 and response.url == change_url(article)
    assert not Autosave.objects.exists()
    assert services.article_discard_autosave(article=article, user=author) is False
    page = shown(client.get(change_url(article)))
    assert page.find("input", {"name": "title"})["value"] == "Grain talks"


def test_text_over_the_bounds_is_refused_and_the_last_autosave_kept(client, author):
    article = draft(author)
    client.force_login(author)
    data = opened(client, article)
    data["title"] = ["Kept title"]
    autosave(client, article, data)

    for field, value in (
        ("sections-0-body", "x" * (MAX_LENGTH + 1)),
        ("sections-0-body", "".join("  " * depth + "- item\n" for depth in range(300))),
        ("summary", "y" * 20_001),
    ):
        response = autosave(client, article, {**data, field: [value], "title": ["Lost"]})
        assert response.status_code == 400, field
        assert (
            response.json()["error"].startswith("Not autosaved")
            or "characters" in (response.json()["error"])
        )
    assert Autosave.objects.get(article=article).data["title"] == ["Kept title"]


def test_only_those_who_may_edit_the_article_autosave_it(client, author, editor):
    article = draft(editor)
    other_journalist = staff_member("Journalists", "other")
    analyst = staff_member("Bias analysts", "analyst")
    data = change_form_data(
        (client.force_login(editor) or client.get(change_url(article))).content.decode()
    )
    for person in (other_journalist, analyst):
        client.force_login(person)
        assert autosave(client, article, data).status_code == 404
    own = draft(author)
    services.article_transition(article=own, target=S.IN_REVIEW, user=author)
    client.force_login(author)  # sees their submitted draft, may no longer edit it
    assert autosave(client, own, data).status_code == 403
    with pytest.raises(services.WorkflowError):
        services.article_autosave(article=own, user=author, posted=data_of(data))
    assert not Autosave.objects.exists()


def data_of(data):
    from django.http import QueryDict

    posted = QueryDict(mutable=True)
    for name, values in data.items():
        posted.setlist(name, values)
    return posted


def test_an_autosave_of_an_article_no_longer_theirs_to_edit_is_not_shown(client, author):
    article = draft(author)
    client.force_login(author)
    data = opened(client, article)
    data["title"] = ["Grain talks resume"]
    autosave(client, article, data)
    services.article_transition(article=article, target=S.IN_REVIEW, user=author)

    page = shown(client.get(change_url(article)))

    assert "Your unsaved changes are back." not in page.get_text()
    assert "Grain talks resume" not in page.get_text()


def test_a_colleagues_save_since_the_autosave_shows_beside_the_autosaved_text(
    client, author, editor
):
    article = draft(author)
    client.force_login(author)
    data = opened(client, article)
    data["title"] = ["Author's title"]
    autosave(client, article, data)
    client.force_login(editor)
    theirs = opened(client, article)
    theirs["title"] = ["Editor's title"]
    assert client.post(change_url(article), theirs).status_code == 302

    client.force_login(author)
    page = shown(client.get(change_url(article)))

    conflict = page.select_one("section.conflict")
    assert conflict is not None
    assert "Editor's title" in conflict.get_text() and "Author's title" in conflict.get_text()
    assert page.find("input", {"name": "title"})["value"] == "Author's title"
    assert Article.objects.get(pk=article.pk).title == "Editor's title"


def test_an_autosave_from_before_the_editors_own_save_is_refused(client, author):
    article = draft(author)
    client.force_login(author)
    data = opened(client, article)
    assert client.post(change_url(article), {**data, "title": ["Saved title"]}).status_code == 302

    response = autosave(client, article, {**data, "title": ["Older typing"]})

    assert response.status_code == 400
    assert "you have saved this article since" in response.json()["error"]
    assert not Autosave.objects.exists()


def test_the_history_shows_the_editors_own_autosave_and_its_preview(client, author, editor):
    article = draft(author)
    client.force_login(author)
    data = opened(client, article)
    data["sections-0-body"] = ["The typed **version**."]
    autosave(client, article, data)
    history = f"/admin/articles/article/{article.pk}/revisions/"
    preview = f"/admin/articles/article/{article.pk}/autosave/preview/"

    page = shown(client.get(history))
    assert page.find("h2", string="Autosave") is not None
    response = client.get(preview)
    assert response.status_code == 200
    assert "The typed <strong>version</strong>." in response.content.decode()

    client.force_login(editor)  # another person's unsaved text is theirs alone
    assert shown(client.get(history)).find("h2", string="Autosave") is None
    assert client.get(preview).status_code == 404


def test_an_autosave_naming_rows_that_are_gone_or_anothers_opens_with_errors_and_saves_nothing(
    client, author, editor
):
    article = draft(author)
    SectionFactory(article=article, body="A second section.")
    victim = ArticleFactory(title="Someone else's story")
    foreign = SectionFactory(article=victim, body="Not yours.")
    client.force_login(author)
    data = opened(client, article)
    # One of the rows the page knew is deleted meanwhile; another is posted as a section
    # of a published article.
    gone = article.sections.get(body="A second section.")
    data["sections-0-id"] = [str(foreign.pk)]
    data["sections-0-body"] = ["Taken over."]
    autosave(client, article, data)
    gone.delete()

    response = client.get(change_url(article))

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select(".errornote, .errorlist")
    assert victim.sections.get().body == "Not yours."
    assert Article.objects.get(pk=article.pk).sections.count() == 1


def test_each_field_is_kept_up_to_its_bound_and_once(client, author):
    article = draft(author)
    client.force_login(author)
    data = opened(client, article)
    data["summary"] = ["y" * 20_000]  # the most any field holds
    data["title"] = ["First", "Second"]  # a field posted twice keeps its first value

    assert autosave(client, article, data).status_code == 200

    kept = Autosave.objects.get(article=article).data
    assert kept["summary"] == ["y" * 20_000] and kept["title"] == ["First"]


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "²", "٣", "9" * 30, "99"])
def test_an_autosave_without_a_readable_version_begins_from_the_stored_one(client, author, version):
    article = draft(author)
    client.force_login(author)
    data = opened(client, article)
    del data["loaded_version"]
    if version is not None:
        data["loaded_version"] = [version]

    assert autosave(client, article, data).status_code == 200

    assert Autosave.objects.get(article=article).loaded_version == article.version


def test_saving_or_discarding_one_article_leaves_the_editors_other_autosaves(client, author):
    first, second = draft(author), draft(author, slug="second")
    client.force_login(author)
    for article in (first, second):
        autosave(client, article, {**opened(client, article), "title": ["Typed"]})

    client.post(f"/admin/articles/article/{first.pk}/autosave/discard/")
    assert list(Autosave.objects.values_list("article", flat=True)) == [second.pk]
    autosave(client, first, {**opened(client, first), "title": ["Typed"]})
    assert client.post(change_url(second), opened(client, second)).status_code == 302
    assert list(Autosave.objects.values_list("article", flat=True)) == [first.pk]


def test_after_their_own_save_an_editor_autosaves_from_the_page_it_opened(client, author):
    article = draft(author)
    client.force_login(author)
    assert client.post(change_url(article), opened(client, article)).status_code == 302
    data = opened(client, article)  # the saved version, reopened
    data["title"] = ["Typed after saving"]

    assert autosave(client, article, data).status_code == 200
    assert services.article_discard_autosave(article=article, user=author) is True


def test_an_autosave_of_an_article_deleted_meanwhile_is_refused(editor, author):
    article = draft(author)
    services.article_delete(article=Article.objects.get(pk=article.pk), user=editor)
    with pytest.raises(services.WorkflowError, match="has been deleted"):
        services.article_autosave(article=article, user=editor, posted=data_of({}))
    assert not Autosave.objects.exists()
