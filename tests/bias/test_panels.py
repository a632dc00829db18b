"""Balanced panels, reconciliation and requests: the analysts' own leans, the reasons an
editor must give, the first blind scores kept beside revisions, who is asked to assess."""

import pytest
from bs4 import BeautifulSoup

from articles.models import Article
from bias import selectors, services
from bias.models import AnalystProfile, Assessment, AssessmentRequest, Rating
from tests.factories import ArticleFactory, AssessmentFactory, staff_member
from tests.helpers import assess, in_review, publish

pytestmark = pytest.mark.django_db

LEANS = ("left", "center", "right")


@pytest.fixture
def editor():
    return staff_member("Editors", "editor")


def analyst(name: str, lean: str):
    return staff_member("Bias analysts", name, lean=lean)


@pytest.fixture
def panel():
    """One analyst of each lean."""
    return [analyst(f"analyst-{lean}", lean) for lean in LEANS]


# Who may assess


def test_an_analyst_without_an_active_profile_cannot_assess():
    article = in_review()
    nobody = staff_member("Bias analysts", "no-profile")
    AnalystProfile.objects.filter(user=nobody).delete()
    with pytest.raises(services.RatingError, match="active profile"):
        assess(article, nobody)
    resting = analyst("resting", "left")
    AnalystProfile.objects.filter(user=resting).update(active=False)
    with pytest.raises(services.RatingError, match="active profile"):
        assess(article, resting)
    assert not Assessment.objects.exists()


def test_an_assessment_keeps_the_analysts_lean_and_first_score(panel):
    article = in_review()
    mine = assess(article, panel[0], "left", 1)
    stored = Assessment.objects.get(pk=mine.pk)
    assert (stored.analyst_lean, stored.blind_direction, stored.blind_strength) == (
        "left",
        "left",
        1,
    )
    # A later change of the profile does not rewrite what the panel was.
    AnalystProfile.objects.filter(user=panel[0]).update(lean="right")
    assert selectors.panel_for(article)[1].leans == ("left",)


# Balance, confidence and the editor's reasons


@pytest.mark.parametrize(
    ("leans", "scores", "confidence", "warning"),
    [
        (LEANS, [("center", 2), ("center", 2), ("right", 1)], "high", ""),
        (("center", "center", "right"), [("center", 2), ("center", 2), ("right", 1)], "medium",
         "no left-leaning analyst"),
        (("left", "left"), [("left", 1), ("center", 1)], "medium", "no center or right-leaning"),
        (("right",), [("right", 2)], "low", "One analyst"),
        (LEANS, [("left", 2), ("center", 2), ("right", 2)], "low", ""),
    ],
)  # fmt: skip
def test_balance_and_confidence_through_the_sign_off(editor, leans, scores, confidence, warning):
    article = in_review()
    for n, (lean, (direction, strength)) in enumerate(zip(leans, scores, strict=True)):
        assess(article, analyst(f"a{n}", lean), direction, strength)
    _, panel = selectors.panel_for(article)
    assert panel.confidence == confidence
    assert warning in services.panel_warning(panel)
    if warning:
        with pytest.raises(services.RatingError, match="Give the reason"):
            publish(article, editor, panel.direction, panel.strength)
        assert not Rating.objects.exists()
    rating = publish(
        article,
        editor,
        panel.direction,
        panel.strength,
        panel_reason="Breaking news; the third analyst is away." if warning else "",
    )
    assert (rating.confidence, rating.balanced) == (confidence, not warning)
    assert rating.panel_leans == ",".join(lean for lean in LEANS if lean in leans)
    assert rating.panel_reason == ("Breaking news; the third analyst is away." if warning else "")


def test_the_sign_off_page_warns_of_an_unbalanced_panel(client, editor):
    article = in_review()
    for n, lean in enumerate(("center", "right")):
        assess(article, analyst(f"a{n}", lean), "center", 2)
    client.force_login(editor)
    page = client.get(f"/admin/bias/assessment/panel/{article.pk}/").content.decode()
    soup = BeautifulSoup(page, "html.parser")
    warning = soup.select_one(".bias-panel__warning").get_text(" ", strip=True)
    assert "no left-leaning analyst" in warning and "written reason" in warning
    assert soup.select_one("textarea[name=panel_reason]")


# Reconciliation


