from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import news_language
from newsroom.demo import seed
from newsroom.demo.loader import load_seed_article
from tests.articles.unpublished import unpublished_states
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
# The index asks each section for its last change and its number of pages;
# a sitemap page counts its items, then reads them.
INDEX_QUERIES = 4
SITEMAP_QUERIES = 2
SECTIONS = ["/sitemap-articles.xml", "/sitemap-tags.xml"]
ALL_SITEMAPS = [*SECTIONS, "/sitemap-news.xml"]


def sitemap(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def locations(root) -> list[str]:
    return [loc.text for loc in root.findall("sm:url/sm:loc", NS)]


def locations_of_index(root) -> list[str]:
    return [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]


def all_urls(client) -> dict:
    """Every <url> of every sitemap the index names, by location."""
    index = sitemap(client, "/sitemap.xml")
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    urls = {}
    for address in locations_of_index(index):
        root = sitemap(client, address.removeprefix("http://testserver"))
        assert root.tag == f"{{{NS['sm']}}}urlset"
        for url in root.findall("sm:url", NS):
            urls[url.findtext("sm:loc", namespaces=NS)] = url
    return urls


def test_sitemap_index_names_the_article_and_tag_sitemaps_with_lastmod(client):
    load_seed_article()
    index = sitemap(client, "/sitemap.xml")
    entries = {
        entry.findtext("sm:loc", namespaces=NS): entry.findtext("sm:lastmod", namespaces=NS)
        for entry in index.findall("sm:sitemap", NS)
    }
    assert set(entries) == {f"http://testserver{url}" for url in SECTIONS}
    assert entries["http://testserver/sitemap-tags.xml"] == "2025-05-16T07:00:00+00:00"
    assert entries["http://testserver/sitemap-articles.xml"] > "2025-05-16"


def test_sitemaps_list_articles_with_lastmod_and_tags(client):
    load_seed_article()
    urls = all_urls(client)
    article_url = f"http://testserver/articles/{seed.SLUG}/"
    assert urls[article_url].findtext("sm:lastmod", namespaces=NS)
    tag_urls = {f"http://testserver/tags/{tag.lower()}/" for tag in seed.TAGS}
    assert set(urls) == {article_url, *tag_urls}
    assert urls["http://testserver/tags/istanbul/"].findtext("sm:lastmod", namespaces=NS) == (
        "2025-05-16"
    )


def test_article_lastmod_follows_the_latest_edit(client):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=10))
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=3))
    root = sitemap(client, "/sitemap-articles.xml")
    lastmods = [url.findtext("sm:lastmod", namespaces=NS) for url in root.findall("sm:url", NS)]
    assert (timezone.now() - timedelta(days=3)).date().isoformat() in lastmods


def test_news_sitemap_lists_articles_of_the_last_48_hours(client):
    recent = ArticleFactory(title="Talks & <tea>", published_at=timezone.now() - timedelta(hours=3))
    ArticleFactory(title="Old news", published_at=timezone.now() - timedelta(hours=49))
    root = sitemap(client, "/sitemap-news.xml")
    [url] = root.findall("sm:url", NS)
    assert url.findtext("sm:loc", namespaces=NS) == f"http://testserver{recent.get_absolute_url()}"
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsroom"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Talks & <tea>"
    published = news.findtext("news:publication_date", namespaces=NS)
    assert published == recent.published_at.isoformat()


def test_news_sitemap_without_recent_articles_is_an_empty_urlset(client):
    load_seed_article()
    assert locations(sitemap(client, "/sitemap-news.xml")) == []


@pytest.mark.parametrize(("code", "expected"), [("en-us", "en"), ("fr", "fr"), ("zh-TW", "zh-tw")])
def test_news_language(code, expected):
    assert news_language(code) == expected


def test_long_sitemaps_are_split_into_pages_the_index_names(client, monkeypatch):
    monkeypatch.setattr("articles.sitemaps.ArticleSitemap.limit", 2)
    articles = ArticleFactory.create_batch(5)
    index = locations_of_index(sitemap(client, "/sitemap.xml"))
    pages = [url for url in index if "sitemap-articles" in url]
    assert pages == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
        "http://testserver/sitemap-articles.xml?p=3",
    ]
    found = set()
    for page in pages:
        found.update(locations(sitemap(client, page.removeprefix("http://testserver"))))
    assert found == {f"http://testserver{article.get_absolute_url()}" for article in articles}


@unpublished_states
def test_sitemaps_list_no_unpublished_url(client, status, published_at):
    ArticleFactory(slug="public-story", tags=["talks"])
    hidden = ArticleFactory(
        slug="embargoed-story",
        status=status,
        published_at=published_at,
        tags=["talks", "secret-source"],
    )
    bodies = [client.get(url).content.decode() for url in ["/sitemap.xml", *ALL_SITEMAPS]]
    assert "http://testserver/articles/public-story/" in locations(
        ElementTree.fromstring(bodies[1])
    )
    assert "http://testserver/articles/public-story/" in locations(
        ElementTree.fromstring(bodies[3])
    )
    for body in bodies:
        assert hidden.slug not in body
        assert "secret-source" not in body


@pytest.mark.parametrize("count", [10, 50])
def test_sitemap_query_counts_are_fixed(client, django_assert_num_queries, count):
    for n in range(count):
        ArticleFactory(tags=[f"tag {n}", "shared"])
    with django_assert_num_queries(INDEX_QUERIES):
        sitemap(client, "/sitemap.xml")
    expected = {"/sitemap-articles.xml": count, "/sitemap-tags.xml": count + 1}
    expected["/sitemap-news.xml"] = count
    for url, urls in expected.items():
        with django_assert_num_queries(SITEMAP_QUERIES):
            assert len(locations(sitemap(client, url))) == urls


def test_robots_txt_names_both_sitemaps_and_keeps_out_admin_and_previews(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /admin/", "Disallow: /preview/", "Allow: /"} <= set(lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


def test_robots_txt_uses_the_requests_scheme_and_host(client, settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    body = client.get("/robots.txt", secure=True, headers={"host": "news.example.org"})
    assert "Sitemap: https://news.example.org/sitemap.xml" in body.content.decode()
