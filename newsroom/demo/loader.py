"""Demo content: the seed article and one user per role."""

import logging
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction

from articles import services
from articles.models import Article, Image, License
from bias import services as bias_services
from bias.models import AnalystProfile, Assessment
from newsroom.demo import seed
from newsroom.demo.picture import skyline_jpeg

logger = logging.getLogger(__name__)

DESK_USERNAME = "newsdesk"
ROLE_USERS = [
    ("journalist", "Journalists"),
    ("editor", "Editors"),
    ("moderator", "Moderators"),
    # One analyst of each lean, so that a balanced panel, and its blindness, can be tried.
    ("analyst-left", "Bias analysts"),
    ("analyst-center", "Bias analysts"),
    ("analyst-right", "Bias analysts"),
]


@transaction.atomic
def load_seed_article() -> tuple[Article, bool]:
    """Create the seed article, published, unless it is already there."""
    existing = Article.objects.filter(slug=seed.SLUG).first()
    if existing is not None:
        return existing, False

    desk = _user_without_login(DESK_USERNAME, "Newsroom Staff", role="Editors")

    image = Image(
        alt_text=seed.IMAGE_ALT,
        caption=seed.IMAGE_CAPTION,
        credit=seed.IMAGE_CREDIT,
        license=License.PUBLIC_DOMAIN,
        source=seed.IMAGE_SOURCE,
        source_url=seed.IMAGE_SOURCE_URL,
        file=ContentFile(skyline_jpeg(), name="istanbul-skyline.jpg"),
    )
    services.image_save(image=image, file_changed=True)

    article = Article.objects.create(
        title=seed.TITLE,
        slug=seed.SLUG,
        summary=seed.SUMMARY,
        status=Article.Status.PUBLISHED,
        published_at=seed.PUBLISHED_AT,
        author=desk,
        lead_image=image,
    )
    article.tags.set(seed.TAGS)
    services.article_replace_body(
        article=article,
        sections=[
            {"kind": kind, "body": body, "position": position}
            for position, (kind, body) in enumerate(seed.SECTIONS)
        ],
        delegations=[
            {
                "party": party,
                "notes": notes,
                "position": position,
                "members": [
                    {"name": name, "role": role, "is_head": is_head, "position": place}
                    for place, (name, role, is_head) in enumerate(members)
                ],
            }
            for position, (party, notes, members) in enumerate(seed.DELEGATIONS)
        ],
    )
    _rate_seed_article(article, editor=desk)
    services.article_record_revision(article=article, user=desk, comment="Loaded the demo")
    logger.info("demo article %s loaded", article.slug)
    return article, True


def _user_without_login(username: str, full_name: str, *, role: str):
    """A name on the demo's work (a byline, an analyst of the panel) that cannot log in."""
    User = get_user_model()
    first_name, last_name = full_name.split(" ", 1)
    user, is_new = User.objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name}
    )
    if is_new:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
    return user


def _rate_seed_article(article: Article, *, editor) -> None:
    """The seed's rating, made as any other: a blind panel, then an editor's sign-off."""
    panel = enumerate(seed.ASSESSMENTS, 1)
    for number, (name, lean, direction, strength, tone, rationale) in panel:
        analyst = _user_without_login(f"panel-analyst-{number}", name, role="Bias analysts")
        AnalystProfile.objects.get_or_create(user=analyst, defaults={"lean": lean})
        answers = {field: tone.get(field, "none") for field in Assessment.TONE_FIELDS}
        bias_services.assessment_save(
            assessment=Assessment(
                article=article,
                direction=direction,
                strength=strength,
                rationale=rationale,
                **answers,
            ),
            user=analyst,
        )
    bias_services.rating_publish(
        article=article,
        user=editor,
        direction=seed.RATING_DIRECTION,
        strength=seed.RATING_STRENGTH,
        why=seed.RATING_WHY,
    )


@transaction.atomic
def create_role_users() -> list[tuple[str, str, str | None]]:
    """One staff user per role; a new user's password is returned once, never stored in clear.

    Returns (username, role, password), with password None for users that already existed.
    """
    User = get_user_model()
    created = []
    for username, role in ROLE_USERS:
        user, is_new = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "first_name": role.rstrip("s")}
        )
        password = None
        if is_new:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
        if role == "Bias analysts":
            lean = username.removeprefix("analyst-")
            AnalystProfile.objects.get_or_create(user=user, defaults={"lean": lean})
        created.append((username, role, password))
    return created