def test_a_revision_needs_a_reason_and_keeps_the_blind_score(panel, editor):
    article = in_review()
    assess(article, panel[0], "left", 3)
    assess(article, panel[1], "center", 2)
    mine = assess(article, panel[2], "right", 1)
    assert selectors.panel_for(article)[1].disagrees  # four points apart: discuss
    mine.direction, mine.strength = "center", 1
    with pytest.raises(services.RatingError, match="Say why"):
        services.assessment_save(assessment=mine, user=panel[2])
    mine.revision_reason = "\u200b"
    with pytest.raises(services.RatingError, match="Say why"):
        services.assessment_save(assessment=mine, user=panel[2])
    mine.revision_reason = "The left analyst's reading of the sourcing convinced me."
    services.assessment_save(assessment=mine, user=panel[2])
    stored = Assessment.objects.get(pk=mine.pk)
    assert (stored.direction, stored.strength) == ("center", 1)
    assert (stored.blind_direction, stored.blind_strength) == ("right", 1)
    assert stored.revised and stored.revised_at is not None
    # A change of the rationale alone is no revision of the score.
    stored.rationale = "Sourcing reread."
    stored.revision_reason = ""
    services.assessment_save(assessment=stored, user=panel[2])
    assert Assessment.objects.get(pk=mine.pk).revision_reason.startswith("The left analyst")

    rating = publish(article, editor, "center", 1)
    assert (rating.blind_median, rating.median, rating.reconciled) == (0, 0, True)
    assert rating.panel_snapshot["blind"] == [-3, 0, 1]
    assert rating.panel_snapshot["reconciled"] == [-3, 0, 0]


def test_the_panel_page_shows_first_scores_beside_revisions(client, panel, editor):
    article = in_review()
    assess(article, panel[0], "left", 3)
    assess(article, panel[1], "center", 2)
    mine = assess(article, panel[2], "right", 1)
    mine.direction, mine.strength = "center", 2
    mine.revision_reason = "Reread the outlook."
    services.assessment_save(assessment=mine, user=panel[2])
    client.force_login(panel[0])
    page = client.get(f"/admin/bias/assessment/panel/{article.pk}/").content.decode()
    assert "discussion step" in page
    assert "Slightly Right-Leaning (1); revised" in page and "Reread the outlook." in page
    assert "First, blind median" in page


