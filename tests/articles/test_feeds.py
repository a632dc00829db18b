import html
from datetime import timedelta

import feedparser
import pytest
import time_machine
from defusedxml import ElementTree
from django.utils import timezone

from articles import services
from articles.models import Article
from newsroom.demo import seed
from newsroom.demo.loader import load_seed_article
from tests.articles.unpublished import unpublished_states
from tests.factories import ArticleFactory, ImageFactory, RatingFactory, UserFactory

pytestmark = pytest.mark.django_db

FEEDS = ["/feeds/latest/", "/feeds/tags/diplomacy/"]
# The freshness check, the articles, their tags, their renditions, their corrections; the tag
# feed adds the tag.
FEED_QUERIES = {"/feeds/latest/": 5, "/feeds/tags/shared/": 6}


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/rss+xml")
    return response


def parse(response):
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    return parsed


@pytest.mark.parametrize("url", ["/feeds/latest/", f"/feeds/tags/{seed.TAGS[0].lower()}/"])
def test_feeds_parse_without_bozo_and_carry_the_seed_article(client, url):
    article, _ = load_seed_article()
    feed = parse(fetch(client, url))
    [entry] = feed.entries
    assert entry.title == seed.TITLE
    assert entry.link == f"http://testserver/articles/{seed.SLUG}/"
    assert entry.summary == (
        f"<p>{seed.SUMMARY}</p><p>Tone &amp; Political Bias: {seed.RATING_LABEL}</p>"
    )
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]
    assert entry.author == "Newsroom Staff"
    terms = {tag.term for tag in entry.tags}
    assert set(seed.TAGS) <= terms and seed.RATING_LABEL in terms
    [enclosure] = entry.enclosures
    assert enclosure.type == "image/jpeg" and int(enclosure.length) > 0
    assert enclosure.href.startswith("http://testserver/media/renditions/")
    [media] = entry.media_content
    assert media["url"] == enclosure.href and media["medium"] == "image"
    assert entry.media_credit[0]["content"] == article.lead_image.credit_line


def test_feed_channel_describes_the_site(client):
    ArticleFactory(tags=["Diplomacy"])
    feed = parse(fetch(client, "/feeds/latest/")).feed
    assert feed.title == "Newsroom" and feed.link == "http://testserver/"
    assert feed.language == "en-us"
    tag_feed = parse(fetch(client, "/feeds/tags/diplomacy/")).feed
    assert tag_feed.title.startswith("Diplomacy") and tag_feed.link.endswith("/tags/diplomacy/")


def test_latest_feed_carries_the_newest_articles_only(client, settings):
    settings.NEWSROOM_FEED_SIZE = 3
    articles = [
        ArticleFactory(published_at=timezone.now() - timedelta(hours=hours))
        for hours in range(1, 6)
    ]
    titles = [entry.title for entry in parse(fetch(client, "/feeds/latest/")).entries]
    assert titles == [article.title for article in articles[:3]]


def test_tag_feed_lists_only_its_articles(client):
    tagged = ArticleFactory(title="About Istanbul", tags=["Diplomacy"])
    ArticleFactory(title="About Geneva", tags=["Weather"])
    titles = [entry.title for entry in parse(fetch(client, "/feeds/tags/diplomacy/")).entries]
    assert titles == [tagged.title]


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_answer_only_get_and_head(client, url):
    ArticleFactory(tags=["Diplomacy"])
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_unknown_tag_and_tags_of_unpublished_articles_answer_404(client):
    ArticleFactory(status=Article.Status.DRAFT, tags=["secret-source"])
    assert client.get("/feeds/tags/secret-source/").status_code == 404
    assert client.get("/feeds/tags/no-such-tag/").status_code == 404


@unpublished_states
@pytest.mark.parametrize("url", FEEDS)
def test_feeds_never_carry_unpublished_articles(client, url, status, published_at):
    ArticleFactory(title="Public story", tags=["Diplomacy"])
    hidden = ArticleFactory(
        title="Embargoed story", status=status, published_at=published_at, tags=["Diplomacy"]
    )
    body = fetch(client, url).content.decode()
    assert "Public story" in body
    assert hidden.title not in body and hidden.slug not in body


def test_author_text_is_escaped(client):
    article = ArticleFactory(
        title="<script>alert('t')</script> & co", summary="<img src=x onerror=alert(1)>"
    )
    RatingFactory(article=article, label="<b>Loud</b>")
    response = fetch(client, "/feeds/latest/")
    body = response.content.decode()
    assert "<script>" not in body and "<img" not in body and "<b>" not in body
    entry = parse(response).entries[0]
    # A reader that renders the HTML shows the text, not markup.
    assert "<" not in entry.title and html.unescape(entry.title) == article.title
    assert "&lt;img src=x" in entry.summary and "<img" not in entry.summary
    ElementTree.fromstring(response.content)


