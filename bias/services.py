"""Every state-changing operation on analysts' assessments and published ratings."""

import hashlib
import logging
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import events
from articles.models import Article
from articles.text import visible_or_blank
from bias import events as bias_events
from bias import scale
from bias.models import AnalystProfile, Assessment, AssessmentRequest, Rating
from bias.permissions import can_assess, can_change_assessment, can_sign_off
from bias.selectors import RATEABLE, askable_analysts, assessment_is_open, panel_for

logger = logging.getLogger(__name__)


class RatingError(Exception):
    """A rating step the rules refuse. The message is for the person who tried."""


def text_digest(article: Article) -> str:
    """A fingerprint of everything a reader reads: title, summary, sections, delegations.

    Taken of the text as the admin would save it (browsers send CRLF line ends,
    and the forms trim each field), so that saving an article unchanged never
    looks like an edit.
    """
    parts = [article.title, article.summary]
    for section in article.sections.order_by("position", "pk"):
        parts += [section.kind, section.heading, section.body]
    for delegation in article.delegations.order_by("position", "pk").prefetch_related("members"):
        parts += [delegation.party, delegation.notes]
        for member in delegation.members.all():
            parts += [member.name, member.role, str(member.is_head)]
    text = "\x1f".join(_as_saved(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def _as_saved(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def assessment_refusal(*, article: Article, user, assessment: Assessment) -> str | None:
    """Why this person may not record this assessment of this article now, or None.

    Only analysts with an active profile (their own lean, for balanced panels) rate,
    each once per article, and only their own assessment; articles are rated in
    review or published; an assessment stays editable until the editor publishes
    the rating, and again when an edit to the text sends the rating back for re-review.
    """
    if assessment.pk is None:
        if not can_assess(user):
            return "Only bias analysts assess articles."
        if not AnalystProfile.objects.filter(user=user.pk, active=True).exists():
            return (
                "Only analysts with an active profile assess articles: an editor records "
                "your own lean first, so that panels can be balanced."
            )
        if article.assessments.filter(analyst=user.pk).exists():
            return "You have already assessed this article; change your assessment instead."
    else:
        stored = Assessment.objects.get(pk=assessment.pk)
        if stored.analyst_id != user.pk or not can_change_assessment(user):
            return "You can change only your own assessments."
        if not AnalystProfile.objects.filter(user=user.pk, active=True).exists():
            return "Your analyst profile is not active: your assessments stay as they are."
        if stored.article_id != article.pk:
            return "An assessment stays with the article it rates."
    if article.status not in RATEABLE:
        return "Articles are assessed once they are in review or published."
    if not assessment_is_open(article):
        return "The rating of this article is published; assessments reopen when its text changes."
    return None


@transaction.atomic
def assessment_save(*, assessment: Assessment, user) -> Assessment:
    """Record an analyst's own assessment, if assessment_refusal finds nothing against it."""
    article = Article.objects.select_for_update().get(pk=assessment.article_id)
    refusal = assessment_refusal(article=article, user=user, assessment=assessment)
    if refusal:
        raise RatingError(refusal)
    if assessment.pk is None:
        assessment.analyst = user
        # The first score, given blind, is kept for ever; so is the lean it came from.
        assessment.blind_direction = assessment.direction
        assessment.blind_strength = assessment.strength
        assessment.analyst_lean = AnalystProfile.objects.get(user=user).lean
        assessment.revision_reason = ""
    else:
        stored = Assessment.objects.get(pk=assessment.pk)
        assessment.blind_direction, assessment.blind_strength = (
            stored.blind_direction,
            stored.blind_strength,
        )
        assessment.analyst_lean = stored.analyst_lean
        rescored = (assessment.direction, int(assessment.strength)) != (
            stored.direction,
            stored.strength,
        )
        if rescored:
            # After seeing the panel, a score changes only with a reason, which is kept.
            assessment.revision_reason = visible_or_blank(assessment.revision_reason)
            if not assessment.revision_reason:
                raise RatingError(
                    "Say why you change your score: the first, blind one is kept beside it."
                )
            assessment.revised_at = timezone.now()
        else:
            assessment.revision_reason = stored.revision_reason
            assessment.revised_at = stored.revised_at
    assessment.rationale = assessment.rationale.strip()
    try:
        assessment.full_clean()
    except ValidationError as error:
        raise RatingError(" ".join(error.messages)) from error
    created = assessment.pk is None
    was_balanced = created and _balanced(article)
    assessment.save()
    if created and not was_balanced and _balanced(article):
        bias_events.panel_ready.send(sender=Assessment, article=article, user=user)
    logger.info("assessment %s of article %s saved by %s", assessment.pk, article.pk, user.pk)
    return assessment


@transaction.atomic
def rating_publish(
    *,
    article: Article,
    user,
    direction: str,
    strength: int,
    why: str,
    override_reason: str = "",
    panel_reason: str = "",
) -> Rating:
    """Publish an article's Tone & Political Bias rating, signed off by an editor.

    The label defaults to the panel's; publishing another label, or one with no
    panel behind it, needs a written reason, and so does publishing from a panel
    of one analyst or one that is not balanced (no analyst of some lean). The
    public "Why:" is required. The rating keeps the panel as it stood: its leans,
    its median on the analysts' first blind scores and as reconciled. Earlier
    ratings stay as history, and the new one is of the text as it stands.
    """
    if not can_sign_off(user):
        raise RatingError("You do not have permission to publish bias ratings.")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status not in RATEABLE:
        raise RatingError("Ratings are published for articles in review or published.")
    why, override_reason = visible_or_blank(why), visible_or_blank(override_reason)
    panel_reason = visible_or_blank(panel_reason)
    if not why:
        raise RatingError("Write the public “Why:” that explains the rating to readers.")
    try:
        chosen = scale.Vote(scale.Direction(direction), scale.Strength(int(strength)))
    except ValueError as error:
        raise RatingError("Choose a direction and a strength from the scale.") from error
    assessments, panel = panel_for(article)
    blind = scale.aggregate([assessment.blind_vote for assessment in assessments])
    if panel is not None and (warning := panel_warning(panel)) and not panel_reason:
        raise RatingError(f"{warning} Give the reason to publish its rating anyway.")
    if panel is None and not override_reason:
        raise RatingError(
            "No analyst has assessed this article: give the reason to rate it anyway."
        )
    chosen_label = scale.label(chosen.direction, chosen.strength)
    if panel is not None and chosen_label != panel.label and not override_reason:
        raise RatingError(
            f"The panel rated this article {panel.label}: give the reason for publishing "
            f"{chosen_label} instead."
        )
    rating = Rating(
        article=article,
        label=chosen_label,
        direction=chosen.direction,
        strength=chosen.strength,
        position=chosen.position,
        why=why,
        published_at=timezone.now(),
        published_by=user,
        analyst_count=panel.size if panel else 0,
        confidence=panel.confidence if panel else "",
        panel_label=panel.label if panel else "",
        override_reason=override_reason,
        panel_leans=",".join(panel.leans) if panel else "",
        balanced=panel.balanced if panel else False,
        blind_median=blind.median if blind else None,
        median=panel.median if panel else None,
        reconciled=any(assessment.revised for assessment in assessments),
        panel_reason=panel_reason,
        panel_snapshot=panel_snapshot(assessments),
        text_digest=text_digest(article),
    )
    try:
        rating.full_clean()
    except ValidationError as error:
        raise RatingError(" ".join(error.messages)) from error
    rating.save()
    events.article_changed.send(sender=Rating, article=article)
    logger.info(
        "rating %s (%s) of article %s published by %s", rating.pk, rating.label, article.pk, user.pk
    )
    return rating


def _balanced(article: Article) -> bool:
    leans = set(article.assessments.values_list("analyst_lean", flat=True))
    return all(lean in leans for lean in scale.LEANS)


def panel_snapshot(assessments: list[Assessment]) -> dict:
    """The panel as readers may see it: no names, positions in order, answers counted."""
    rubric = {
        name: dict(Counter(getattr(assessment, name) for assessment in assessments))
        for name in Assessment.TONE_FIELDS
    }
    return {
        "blind": sorted(assessment.blind_position for assessment in assessments),
        "reconciled": sorted(assessment.position for assessment in assessments),
        "rubric": rubric,
        # Who sat on the panel, for the count of analysts behind the reliability figure;
        # in no order that ties a score to a person, and never shown.
        "analysts": sorted(assessment.analyst_id for assessment in assessments),
    }


def panel_warning(panel: scale.Panel) -> str:
    """What an editor is warned of before signing off this panel's rating, or ""."""
    if panel.size == 1:
        return "One analyst rated this article: the panel is not balanced."
    if not panel.balanced:
        missing = " or ".join(scale.Direction(lean).label.lower() for lean in panel.missing_leans)
        return f"The panel is not balanced: no {missing}-leaning analyst rated this article."
    return ""


@transaction.atomic
def assessments_request(*, article: Article, analysts, user) -> list[AssessmentRequest]:
    """Ask these analysts to assess the article (editors). Each must be one an editor may ask
    (`askable_analysts`: an active profile and account, the right to assess); those already
    asked, or who have assessed it, are not asked again."""
    if not can_sign_off(user):
        raise RatingError("Only editors who sign off ratings ask analysts to assess.")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status not in RATEABLE:
        raise RatingError("Analysts assess articles in review or published.")
    ids = {analyst.pk for analyst in analysts}
    eligible = set(askable_analysts().filter(user__in=ids).values_list("user", flat=True))
    if ids - eligible:
        raise RatingError("Only active analysts can be asked to assess an article.")
    done = set(article.assessments.values_list("analyst", flat=True)) | set(
        article.assessment_requests.values_list("analyst", flat=True)
    )
    made = AssessmentRequest.objects.bulk_create(
        AssessmentRequest(article=article, analyst_id=pk, requested_by=user)
        for pk in sorted(ids - done)
    )
    for request in made:
        bias_events.assessment_requested.send(
            sender=AssessmentRequest, article=article, analyst=request.analyst, user=user
        )
    logger.info("article %s: %d analysts asked to assess by %s", article.pk, len(made), user.pk)
    return made


@transaction.atomic
def rating_review_if_text_changed(*, article: Article) -> bool:
    """Send the current rating back for re-review when the text it rated has changed.

    Returns True when this call marked it.
    """
    rating = Rating.objects.select_for_update().current_for(article)
    if rating is None or rating.needs_review or not rating.text_digest:
        return False
    if rating.text_digest == text_digest(article):
        return False
    rating.needs_review = True
    rating.save(update_fields=["needs_review"])
    logger.info("rating %s of article %s needs re-review: the text changed", rating.pk, article.pk)
    return True
