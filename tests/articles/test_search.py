import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.utils import timezone

from articles import search, services
from articles.models import Article
from newsroom.demo import seed
from newsroom.demo.loader import load_seed_article
from tests.articles.unpublished import unpublished_states
from tests.factories import ArticleFactory, SectionFactory, UserFactory, staff_member
from tests.helpers import article_post_data

pytestmark = pytest.mark.django_db

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")

# A results page: the count, the page of articles. The header and form cost nothing.
SEARCH_PAGE_QUERIES = 2


def result_titles(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [h2.get_text(strip=True) for h2 in soup.select(".search-result__title")]


def search_for(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("query", ["Medinsky", "ceasefire", "medinsky ceasefire", "Istanbul"])
def test_search_finds_the_seed_article(client, query):
    load_seed_article()
    assert result_titles(search_for(client, query)) == [seed.TITLE]


def test_search_words_in_sections_only_are_found(client):
    article = ArticleFactory(title="Grain corridor", summary="Ships move again.")
    SectionFactory(article=article, body="Inspectors counted *seventeen* freighters.")
    assert result_titles(search_for(client, "freighters")) == ["Grain corridor"]


def test_empty_query_shows_the_form_and_no_results(client, django_assert_num_queries):
    ArticleFactory(title="Anything at all")
    with django_assert_num_queries(0):
        response = client.get("/search/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert soup.select_one("main form[role=search] input[name=q]") is not None
    assert result_titles(response) == []
    assert "result" not in soup.main.get_text().replace("Search results", "")


def test_no_match_says_so(client):
    ArticleFactory(title="Grain corridor")
    body = search_for(client, "zeppelin").content.decode()
    assert "0 results" in body and "No published article matches" in body


@unpublished_states
def test_search_never_returns_unpublished_articles(client, status, published_at):
    ArticleFactory(title="Public zeppelin story", slug="public-zeppelin")
    hidden = ArticleFactory(
        title="Embargoed zeppelin story",
        slug="embargoed-zeppelin",
        summary="Zeppelin exclusive.",
        status=status,
        published_at=published_at,
    )
    SectionFactory(article=hidden, body="Zeppelin details.")
    response = search_for(client, "zeppelin")
    assert result_titles(response) == ["Public zeppelin story"]
    assert hidden.slug not in response.content.decode()
    assert "1 result " in response.content.decode()


def test_title_match_ranks_above_body_match(client):
    # The body match is newer, so only the ranking can put the title match first.
    body_match = ArticleFactory(
        title="Harbour talks", published_at=timezone.now() - timedelta(minutes=5)
    )
    SectionFactory(article=body_match, body="The envoys spoke of a ceasefire at length.")
    ArticleFactory(
        title="Ceasefire holds",
        summary="Quiet night.",
        published_at=timezone.now() - timedelta(days=2),
    )
    titles = result_titles(search_for(client, "ceasefire"))
    assert titles == ["Ceasefire holds", "Harbour talks"]


@needs_postgres
def test_summary_match_ranks_above_section_match(client):
    section_match = ArticleFactory(title="Harbour talks", summary="Envoys met.")
    SectionFactory(article=section_match, body="A ceasefire was discussed.")
    ArticleFactory(
        title="Night in the capital",
        summary="A ceasefire held overnight.",
        published_at=timezone.now() - timedelta(days=2),
    )
    titles = result_titles(search_for(client, "ceasefire"))
    assert titles == ["Night in the capital", "Harbour talks"]


@needs_postgres
def test_search_stems_words_and_reads_web_search_syntax(client):
    ArticleFactory(title="Negotiators negotiate", summary="Talks.")
    ArticleFactory(title="Weather report", summary="Rain negotiating the hills.")
    assert set(result_titles(search_for(client, "negotiations"))) == {
        "Negotiators negotiate",
        "Weather report",
    }
    assert result_titles(search_for(client, "negotiate -rain")) == ["Negotiators negotiate"]
    assert result_titles(search_for(client, '"weather report"')) == ["Weather report"]


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "ceasefire " * 2_000,
        "!!!",
        "&|!():*<>'\"\\",
        "a & | ! :*",
        "ceasefire & | ! :*",
        "'; DROP TABLE articles_article; --",
        "%_%",
        "nul\x00byte",
        "-",
        '"',
        "Україна",
    ],
    # Plain ASCII ids: pytest escapes any other id once more in each later session of one
    # process, and mutmut runs a test by its id in several.
    ids=[
        "long-word",
        "repeated-word",
        "bangs",
        "operators-and-quotes",
        "spaced-operators",
        "word-and-operators",
        "sql",
        "percent",
        "nul",
        "dash",
        "double-quote",
        "cyrillic",
    ],
)
def test_any_query_answers_200(client, query):
    load_seed_article()
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert Article.objects.filter(slug=seed.SLUG).exists()


@pytest.mark.parametrize("raw", ["q=%ED%A0%80", "q=%FF%FE", "q=%00", "q=a&q=b", "q"])
def test_undecodable_or_odd_query_strings_answer_200(client, raw):
    response = client.get(f"/search/?{raw}")
    assert response.status_code == 200


def test_long_query_is_capped(client):
    response = search_for(client, "x" * 10_000)
    assert len(response.context["query"]) == search.MAX_QUERY_LENGTH
    assert len(BeautifulSoup(response.content, "html.parser").find(id="search-q")["value"]) == 200


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  ceasefire  ", "ceasefire"),
        ("nul\x00byte", "nul byte"),
        ("tab\tand\nline", "tab and line"),
        ("lone\ud800surrogate", "lone surrogate"),
        ("Не\u200cбо", "Не\u200cбо"),
        ("x" * 300, "x" * 200),
    ],
    ids=["padded", "nul", "tab-and-newline", "lone-surrogate", "zero-width-non-joiner", "long"],
)
def test_clean_query(raw, cleaned):
    assert search.clean_query(raw) == cleaned