def test_article_without_image_or_rating_has_neither(client):
    ArticleFactory()
    entry = parse(fetch(client, "/feeds/latest/")).entries[0]
    assert entry.enclosures == [] and "media_content" not in entry
    assert "Tone" not in entry.summary


class TestConditionalGet:
    def test_same_feed_answers_304_to_etag_and_to_date(self, client):
        with time_machine.travel(timezone.now() - timedelta(seconds=5)):
            ArticleFactory(tags=["Diplomacy"])  # no later change shares its second
        for url in FEEDS:
            first = fetch(client, url)
            assert first["ETag"] and first["Last-Modified"]
            again = client.get(url, headers={"if-none-match": first["ETag"]})
            assert again.status_code == 304 and again.content == b""
            since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
            assert since.status_code == 304

    def test_feeds_have_their_own_etags(self, client):
        ArticleFactory(tags=["Diplomacy"])
        latest, tagged = (fetch(client, url)["ETag"] for url in FEEDS)
        assert latest != tagged
        assert client.get(FEEDS[1], headers={"if-none-match": latest}).status_code == 200

    def test_an_edit_makes_the_feed_fresh_again(self, client):
        article = ArticleFactory(title="First title")
        first = fetch(client, "/feeds/latest/")
        article.title = "Second title"
        article.save()
        again = client.get("/feeds/latest/", headers={"if-none-match": first["ETag"]})
        assert again.status_code == 200 and b"Second title" in again.content

    def test_a_withdrawal_makes_the_feed_fresh_again(self, client):
        editor = UserFactory(is_superuser=True)
        article = ArticleFactory(
            title="Soon withdrawn", updated_at=timezone.now() - timedelta(days=1)
        )
        ArticleFactory(title="Stays", published_at=timezone.now() - timedelta(days=2))
        Article.objects.update(updated_at=timezone.now() - timedelta(days=1))
        first = fetch(client, "/feeds/latest/")
        services.article_transition(article=article, target=Article.Status.ARCHIVED, user=editor)
        Article.objects.update(updated_at=timezone.now() - timedelta(days=1))
        again = client.get("/feeds/latest/", headers={"if-modified-since": first["Last-Modified"]})
        assert again.status_code == 200 and b"Soon withdrawn" not in again.content

    def test_an_amended_correction_makes_the_feed_fresh_again(self, client):
        editor = UserFactory(is_superuser=True)
        article = ArticleFactory()
        with time_machine.travel(timezone.now() - timedelta(days=1)):
            correction = services.article_add_correction(
                article=article, user=editor, note="An earlier version misspelled a name."
            )
        Article.objects.update(updated_at=timezone.now() - timedelta(days=1))
        first = fetch(client, "/feeds/latest/")
        services.article_amend_correction(
            article=article,
            correction_id=correction.pk,
            user=editor,
            note="An earlier version misspelled the monitor's surname.",
            kind=correction.kind,
            reason="Only the surname was wrong.",
        )
        Article.objects.update(updated_at=timezone.now() - timedelta(days=1))
        for headers in (
            {"if-none-match": first["ETag"]},
            {"if-modified-since": first["Last-Modified"]},
        ):
            again = client.get("/feeds/latest/", headers=headers)
            assert again.status_code == 200 and b"surname" in again.content

    def test_a_new_rating_makes_the_feed_fresh_again(self, client):
        article = ArticleFactory()
        Article.objects.update(updated_at=timezone.now() - timedelta(days=1))
        first = fetch(client, "/feeds/latest/")
        RatingFactory(article=article, label="Strongly Left-Leaning")
        again = client.get("/feeds/latest/", headers={"if-none-match": first["ETag"]})
        assert again.status_code == 200 and b"Strongly Left-Leaning" in again.content


@pytest.mark.parametrize("count", [10, 50])
@pytest.mark.parametrize("url", FEED_QUERIES)
def test_feed_query_count_is_fixed(client, settings, django_assert_num_queries, url, count):
    settings.NEWSROOM_FEED_SIZE = 50
    image = ImageFactory()
    for n in range(count):
        article = ArticleFactory(lead_image=image, tags=["shared", f"t{n}-a", f"t{n}-b"])
        RatingFactory(article=article)
    with django_assert_num_queries(FEED_QUERIES[url]):
        response = fetch(client, url)
    assert len(parse(response).entries) == count


def test_pages_link_their_feeds(client):
    ArticleFactory(tags=["Diplomacy"])
    home = client.get("/").content.decode()
    assert 'rel="alternate" type="application/rss+xml"' in home and 'href="/feeds/latest/"' in home
    tag_page = client.get("/tags/diplomacy/").content.decode()
    assert 'href="/feeds/tags/diplomacy/"' in tag_page
