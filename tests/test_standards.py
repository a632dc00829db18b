"""The newsroom's standards (the Trust Project's indicators): pages at fixed addresses with
a first text from a migration, edited by editors only, linked from every article and named
in the site's NewsMediaOrganization JSON-LD; each article's type and "How we reported this"."""

import json

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from articles import services
from articles.models import Article
from newsroom.demo.loader import load_seed_article
from newsroom.models import Standard, StandardsPage
from newsroom.standards.services import StandardsError, standards_page_save
from tests.factories import ArticleFactory, SectionFactory, staff_member
from tests.helpers import admin_save

pytestmark = pytest.mark.django_db

POLICY_PROPERTIES = {
    "publishingPrinciples": "/standards/",
    "correctionsPolicy": "/standards/corrections/",
    "ethicsPolicy": "/standards/ethics/",
    "ownershipFundingInfo": "/standards/ownership/",
    "masthead": "/standards/masthead/",
    "unnamedSourcesPolicy": "/standards/unnamed-sources/",
    "verificationFactCheckingPolicy": "/standards/verification/",
    "actionableFeedbackPolicy": "/standards/feedback/",
}


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return BeautifulSoup(response.content, "html.parser")


def json_lds(soup) -> list[dict]:
    return [
        json.loads(script.string)
        for script in soup.find_all("script", attrs={"type": "application/ld+json"})
    ]


@pytest.fixture
def editor():
    return staff_member("Editors", "editor")


def test_a_fresh_site_has_every_standards_page_with_text(client):
    assert set(StandardsPage.objects.values_list("kind", flat=True)) == set(Standard.values)
    for kind in Standard:
        soup = soup_of(client, f"/standards/{kind.value}/")
        assert soup.h1.get_text() == kind.label
        assert soup.select_one(".standards__body p").get_text().strip()


def test_the_index_lists_every_standard_and_how_bias_is_rated(client):
    links = {a["href"] for a in soup_of(client, "/standards/").select(".standards-index a")}
    assert links == {f"/standards/{kind}/" for kind in Standard.values} | {"/bias/"}


def test_an_unknown_standard_answers_404(client):
    assert client.get("/standards/no-such-thing/").status_code == 404