def test_the_analysts_form_asks_for_a_reason_to_change_a_score(client, panel):
    article = in_review()
    mine = AssessmentFactory(article=article, analyst=panel[0], direction="left", strength=1)
    client.force_login(panel[0])
    url = f"/admin/bias/assessment/{mine.pk}/change/"
    data = {
        "article": article.pk, "direction": "center", "strength": "2",
        "emotional_language": "none", "partisan_framing": "none", "speculation": "some",
        "one_sided_sourcing": "none", "rationale": "Reread.", "revision_reason": "",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200 and "Say why you change your score" in response.text
    data["revision_reason"] = "The centre analyst's notes on sourcing."
    assert client.post(url, data).status_code == 302
    assert Assessment.objects.get(pk=mine.pk).revised


# Requests and suggestions


def test_editors_ask_named_analysts_once_each(editor, panel):
    article = in_review()
    made = services.assessments_request(article=article, analysts=panel[:2], user=editor)
    assert [request.analyst for request in made] == panel[:2]
    assess(article, panel[2])
    again = services.assessments_request(article=article, analysts=panel, user=editor)
    assert again == []  # asked already, or assessed already
    assert AssessmentRequest.objects.count() == 2


def test_only_editors_ask_and_only_active_analysts_are_asked(editor, panel):
    article = in_review()
    with pytest.raises(services.RatingError, match="Only editors"):
        services.assessments_request(article=article, analysts=panel, user=panel[0])
    AnalystProfile.objects.filter(user=panel[1]).update(active=False)
    with pytest.raises(services.RatingError, match="active analysts"):
        services.assessments_request(article=article, analysts=panel, user=editor)
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    with pytest.raises(services.RatingError, match="in review or published"):
        services.assessments_request(article=draft, analysts=panel[:1], user=editor)
    assert not AssessmentRequest.objects.exists()


def test_the_suggested_panel_is_the_least_busy_analyst_of_each_lean(editor):
    busy_left, idle_left = analyst("busy-left", "left"), analyst("idle-left", "left")
    centre, right = analyst("centre", "center"), analyst("right", "right")
    resting = analyst("resting-right", "right")
    AnalystProfile.objects.filter(user=resting).update(active=False)
    other = in_review()
    services.assessments_request(article=other, analysts=[busy_left], user=editor)
    article = in_review()
    assert [p.user for p in selectors.suggested_panel(article)] == [idle_left, centre, right]
    # Once the right-leaning analyst has assessed, nobody of that lean is left to ask.
    assess(article, right, "right", 1)
    assert [p.user for p in selectors.suggested_panel(article)] == [idle_left, centre]


def test_an_analyst_sees_what_was_asked_of_them_first(client, editor, panel):
    asked = in_review(title="Asked of the analyst")
    in_review(title="Open to all")
    services.assessments_request(article=asked, analysts=[panel[0]], user=editor)
    client.force_login(panel[0])
    desk = BeautifulSoup(client.get("/admin/").content, "html.parser").select(".desk a")
    assert [link.get_text(" ", strip=True) for link in desk][:2] == [
        "1 Requested of me",
        "2 Awaiting my assessment",
    ]
    listing = client.get(desk[0]["href"]).content.decode()
    assert "Asked of the analyst" in listing and "Open to all" not in listing


def test_an_editor_asks_a_balanced_panel_from_the_panel_page(client, editor, panel):
    article = in_review()
    client.force_login(editor)
    url = f"/admin/bias/assessment/panel/{article.pk}/"
    page = client.get(url).content.decode()
    assert "the least busy analyst of each lean" in page
    assert client.post(url, {"action": "suggest"}).status_code == 302
    asked = set(article.assessment_requests.values_list("analyst__username", flat=True))
    assert asked == {"analyst-left", "analyst-center", "analyst-right"}


# The analyst's form and the blind panel


def test_the_rubric_starts_unanswered_and_the_text_is_beside_the_form(client):
    article = in_review(title="Gas talks in Doha")
    client.force_login(analyst("reader", "center"))
    page = client.get(f"/admin/bias/assessment/add/?article={article.pk}")
    soup = BeautifulSoup(page.content, "html.parser")
    for name in ("direction", "strength", *Assessment.TONE_FIELDS):
        assert soup.select(f"input[name={name}]"), name
        assert not soup.select(f"input[name={name}][checked]"), name
    aside = soup.select_one(".assessment-layout__text")
    assert "Gas talks in Doha" in aside.get_text() and aside.select("section")


def test_an_unanswered_rubric_is_refused(client):
    article = in_review()
    client.force_login(analyst("reader", "center"))
    response = client.post(
        "/admin/bias/assessment/add/",
        {"article": article.pk, "direction": "center", "strength": "2", "rationale": "Fine."},
    )
    assert response.status_code == 200 and not Assessment.objects.exists()
    assert response.text.count("This field is required.") == len(Assessment.TONE_FIELDS)


def test_saving_an_assessment_says_so(client):
    article = in_review()
    client.force_login(analyst("reader", "center"))
    response = client.post(
        "/admin/bias/assessment/add/",
        {
            "article": article.pk, "direction": "center", "strength": "2", "rationale": "Fine.",
            **dict.fromkeys(Assessment.TONE_FIELDS, "none"),
        },
        follow=True,
    )  # fmt: skip
    assert "Your assessment of" in response.text and "is saved" in response.text


def test_the_blind_panel_is_a_page_that_says_why(client, panel):
    article = in_review()
    assess(article, panel[0])
    client.force_login(panel[1])
    response = client.get(f"/admin/bias/assessment/panel/{article.pk}/")
    assert response.status_code == 403
    assert "blind until you have assessed the article yourself" in response.text
    assert f"/admin/bias/assessment/add/?article={article.pk}" in response.text


def test_only_analysts_who_may_still_assess_are_asked_or_suggested(editor):
    from django.contrib.auth.models import Group

    left, centre, right = (
        analyst("left", "left"),
        analyst("centre", "center"),
        analyst("right", "right"),
    )
    left.is_active = False  # the account closed, the profile left on
    left.save(update_fields=["is_active"])
    right.groups.remove(Group.objects.get(name="Bias analysts"))  # moved to another desk
    article = in_review()
    for gone in (left, right):
        with pytest.raises(services.RatingError, match="active analysts"):
            services.assessments_request(article=article, analysts=[gone], user=editor)
    assert [p.user for p in selectors.suggested_panel(article)] == [centre]
    assert list(selectors.askable_analysts().values_list("user", flat=True)) == [centre.pk]
    assert not AssessmentRequest.objects.exists()


def test_a_bad_analyst_id_on_the_panel_page_is_refused_with_a_message(client, editor, panel):
    article = in_review()
    client.force_login(editor)
    url = f"/admin/bias/assessment/panel/{article.pk}/"
    for bad in ("9" * 30, "-1", "x"):
        response = client.post(url, {"action": "request", "analysts": [bad]}, follow=True)
        assert response.status_code == 200, bad
        assert "Choose the analysts to ask." in response.content.decode(), bad
    assert not AssessmentRequest.objects.exists()


def test_an_analyst_whose_profile_was_switched_off_cannot_change_their_score(panel):
    article = in_review()
    mine = assess(article, panel[0], "left", 1)
    AnalystProfile.objects.filter(user=panel[0]).update(active=False)
    assert "not active" in services.assessment_refusal(
        assessment=mine, article=article, user=panel[0]
    )
