from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.utils import timezone

from articles.demo import seed
from articles.demo.loader import load_seed_article
from articles.models import Article
from articles.sitemaps import news_language
from tests.articles.unpublished import unpublished_states
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
# Each sitemap section counts its items, then reads them.
SITEMAP_QUERIES = 4
NEWS_SITEMAP_QUERIES = 2


def sitemap(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def locations(root) -> list[str]:
    return [loc.text for loc in root.findall("sm:url/sm:loc", NS)]


def test_sitemap_lists_articles_with_lastmod_and_tags(client):
    load_seed_article()
    root = sitemap(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['sm']}}}urlset"
    urls = {url.findtext("sm:loc", namespaces=NS): url for url in root.findall("sm:url", NS)}
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
    root = sitemap(client, "/sitemap.xml")
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


@unpublished_states
@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-news.xml"])
def test_sitemaps_list_no_unpublished_url(client, url, status, published_at):
    ArticleFactory(slug="public-story", tags=["talks"])
    hidden = ArticleFactory(
        slug="embargoed-story",
        status=status,
        published_at=published_at,
        tags=["talks", "secret-source"],
    )
    response = client.get(url)
    found = locations(ElementTree.fromstring(response.content))
    assert "http://testserver/articles/public-story/" in found
    assert hidden.slug not in response.content.decode()
    assert "secret-source" not in response.content.decode()


@pytest.mark.parametrize("count", [10, 50])
def test_sitemap_query_counts_are_fixed(client, django_assert_num_queries, count):
    for n in range(count):
        ArticleFactory(tags=[f"tag {n}", "shared"])
    with django_assert_num_queries(SITEMAP_QUERIES):
        root = sitemap(client, "/sitemap.xml")
    assert len(locations(root)) == count + count + 1
    with django_assert_num_queries(NEWS_SITEMAP_QUERIES):
        assert len(locations(sitemap(client, "/sitemap-news.xml"))) == count


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