def test_snippets_escape_article_text_and_mark_only_the_match(client):
    article = ArticleFactory(
        title="Markup <b>inside</b>",
        summary="A <script>alert('ceasefire')</script> & a ceasefire.",
    )
    SectionFactory(article=article, body="<img src=x onerror=alert(1)> ceasefire")
    body = search_for(client, "ceasefire").content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body and "<b>inside" not in body
    soup = BeautifulSoup(body, "html.parser")
    snippet = soup.select_one(".search-result__snippet")
    assert [mark.get_text().lower() for mark in snippet.find_all("mark")][:1] == ["ceasefire"]
    assert {child.name for child in snippet.find_all(True)} == {"mark"}


START, STOP = search.START_MARK, search.STOP_MARK


@pytest.mark.parametrize(
    ("source", "plain"),
    [
        ("- **ceasefire** agreed\n- talks *resume*", "ceasefire agreed talks resume"),
        ("## Outlook\n1. See [the text](https://example.org/x) now", "Outlook See the text now"),
        ("3 * 4 = 12, snake_case stays", "3 * 4 = 12, snake_case stays"),
        (f"- {START}ceasefire{STOP}", f"{START}ceasefire{STOP}"),
    ],
)
def test_snippets_read_as_plain_text(source, plain):
    assert search.plain_snippet(source) == plain


def test_highlighted_closes_every_mark():
    html = search.highlighted(f"a {search.START_MARK}b <i>{search.STOP_MARK} c {search.STOP_MARK}")
    assert html == "a <mark>b &lt;i&gt;</mark> c "
    unbalanced = search.highlighted(f"{search.START_MARK}{search.START_MARK}x")
    assert unbalanced == "x"


