"""What readers see of ratings: the box and meter, chips, the lean filter, /bias/."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from bias.models import Rating
from newsroom.demo import seed
from tests.factories import ArticleFactory, ImageFactory, RatingFactory

pytestmark = pytest.mark.django_db

# The article page with its lead image and tags, no delegations and no comments.
ARTICLE_PAGE_QUERIES = 10
BIAS_PAGE_QUERIES = 4  # the spread of ratings (2), the panels behind them and their tags


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_seed_rating_is_made_by_a_blind_panel_and_reads_as_in_the_seed(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    article = Article.objects.get(slug=seed.SLUG)
    assert article.assessments.count() == 3
    assert {a.analyst.groups.get().name for a in article.assessments.all()} == {"Bias analysts"}
    rating = article.ratings.get()
    assert (rating.label, rating.panel_label, rating.override_reason) == (
        "Moderately Center-Leaning", "Moderately Center-Leaning", "",
    )  # fmt: skip
    assert (rating.analyst_count, rating.confidence, rating.why) == (3, "high", seed.RATING_WHY)
    assert rating.published_by.has_perm("bias.publish_rating")
    box = soup_of(client.get(article.get_absolute_url())).select_one(".rating-box")
    lines = [p.get_text(" ", strip=True) for p in box.find_all("p")]
    assert lines[:2] == [
        "Tone & Political Bias: Moderately Center-Leaning",
        f"Why: {seed.RATING_WHY}",
    ]
    assert lines[2].startswith(
        "Rated blind by 3 analysts (left, center, right) · Confidence: High · How this was rated"
    )
    assert rating.balanced and rating.panel_snapshot["blind"] == [0, 0, 1]


def test_the_meter_marks_the_position_with_a_text_alternative(client):
    article = ArticleFactory()
    RatingFactory(article=article, direction="left", strength=2)
    svg = soup_of(client.get(article.get_absolute_url())).select_one(".rating-box svg")
    assert svg["role"] == "img"
    title = svg.find("title")
    assert svg["aria-labelledby"] == title["id"]
    assert title.get_text() == (
        "Moderately Left-Leaning: −2 on a scale from −3 (strongly left) to +3 (strongly right)"
    )
    ticks = [float(line["x1"]) for line in svg.select(".bias-meter__tick")]
    assert len(ticks) == 7
    assert float(svg.select_one(".bias-meter__marker")["cx"]) == ticks[1]  # -2 is the second tick


def test_a_changed_rating_says_when_and_what_it_was(client):
    article = ArticleFactory()
    earlier = timezone.now() - timedelta(days=3)
    RatingFactory(article=article, direction="right", strength=1, published_at=earlier)
    RatingFactory(article=article, published_at=timezone.now() - timedelta(days=1))
    box = soup_of(client.get(article.get_absolute_url())).select_one(".rating-box")
    when = (timezone.now() - timedelta(days=1)).strftime("%-d %B %Y")
    history = box.select_one(".rating-box__history").get_text()
    assert history == f"Rating updated {when}; previously Slightly Right-Leaning"
    assert box.select_one(".rating-box__label").get_text() == (
        "Tone & Political Bias: Moderately Center-Leaning"
    )


def test_a_single_rating_has_no_update_line(client):
    article = ArticleFactory()
    RatingFactory(article=article)
    assert "Rating updated" not in client.get(article.get_absolute_url()).content.decode()


def test_a_future_rating_is_not_shown_yet(client):
    article = ArticleFactory()
    RatingFactory(article=article, direction="right", strength=1)
    RatingFactory(article=article, published_at=timezone.now() + timedelta(hours=1))
    text = client.get(article.get_absolute_url()).content.decode()
    assert "Slightly Right-Leaning" in text and "Rating updated" not in text


def test_every_card_carries_its_bias_chip(client):
    rated = ArticleFactory(title="Rated one")
    RatingFactory(article=rated, direction="right", strength=3)
    ArticleFactory(title="Unrated one")
    cards = soup_of(client.get("/")).select(".card")
    chips = {
        card.select_one(".card__title").get_text(strip=True): card.select_one(".bias-chip")
        for card in cards
    }
    assert chips["Rated one"].get_text(" ", strip=True) == (
        "Tone & Political Bias: Strongly Right-Leaning"
    )
    assert "bias-chip--right" in chips["Rated one"]["class"]
    assert chips["Unrated one"] is None


@pytest.fixture
def spread_of_articles():
    """Two left, one center, three right, one unrated; all tagged 'talks'."""
    made = {}
    for title, direction, strength in [
        ("L1", "left", 1), ("L2", "left", 3), ("C1", "center", 2),
        ("R1", "right", 1), ("R2", "right", 2), ("R3", "right", 2),
    ]:  # fmt: skip
        made[title] = ArticleFactory(title=f"Story {title}", tags=["talks"])
        RatingFactory(article=made[title], direction=direction, strength=strength)
    made["U"] = ArticleFactory(title="Story U", tags=["talks"])
    return made


def titles(response):
    return sorted(a.get_text(strip=True) for a in soup_of(response).select(".card__title a"))


@pytest.mark.parametrize(
    ("lean", "expected"),
    [
        ("left", ["Story L1", "Story L2"]),
        ("center", ["Story C1"]),
        ("right", ["Story R1", "Story R2", "Story R3"]),
        ("", ["Story C1", "Story L1", "Story L2", "Story R1", "Story R2", "Story R3", "Story U"]),
    ],
)
@pytest.mark.parametrize("path", ["/", "/tags/talks/"])
def test_home_and_tag_pages_filter_by_lean(client, spread_of_articles, path, lean, expected):
    response = client.get(path, {"lean": lean} if lean else {})
    assert titles(response) == expected
    current = soup_of(response).select_one('.lean-filter [aria-current="page"]')
    assert current.get_text() == (lean.capitalize() or "All")


@pytest.mark.parametrize("lean", ["up", "LEFT", "<script>", "left'"])
def test_an_unknown_lean_is_a_clear_400(client, lean):
    ArticleFactory()
    response = client.get("/", {"lean": lean})
    assert response.status_code == 400
    assert "choose left, center or right" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_a_lean_with_no_articles_under_a_tag_is_an_empty_page_not_a_404(client):
    RatingFactory(article=ArticleFactory(tags=["talks"]), direction="left", strength=1)
    response = client.get("/tags/talks/", {"lean": "right"})
    assert response.status_code == 200
    assert "No published article under this tag is rated right-leaning" in (
        response.content.decode()
    )
    assert client.get("/tags/nothing/", {"lean": "right"}).status_code == 404


def test_pages_of_a_filtered_list_keep_the_filter(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    for _ in range(3):
        RatingFactory(article=ArticleFactory(), direction="left", strength=1)
    RatingFactory(article=ArticleFactory())
    response = client.get("/", {"lean": "left"})
    assert soup_of(response).select_one('a[rel="next"]')["href"] == "?lean=left&page=2"
    assert len(titles(client.get("/", {"lean": "left", "page": 2}))) == 1


def test_drafts_ratings_count_nowhere(client):
    RatingFactory(article=ArticleFactory(status=Article.Status.DRAFT, published_at=None))
    RatingFactory(
        article=ArticleFactory(published_at=timezone.now() + timedelta(days=1)),
        direction="left",
        strength=3,
    )
    response = client.get("/bias/")
    assert response.context["rated_count"] == 0
    assert list(client.get("/", {"lean": "left"}).context["articles"]) == []


def bars_of(response):
    svg = soup_of(response).select_one("svg.bias-chart")
    return {
        int(g["data-position"]): (int(g["data-count"]), float(g.rect["height"]))
        for g in svg.select(".bias-chart__bar")
    }


def test_the_chart_bars_match_the_counts(client, spread_of_articles):
    # A rating replaced since counts only as its current one.
    RatingFactory(
        article=spread_of_articles["L2"],
        direction="right",
        strength=2,
        published_at=timezone.now() - timedelta(days=5),
    )
    bars = bars_of(client.get("/bias/"))
    counts = {position: count for position, (count, _) in bars.items()}
    assert counts == {-3: 1, -2: 0, -1: 1, 0: 1, 1: 1, 2: 2, 3: 0}
    tallest = max(height for _, height in bars.values())
    for count, height in bars.values():
        assert height == pytest.approx(tallest * count / 2, abs=0.1)


def test_the_bias_page_explains_the_method_and_marks_leaning_tags(client, spread_of_articles):
    for n in range(3):
        RatingFactory(article=ArticleFactory(tags=["energy"]), direction="left", strength=n + 1)
    response = client.get("/bias/")
    page = soup_of(response)
    headings = [h.get_text(strip=True) for h in page.select("h2")]
    for heading in ["The scale", "A blind panel", "Confidence", "Updates and corrections"]:
        assert heading in headings
    assert len(page.select(".methodology__scale tbody tr")) == 9
    rows = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in page.select(".methodology__tags tbody tr")
    }
    assert rows["energy"] == ["3", "0", "0", "Leans left"]
    assert rows["talks"] == ["2", "1", "3", "Balanced"]


def test_the_bias_page_with_no_ratings(client):
    assert "No published article carries a rating yet." in client.get("/bias/").content.decode()


def rated_articles(count, ratings_each=1):
    image = ImageFactory()
    for n in range(count):
        article = ArticleFactory(lead_image=image, tags=["shared", f"tag-{n}"])
        for k in range(ratings_each):
            RatingFactory(
                article=article,
                direction=["left", "center", "right"][(n + k) % 3],
                strength=1 + n % 3,
                published_at=timezone.now() - timedelta(hours=k + 1),
            )
    return article


@pytest.mark.parametrize("count", [1, 100])
def test_the_bias_page_query_count_is_fixed(client, django_assert_num_queries, count):
    rated_articles(count)
    with django_assert_num_queries(BIAS_PAGE_QUERIES):
        response = client.get("/bias/")
    assert response.context["rated_count"] == count


@pytest.mark.parametrize(("count", "ratings_each"), [(1, 1), (100, 5)])
def test_the_article_page_query_count_is_fixed_with_ratings(
    client, django_assert_num_queries, count, ratings_each
):
    article = rated_articles(count, ratings_each)
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert Rating.objects.count() == count * ratings_each
    assert ("Rating updated" in response.content.decode()) == (ratings_each > 1)


def test_rating_text_is_escaped_everywhere(client):
    article = ArticleFactory(tags=["talks"])
    RatingFactory(article=article, label="<b>x</b>", why="<script>alert(1)</script>")
    for url in [article.get_absolute_url(), "/", "/tags/talks/", "/bias/"]:
        body = client.get(url).content.decode()
        assert "<script>alert(1)" not in body and "<b>x</b>" not in body, url


def test_every_label_on_the_page_matches_the_scale(client, spread_of_articles):
    text = soup_of(client.get("/")).get_text(" ")
    label = r"(?:Slightly|Moderately|Strongly) (?:Left|Center|Right)-Leaning"
    labels = set(re.findall(label, text))
    assert labels == {
        "Slightly Left-Leaning", "Strongly Left-Leaning", "Moderately Center-Leaning",
        "Slightly Right-Leaning", "Moderately Right-Leaning",
    }  # fmt: skip
