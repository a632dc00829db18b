import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Article, Image, License
from newsroom.demo import seed
from newsroom.demo.loader import load_seed_article
from tests.factories import ArticleFactory, ImageFactory
from tests.helpers import preview_link_token

pytestmark = pytest.mark.django_db

SEED_CREDIT = "Presidential Communications Office, Public domain, via Wikimedia Commons"


def head(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").head


def meta(soup, key) -> list[str]:
    tags = soup.find_all("meta", attrs={"property": key}) or soup.find_all(
        "meta", attrs={"name": key}
    )
    return [tag["content"] for tag in tags]


def json_ld(soup) -> dict:
    [script] = soup.find_all("script", attrs={"type": "application/ld+json"})
    return json.loads(script.string)


def test_seed_article_json_ld_names_the_image_credit_and_licence(client):
    article, _ = load_seed_article()
    data = json_ld(head(client, article.get_absolute_url()))
    assert data["@context"] == "https://schema.org" and data["@type"] == "ReportageNewsArticle"
    assert data["headline"] == seed.TITLE
    assert data["description"] == seed.SUMMARY
    assert data["datePublished"] == "2025-05-16T07:00:00+00:00"
    assert data["dateModified"] >= data["datePublished"]
    assert data["author"] == [{"@type": "Person", "name": "Newsroom Staff"}]
    [image] = data["image"]
    assert image["@type"] == "ImageObject"
    assert image["creditText"] == SEED_CREDIT
    assert image["license"] == "https://creativecommons.org/publicdomain/mark/1.0/"
    assert image["copyrightNotice"] == "Public domain"
    assert image["acquireLicensePage"] == seed.IMAGE_SOURCE_URL
    assert image["url"].startswith("http://testserver/media/renditions/")
    # Google applies the licence to the picture it finds at contentUrl.
    assert image["contentUrl"] == image["url"]
    assert image["width"] > 0 and image["height"] > 0
    publisher = data["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization" and publisher["name"] == "Newsroom"
    assert publisher["logo"]["url"].startswith("http://testserver/static/")
    assert publisher["correctionsPolicy"] == "http://testserver/standards/corrections/"
    assert publisher["publishingPrinciples"] == "http://testserver/standards/"
    canonical = f"http://testserver/articles/{seed.SLUG}/"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical}
    assert set(data["keywords"]) == set(seed.TAGS)


def test_article_head_has_title_description_canonical_opengraph_and_twitter(client):
    article, _ = load_seed_article()
    soup = head(client, article.get_absolute_url())
    canonical = f"http://testserver/articles/{seed.SLUG}/"
    assert soup.title.get_text() == f"{seed.TITLE} | Newsroom"
    assert meta(soup, "description") == [seed.SUMMARY]
    assert [link["href"] for link in soup.find_all("link", rel="canonical")] == [canonical]
    assert meta(soup, "og:type") == ["article"]
    assert meta(soup, "og:title") == [seed.TITLE]
    assert meta(soup, "og:description") == [seed.SUMMARY]
    assert meta(soup, "og:url") == [canonical]
    assert meta(soup, "og:site_name") == ["Newsroom"]
    [image_url] = meta(soup, "og:image")
    assert image_url == json_ld(soup)["image"][0]["url"]
    assert int(meta(soup, "og:image:width")[0]) > 0 and int(meta(soup, "og:image:height")[0]) > 0
    assert meta(soup, "og:image:alt") == [seed.IMAGE_ALT]
    assert meta(soup, "article:published_time") == ["2025-05-16T07:00:00+00:00"]
    assert meta(soup, "article:modified_time")
    assert sorted(meta(soup, "article:tag")) == sorted(seed.TAGS)
    assert meta(soup, "twitter:card") == ["summary_large_image"]
    assert meta(soup, "twitter:image") == [image_url]


def test_html_lang_comes_from_the_settings(client, settings):
    ArticleFactory(tags=["Diplomacy"])
    settings.LANGUAGE_CODE = "en-gb"
    for url in ("/", "/tags/diplomacy/", "/search/"):
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        assert soup.html["lang"] == "en-gb"


def test_author_text_cannot_break_out_of_the_json_ld(client):
    article = ArticleFactory(
        title="</script><script>alert(1)</script>", summary="Tom & Jerry <!-- x -->"
    )
    body = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in body
    script = body.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in script and ">" not in script and "&" not in script
    data = json.loads(script)
    assert data["headline"] == article.title and data["description"] == article.summary


def test_article_without_image_has_no_image_tags_and_a_summary_card(client):
    article = ArticleFactory()
    soup = head(client, article.get_absolute_url())
    assert "image" not in json_ld(soup)
    assert meta(soup, "og:image") == []
    assert meta(soup, "twitter:card") == ["summary"]


@pytest.mark.parametrize(
    ("license", "credit", "notice", "license_url"),
    [
        (License.CC_BY_4, "Jane Photographer", "© Jane Photographer", True),
        (License.ALL_RIGHTS_RESERVED, "Agency", "© Agency", False),
        (License.CC0, "Jane Photographer", "CC0 1.0", True),
    ],
)
def test_image_rights_in_json_ld(client, license, credit, notice, license_url):
    image = ImageFactory(license=license, credit=credit)
    article = ArticleFactory(lead_image=image)
    [data] = json_ld(head(client, article.get_absolute_url()))["image"]
    assert data["creditText"] == image.credit_line
    assert data["copyrightNotice"] == notice
    assert ("license" in data) is license_url


def test_modified_time_follows_the_latest_edit(client):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=3))
    edited = timezone.now() - timedelta(days=1)
    Article.objects.filter(pk=article.pk).update(updated_at=edited)
    soup = head(client, article.get_absolute_url())
    assert meta(soup, "article:modified_time") == [edited.isoformat()]
    assert json_ld(soup)["dateModified"] == edited.isoformat()