@pytest.mark.parametrize("url", ["/standards/", "/standards/ethics/"])
def test_standards_pages_cost_one_query(client, django_assert_num_queries, url):
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_an_editor_rewrites_a_page_in_the_admin_and_readers_see_it_through_the_cache(
    client, editor, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    reader = Client()
    assert "in the open" not in reader.get("/standards/corrections/").content.decode()
    page = StandardsPage.objects.get(kind=Standard.CORRECTIONS)
    client.force_login(editor)
    response = client.post(
        f"/admin/newsroom/standardspage/{page.pk}/change/",
        {"summary": "How we correct.", "body": "We correct **in the open**.", "_save": "Save"},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.body_html.strip() == "<p>We correct <strong>in the open</strong>.</p>"
    assert page.updated_by == editor
    shown = reader.get("/standards/corrections/").content.decode()
    assert "<strong>in the open</strong>" in shown
    assert "How we correct." in reader.get("/standards/").content.decode()


def test_markup_a_reader_could_be_harmed_by_is_removed(editor):
    page = StandardsPage.objects.get(kind=Standard.ETHICS)
    page.body = "<script>alert(1)</script>[x](javascript:alert(1))"
    standards_page_save(page=page, user=editor)
    assert "<script" not in page.body_html and 'href="javascript' not in page.body_html


def test_only_editors_change_the_pages(client):
    journalist = staff_member("Journalists", "journalist")
    page = StandardsPage.objects.get(kind=Standard.ETHICS)
    page.body = "Rewritten."
    with pytest.raises(StandardsError):
        standards_page_save(page=page, user=journalist)
    client.force_login(journalist)
    assert client.get(f"/admin/newsroom/standardspage/{page.pk}/change/").status_code == 403
    page.refresh_from_db()
    assert page.body != "Rewritten."


def test_the_set_of_pages_is_fixed(client, editor):
    client.force_login(editor)
    assert client.get("/admin/newsroom/standardspage/add/").status_code == 403
    page = StandardsPage.objects.get(kind=Standard.MASTHEAD)
    assert client.get(f"/admin/newsroom/standardspage/{page.pk}/delete/").status_code == 403
    with pytest.raises(StandardsError):
        standards_page_save(page=StandardsPage(kind=Standard.MASTHEAD, summary="x", body="y"),
                            user=editor)  # fmt: skip


def test_a_text_past_its_bound_is_a_form_error(client, editor):
    page = StandardsPage.objects.get(kind=Standard.FEEDBACK)
    client.force_login(editor)
    response = client.post(
        f"/admin/newsroom/standardspage/{page.pk}/change/",
        {"summary": "Reach us.", "body": "x" * 20_001, "_save": "Save"},
    )
    assert response.status_code == 200 and "20,000 characters" in response.content.decode()


# Machine-readable: the organization and its policies


def test_the_seed_articles_json_ld_names_the_organizations_policies(client):
    article, _ = load_seed_article()
    [data] = json_lds(soup_of(client, article.get_absolute_url()).head)
    publisher = data["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization"
    for name, path in POLICY_PROPERTIES.items():
        assert publisher[name] == f"http://testserver{path}", name


@pytest.mark.parametrize("url", ["/", "/standards/"])
def test_the_home_and_standards_pages_describe_the_organization(client, url):
    [data] = json_lds(soup_of(client, url).head)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsMediaOrganization" and data["name"] == "Newsroom"
    assert {name: data[name] for name in POLICY_PROPERTIES} == {
        name: f"http://testserver{path}" for name, path in POLICY_PROPERTIES.items()
    }


def test_every_article_links_to_the_standards(client):
    article = ArticleFactory()
    SectionFactory(article=article)
    links = soup_of(client, article.get_absolute_url()).select(".article__standards a")
    hrefs = {link["href"] for link in links}
    assert {f"/standards/{kind}/" for kind in Standard.values} <= hrefs
    assert {"/standards/", "/bias/", "/corrections/"} <= hrefs


# An article's type and backstory


def test_the_editor_chooses_the_type_and_readers_and_machines_see_it(client):
    editor = staff_member("Editors", "editor")
    article = ArticleFactory(title="What the talks mean")
    client.force_login(editor)
    response = admin_save(
        client, article, article_type="analysis", backstory="We spoke to both delegations."
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.article_type == Article.Type.ANALYSIS
    reader = Client()
    soup = soup_of(reader, article.get_absolute_url())
    assert soup.select_one(".article__type").get_text() == "Analysis"
    backstory = soup.find("section", class_="backstory")
    assert backstory.h2.get_text() == "How we reported this"
    assert "We spoke to both delegations." in backstory.get_text()
    [data] = json_lds(soup.head)
    assert data["@type"] == "AnalysisNewsArticle"
    assert data["backstory"] == "We spoke to both delegations."


@pytest.mark.parametrize(
    ("article_type", "schema_type"),
    [("reportage", "ReportageNewsArticle"), ("opinion", "OpinionNewsArticle"),
     ("background", "BackgroundNewsArticle"), ("review", "ReviewNewsArticle")],
)  # fmt: skip
def test_each_type_is_a_schema_org_news_article(client, article_type, schema_type):
    article = ArticleFactory(article_type=article_type)
    [data] = json_lds(soup_of(client, article.get_absolute_url()).head)
    assert data["@type"] == schema_type


def test_without_a_backstory_there_is_no_section(client):
    article = ArticleFactory()
    soup = soup_of(client, article.get_absolute_url())
    assert soup.find("section", class_="backstory") is None
    assert "backstory" not in json_lds(soup.head)[0]


def test_an_edit_posted_without_a_type_keeps_it(client):
    editor = staff_member("Editors", "editor")
    article = ArticleFactory(article_type=Article.Type.OPINION)
    client.force_login(editor)
    assert admin_save(client, article).status_code == 302
    article.refresh_from_db()
    assert article.article_type == Article.Type.OPINION


def test_restoring_a_revision_brings_back_its_type_and_backstory(editor):
    article = ArticleFactory(article_type=Article.Type.REPORTAGE, backstory="First account.")
    SectionFactory(article=article)
    services.article_record_revision(article=article, user=editor, comment="First")
    first = services.article_restore_revision  # the service under test
    from articles.revisions import versions_of

    [version] = versions_of(article)
    article.article_type, article.backstory = Article.Type.OPINION, "Second account."
    article.save()
    first(article=article, version=version, user=editor)
    article.refresh_from_db()
    assert (article.article_type, article.backstory) == ("reportage", "First account.")