def test_results_are_paginated_and_keep_the_query(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    for hours in range(5):
        ArticleFactory(
            title=f"Ceasefire day {hours}", published_at=timezone.now() - timedelta(hours=hours + 1)
        )
    first = search_for(client, "ceasefire")
    soup = BeautifulSoup(first.content, "html.parser")
    assert soup.select_one("a[rel=next]")["href"] == "?q=ceasefire&page=2"
    third = search_for(client, "ceasefire", page=3)
    assert len(result_titles(third)) == 1 and "Page 3 of 3" in third.content.decode()
    assert client.get("/search/", {"q": "ceasefire", "page": "9"}).status_code == 404


@pytest.mark.parametrize("count", [10, 50])
def test_search_page_query_count_is_fixed(client, settings, django_assert_num_queries, count):
    settings.NEWSROOM_PAGE_SIZE = 50
    author = UserFactory()
    for n in range(count):
        article = ArticleFactory(title=f"Ceasefire report {n}", author=author, tags=["a", "b"])
        SectionFactory(article=article, body="The ceasefire held.")
        SectionFactory(article=article, body="Observers agreed.")
    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get("/search/", {"q": "ceasefire"})
    assert response.status_code == 200
    assert len(result_titles(response)) == count


def test_header_has_a_labelled_search_box(client):
    ArticleFactory()
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    form = soup.select_one("header form[role=search]")
    assert form["action"] == "/search/" and form["method"] == "get"
    field = form.find("input", attrs={"name": "q"})
    assert form.find("label", attrs={"for": field["id"]}).get_text(strip=True)


def test_search_page_has_one_h1_and_unique_ids(client):
    load_seed_article()
    soup = BeautifulSoup(search_for(client, "Medinsky").content, "html.parser")
    assert len(soup.find_all("h1")) == 1
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    for field in soup.find_all("input", attrs={"type": "search"}):
        assert soup.find("label", attrs={"for": field["id"]})


class TestSearchVectorIsKeptInSync:
    """Every write path that changes an article's text refreshes its vector."""

    pytestmark = needs_postgres

    def vector(self, article):
        return Article.objects.values_list("search_vector", flat=True).get(pk=article.pk).lower()

    def test_article_save(self):
        editor = UserFactory(is_superuser=True)
        article = ArticleFactory(title="Old words")
        article.refresh_from_db()
        article.title = "Zeppelin arrives"
        services.article_save(article=article, user=editor, expected_version=article.version)
        assert "'zeppelin':1a" in self.vector(article)

    def test_admin_save_with_its_sections(self, client):
        client.force_login(staff_member("Editors"))
        data = article_post_data(**{"sections-1-body": "Zeppelins over the Bosphorus."})
        assert client.post("/admin/articles/article/add/", data).status_code == 302
        article = Article.objects.get(slug=data["slug"])
        assert re.search(r"'zeppelin':\d+c\b", self.vector(article))
        assert "'istanbul':4a" in self.vector(article)

    def test_article_replace_body(self):
        article = ArticleFactory()
        services.article_replace_body(
            article=article,
            sections=[{"kind": "text", "body": "Zeppelins everywhere.", "position": 0}],
            delegations=[],
        )
        assert re.search(r"'zeppelin':\d+c\b", self.vector(article))

    def test_article_restore_revision(self):
        from reversion.models import Version

        editor = UserFactory(is_superuser=True)
        article = ArticleFactory(title="Zeppelin first")
        SectionFactory(article=article, body="Original body")
        services.article_record_revision(article=article, user=editor, comment="first")
        article.refresh_from_db()
        article.title = "Something else"
        services.article_save(article=article, user=editor, expected_version=article.version)
        assert "zeppelin" not in self.vector(article)
        version = Version.objects.get_for_object(article).last()
        services.article_restore_revision(article=article, version=version, user=editor)
        assert "'zeppelin':1a" in self.vector(article)
        assert "'origin'" in self.vector(article)

    def test_rebuild_command_reindexes_every_article(self):
        from django.core.management import call_command

        article = ArticleFactory(title="Zeppelin over the Bosphorus")
        Article.objects.update(search_vector=None)
        call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert "'zeppelin':1a" in self.vector(article)

    def test_demo_article_is_indexed(self):
        article, _ = load_seed_article()
        assert "'medinski'" in self.vector(article)


# Delegations: parties, their notes, and their members' names and roles are searched too


@pytest.mark.parametrize("query", ["Galuzin", "Deputy Foreign Minister", "Fomin Medinsky"])
def test_search_finds_the_seed_article_by_its_delegations(client, query):
    load_seed_article()
    assert result_titles(search_for(client, query)) == [seed.TITLE]


def delegation_article(**kwargs):
    article = ArticleFactory(title="Harvest talks", **kwargs)
    services.article_replace_body(
        article=article,
        sections=[{"kind": "text", "body": "Grain corridors were discussed.", "position": 0}],
        delegations=[
            {
                "party": "Moldova",
                "notes": "- Arrived from Chisinau overnight.",
                "position": 0,
                "members": [
                    {
                        "name": "Oksana Zhovtenko",
                        "role": "Grain envoy",
                        "is_head": True,
                        "position": 0,
                    },
                ],  # fmt: skip
            }
        ],
    )
    return article


@pytest.mark.parametrize("query", ["Moldova", "Chisinau", "Zhovtenko", "envoy"])
def test_a_party_its_notes_and_its_members_names_and_roles_are_found(client, query):
    delegation_article()
    ArticleFactory(title="Unrelated story")
    assert result_titles(search_for(client, query)) == ["Harvest talks"]


def test_delegations_of_unpublished_articles_stay_hidden(client):
    delegation_article(status=Article.Status.DRAFT, published_at=None)
    assert result_titles(search_for(client, "Zhovtenko")) == []


@needs_postgres
def test_the_snippet_shows_the_member_who_matched(client):
    delegation_article()
    soup = BeautifulSoup(search_for(client, "Zhovtenko").content, "html.parser")
    assert [mark.get_text() for mark in soup.select(".search-result__snippet mark")] == [
        "Zhovtenko"
    ]


@needs_postgres
def test_the_migration_refreshes_the_vectors_kept_before_delegations_counted():
    """Vectors stored before this change hold no delegation: the data migration adds them."""
    import importlib

    from django.apps import apps
    from django.contrib.postgres.search import SearchVector
    from django.db import connection as db
    from django.db.models import Value

    article = delegation_article()
    Article.objects.filter(pk=article.pk).update(search_vector=SearchVector(Value("Harvest")))
    assert not Article.objects.filter(search_vector="zhovtenko").exists()
    migration = importlib.import_module("articles.migrations.0013_search_delegations")
    with db.schema_editor() as schema_editor:
        migration.refresh_vectors(apps, schema_editor)
    assert Article.objects.filter(search_vector="zhovtenko").get() == article