def test_preview_is_not_indexed_and_names_no_canonical(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    token = preview_link_token(draft)
    soup = head(client, f"/preview/{token}/")
    assert meta(soup, "robots") == ["noindex, nofollow"]
    assert soup.find("link", rel="canonical") is None
    assert meta(soup, "og:url") == [] and soup.find("script", type="application/ld+json") is None


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/", "http://testserver/"),
        ("/?page=1", "http://testserver/"),
        ("/?page=2", "http://testserver/?page=2"),
        ("/?page=2&utm_source=x", "http://testserver/?page=2"),
        ("/tags/diplomacy/", "http://testserver/tags/diplomacy/"),
        ("/tags/diplomacy/?page=2", "http://testserver/tags/diplomacy/?page=2"),
    ],
)
def test_listings_name_their_canonical_address(client, settings, url, canonical):
    settings.NEWSROOM_PAGE_SIZE = 1
    ArticleFactory.create_batch(2, tags=["Diplomacy"])
    soup = head(client, url)
    assert [link["href"] for link in soup.find_all("link", rel="canonical")] == [canonical]
    assert meta(soup, "description")


def test_search_results_name_no_canonical(client):
    ArticleFactory(title="Ceasefire")
    soup = head(client, "/search/", data={"q": "ceasefire"})
    assert soup.find("link", rel="canonical") is None
    assert meta(soup, "robots") == ["noindex, follow"]


def test_image_licence_metadata_for_google_images(client):
    image = ImageFactory(
        license=License.ALL_RIGHTS_RESERVED,
        credit="Reuters/Jane Doe",
        source="Reuters Pictures",
        source_url="https://pictures.example.org/license/4521",
        copyright_notice="© 2025 Reuters",
    )
    Image.objects.filter(pk=image.pk).update(credits_in_file={"creator": "Jane Doe"})
    article = ArticleFactory(lead_image=Image.objects.get(pk=image.pk))
    soup = head(client, article.get_absolute_url())
    [data] = json_ld(soup)["image"]
    assert data["contentUrl"] == meta(soup, "og:image")[0]
    assert data["acquireLicensePage"] == "https://pictures.example.org/license/4521"
    assert "license" not in data  # all rights reserved: no deed to point to
    assert data["copyrightNotice"] == "© 2025 Reuters"
    assert data["creditText"] == "Reuters/Jane Doe, All rights reserved, via Reuters Pictures"
    assert data["creator"] == {"@type": "Person", "name": "Jane Doe"}


def test_the_seed_article_json_ld_is_valid_json_with_policies_licence_credit_and_corrections(
    client,
):
    """The acceptance check: the seed's JSON-LD parses, and names the organization's
    policies, the image's licence and credit, and, once corrected, the correction."""
    from articles import services
    from tests.factories import staff_member

    article, _ = load_seed_article()
    services.article_add_correction(
        article=article, user=staff_member("Editors", "editor"), note="Rubio arrived a day later."
    )
    [script] = head(client, article.get_absolute_url()).find_all(
        "script", attrs={"type": "application/ld+json"}
    )
    data = json.loads(script.string)
    assert data["publisher"]["ethicsPolicy"] == "http://testserver/standards/ethics/"
    assert data["publisher"]["correctionsPolicy"] == "http://testserver/standards/corrections/"
    [image] = data["image"]
    assert image["license"] == "https://creativecommons.org/publicdomain/mark/1.0/"
    assert image["creditText"] == SEED_CREDIT
    [correction] = data["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "Rubio arrived a day later."
