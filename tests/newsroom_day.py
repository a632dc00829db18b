"""A newsroom's day: the states a real site reaches within its first week, built the way
the site builds them.

Every article, image, move, assessment, rating, comment, decision and report goes
through the services (`articles.services`, `articles.comment_services`,
`bias.services`), in the order people make them, so the data holds only what those
rules allow. The clock is moved through the week while it happens, so dates spread
over several days as they do on a live site. Only what has no service is written
directly: the users in their role groups (`tests.factories`), tags and the
moderation settings (each saved as its admin form saves it).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

import time_machine
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify

from articles import revisions, services
from articles.comments import services as comment_services
from articles.models import (
    Article,
    Comment,
    CommentReport,
    Correction,
    Image,
    License,
    ModerationSettings,
    Section,
)
from bias import services as bias_services
from bias.models import Assessment, Rating
from bias.scale import Direction, Strength, ToneLevel
from bias.selectors import panel_for
from newsroom.models import MailPreference, Standard, StandardsPage
from newsroom.standards.services import standards_page_save
from tests.factories import UserFactory, staff_member
from tests.images import image_bytes

S = Article.Status
K = Section.Kind

# One role a person, as the admin's groups name them, and the superuser.
ROLES = ("Journalist", "Editor", "Moderator", "Bias analyst", "superuser")


@dataclass
class NewsroomDay:
    """Handles on what the week left behind, by the name of the state each one is in."""

    users: dict[str, object]  # one per role in ROLES
    other_journalist: object
    analysts: list
    articles: dict[str, Article] = field(default_factory=dict)
    images: dict[str, Image] = field(default_factory=dict)
    comments: dict[str, Comment] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # name -> slug
    search_word: str = "Istanbul"

    @property
    def journalist(self):
        return self.users["Journalist"]

    @property
    def editor(self):
        return self.users["Editor"]

    @property
    def moderator(self):
        return self.users["Moderator"]

    @property
    def analyst(self):
        return self.users["Bias analyst"]

    @property
    def superuser(self):
        return self.users["superuser"]

    def article(self, name: str) -> Article:
        """The article as it stands now (the handles are taken as the week goes on)."""
        return Article.objects.get(pk=self.articles[name].pk)


MAIN_SECTIONS = [
    (
        K.KEY_DEVELOPMENTS,
        "- Russia and Ukraine hold their first direct talks in three years "
        "in Istanbul.\n- The Russian delegation is led by Vladimir Medinsky.",
    ),
    (K.BACKGROUND, "The war has gone on since February 2022; earlier efforts failed."),
    (K.DELEGATIONS, ""),
    (K.INTERNATIONAL_INVOLVEMENT, "Turkey hosts the talks; [the UN](https://un.org) observes."),
    (K.CHALLENGES, "Both sides refuse to compromise on **territory**."),
    (K.OUTLOOK, "A ceasefire is the first aim."),
    (K.TEXT, "Reporting by our Istanbul desk."),
]
MAIN_DELEGATIONS = [
    ("Russia", "- Arrived on Thursday.", [("Vladimir Medinsky", "Presidential aide", True),
                                         ("Alexander Fomin", "Deputy Defence Minister", False)]),
    ("Ukraine", "- Seeks a ceasefire first.", [("Rustem Umerov", "Defence Minister", True),
                                              ("Andrii Sybiha", "Foreign Minister", False)]),
]  # fmt: skip
# Who uploads each image, and its credit: (uploader, credit, licence, source, source URL, alt).
IMAGES = {
    "lead": ("Journalist", "Presidential Communications Office", License.PUBLIC_DOMAIN,
             "Wikimedia Commons", "https://commons.wikimedia.org/", "Delegates at the table"),
    "agency": ("Editor", "Reuters/Jane Doe", License.WITH_PERMISSION, "Reuters", "",
               "Grain ships in the port of Odesa"),
    # Never a lead image of a published article: publishing needs a credit.
    "uncredited": ("Journalist", "", License.ALL_RIGHTS_RESERVED, "", "", "The delegation hotel"),
}  # fmt: skip


class Week:
    """Makes the week's moves, each at its hour, through the services."""

    def __init__(self, day: NewsroomDay, start: datetime):
        self.day = day
        self.start = start

    def at(self, day: int, hour: int):
        return time_machine.travel(self.start + timedelta(days=day, hours=hour), tick=True)

    # Articles

    def write(
        self, name, title, *, author, tags=(), lead_image=None, sections=None, delegations=()
    ):
        """What the article's add page does: save, body, tags, first revision."""
        article = Article(
            title=title,
            slug=slugify(title),
            lead_image=lead_image,
            summary=f"{title}: what happened, and what comes next.",
        )
        article = services.article_save(article=article, user=author, expected_version=None)
        services.article_replace_body(
            article=article,
            sections=body(sections or [(K.TEXT, f"{title}. A paragraph of *reporting*.")]),
            delegations=delegation_rows(delegations),
        )
        article.tags.set(list(tags))
        for tag in article.tags.all():
            self.day.tags[tag.name] = tag.slug
        services.article_record_revision(article=article, user=author, comment="Created")
        self.day.articles[name] = article
        return article

    def edit(self, name, *, user, summary=None, extra_section=None, **fields):
        """What the article's change page does: a new text, saved over the stored version."""
        article = self.day.article(name)
        if summary is not None:
            article.summary = summary
        for attribute, value in fields.items():
            setattr(article, attribute, value)
        article = services.article_save(
            article=article, user=user, expected_version=article.version
        )
        if extra_section is not None:
            rows = list(article.sections.values("kind", "heading", "body", "position"))
            rows.append(
                {"kind": K.TEXT, "heading": "", "body": extra_section, "position": len(rows)}
            )
            delegations = [
                {
                    "party": d.party,
                    "notes": d.notes,
                    "position": d.position,
                    "members": list(d.members.values("name", "role", "is_head", "position")),
                }
                for d in article.delegations.all()
            ]
            services.article_replace_body(article=article, sections=rows, delegations=delegations)
        services.article_record_revision(article=article, user=user, comment="Changed")
        return article

    def move(self, name, target, *, user, note="", publish_at=None):
        article = services.article_transition(
            article=self.day.article(name),
            target=target,
            user=user,
            note=note,
            publish_at=publish_at,
        )
        self.day.articles[name] = article
        return article

    # Ratings

    def assess(self, name, analyst, direction, strength, *, rationale="Quotes both sides."):
        article = self.day.article(name)
        stored = Assessment.objects.filter(article=article, analyst=analyst).first()
        assessment = stored or Assessment(article=article)
        if stored is not None and (stored.direction, stored.strength) != (direction, strength):
            assessment.revision_reason = "Read the other analysts' reasons, and the text again."
        assessment.direction, assessment.strength = direction, strength
        assessment.rationale = rationale
        assessment.emotional_language = ToneLevel.NONE
        assessment.partisan_framing = ToneLevel.NONE
        assessment.speculation = ToneLevel.SOME
        assessment.one_sided_sourcing = ToneLevel.NONE
        return bias_services.assessment_save(assessment=assessment, user=analyst)

    def rate(self, name, *, why, override=None):
        """The editor signs off the panel's label, or another one with a reason."""
        article = self.day.article(name)
        _, panel = panel_for(article)
        direction, strength, reason = (
            (panel.direction, panel.strength, "") if override is None else override
        )
        unbalanced = panel is not None and bias_services.panel_warning(panel)
        return bias_services.rating_publish(
            article=article,
            user=self.day.editor,
            direction=direction,
            strength=strength,
            why=why,
            override_reason=reason,
            panel_reason="A short item: the analysts at hand agreed." if unbalanced else "",
        )

    def rated_and_published(self, name, votes, *, publish_at=None):
        """Submitted by its author, assessed, signed off and published (or scheduled)."""
        article = self.day.article(name)
        self.move(name, S.IN_REVIEW, user=article.author)
        for analyst, (direction, strength) in zip(self.day.analysts, votes, strict=False):
            self.assess(name, analyst, direction, strength)
        self.rate(name, why="Factual and sourced, with little speculation.")
        return self.move(name, S.PUBLISHED, user=self.day.editor, publish_at=publish_at)

    # Comments

    def comment(self, name, key, author_name, body, *, parent=None, user=None):
        comment = comment_services.comment_create(
            article=self.day.articles[name],
            author_name=author_name,
            author_email=user.email if user else f"{slugify(author_name)}@readers.example",
            body=body,
            parent=self.day.comments[parent] if parent else None,
            user=user,
        )
        self.day.comments[key] = comment
        return comment

    def decide(self, key, status):
        comment, moderator = self.day.comments[key], self.day.moderator
        if status == "keep":
            decided = comment_services.comment_keep(comment=comment, user=moderator)
        elif status == "take down":
            decided = comment_services.comment_take_down(comment=comment, user=moderator)
        else:
            decided = comment_services.comment_moderate(
                comment=comment, status=status, user=moderator
            )
        self.day.comments[key] = decided

    def report(self, key, readers, reason=CommentReport.Reason.ABUSIVE):
        for reader in range(readers):
            comment_services.comment_report(
                comment=self.day.comments[key],
                reporter_key=comment_services.reporter_key(ip_address=f"203.0.113.{reader + 1}"),
                reason=reason,
            )


def typed(article: Article, **changes) -> QueryDict:
    """The article's editing form as its page posts it, with these fields changed."""
    posted = QueryDict(mutable=True)
    posted.update(
        {
            "title": article.title,
            "slug": article.slug,
            "article_type": article.article_type,
            "summary": article.summary,
            "comments_enabled": "on",
            "loaded_version": str(article.version),
            **changes,
        }
    )
    rows = {"sections": list(article.sections.all()), "delegations": []}
    rows["delegations"] = list(article.delegations.prefetch_related("members"))
    for prefix, objects in rows.items():
        posted.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(objects)),
                f"{prefix}-INITIAL_FORMS": str(len(objects)),
            }
        )
        for n, row in enumerate(objects):
            posted.update(
                {
                    f"{prefix}-{n}-id": str(row.pk),
                    f"{prefix}-{n}-article": str(article.pk),
                    f"{prefix}-{n}-position": str(row.position),
                }
            )
            if prefix == "sections":
                posted.update(
                    {
                        f"sections-{n}-kind": row.kind,
                        f"sections-{n}-heading": row.heading,
                        f"sections-{n}-body": row.body,
                    }
                )
                continue
            posted.update(
                {f"delegations-{n}-party": row.party, f"delegations-{n}-notes": row.notes}
            )
            members = list(row.members.all())
            posted.update(
                {
                    f"delegations-{n}-members-TOTAL_FORMS": str(len(members)),
                    f"delegations-{n}-members-INITIAL_FORMS": str(len(members)),
                }
            )
            for m, member in enumerate(members):
                posted.update(
                    {
                        f"delegations-{n}-members-{m}-id": str(member.pk),
                        f"delegations-{n}-members-{m}-delegation": str(row.pk),
                        f"delegations-{n}-members-{m}-name": member.name,
                        f"delegations-{n}-members-{m}-role": member.role,
                        f"delegations-{n}-members-{m}-position": str(member.position),
                    }
                )
    return posted


def body(sections) -> list[dict]:
    return [
        {"kind": kind, "heading": "", "body": text, "position": position}
        for position, (kind, text) in enumerate(sections)
    ]


def delegation_rows(delegations) -> list[dict]:
    return [
        {
            "party": party,
            "notes": notes,
            "position": position,
            "members": [
                {"name": name, "role": role, "is_head": head, "position": n}
                for n, (name, role, head) in enumerate(members)
            ],
        }
        for position, (party, notes, members) in enumerate(delegations)
    ]


def upload(name, user, credit, license, source, source_url, alt_text) -> Image:
    image = Image(
        file=ContentFile(image_bytes(), name=f"{name}.jpg"),
        alt_text=alt_text,
        credit=credit,
        license=license,
        source=source,
        source_url=source_url,
    )
    return services.image_save(image=image, file_changed=True, user=user)


def people() -> NewsroomDay:
    """One staff member per role (a second journalist, two more analysts), and a superuser."""
    analyst = staff_member("Bias analysts", "ana-analyst", lean="left")
    return NewsroomDay(
        users={
            "Journalist": staff_member("Journalists", "jo-journalist"),
            "Editor": staff_member("Editors", "ed-editor"),
            "Moderator": staff_member("Moderators", "mo-moderator"),
            "Bias analyst": analyst,
            "superuser": UserFactory(username="admin", is_staff=True, is_superuser=True),
        },
        other_journalist=staff_member("Journalists", "pat-journalist"),
        analysts=[
            analyst,
            staff_member("Bias analysts", "ben", lean="center"),
            staff_member("Bias analysts", "cy", lean="right"),
        ],
    )


def build_newsroom_day() -> NewsroomDay:
    """Seven days of a newsroom, ending now. See the module's docstring."""
    day = people()
    now = timezone.now()
    week = Week(day, start=now - timedelta(days=7))
    journalist, other, editor = day.journalist, day.other_journalist, day.editor
    center, right, left = Direction.CENTER, Direction.RIGHT, Direction.LEFT
    slightly, moderately = Strength.SLIGHTLY, Strength.MODERATELY

    with week.at(0, 8):
        rules = ModerationSettings.load()
        rules.banned_words = "casino\ncheap pills"
        rules.suspect_words = "traitor\npropaganda"
        rules.auto_approve_known_commenters = True
        rules.known_commenter_threshold = 2
        rules.save()
        for name, (role, *credit) in IMAGES.items():
            day.images[name] = upload(name, day.users[role], *credit)

    with week.at(0, 10):
        week.write(
            "published",
            "Peace talks resume in Istanbul",
            author=journalist,
            tags=["Russia", "Ukraine", "Diplomacy"],
            lead_image=day.images["lead"],
            sections=MAIN_SECTIONS,
            delegations=MAIN_DELEGATIONS,
        )
    with week.at(0, 16):
        week.rated_and_published(
            "published", [(center, moderately), (center, slightly), (right, slightly)]
        )

    with week.at(1, 9):
        week.write(
            "corrected",
            "Ceasefire monitors named",
            author=journalist,
            tags=["Diplomacy"],
            lead_image=day.images["agency"],
        )
        week.move("corrected", S.IN_REVIEW, user=journalist)
        week.assess("corrected", day.analysts[0], left, slightly)
        week.assess("corrected", day.analysts[1], center, moderately)
        week.rate(
            "corrected",
            why="Mostly neutral.",
            override=(center, slightly, "The panel split; the text reads as neutral."),
        )
        week.move("corrected", S.PUBLISHED, user=editor)
        week.write(
            "other author",
            "Grain corridor reopens",
            author=other,
            tags=["Economy", "Black Sea"],
            lead_image=day.images["agency"],
        )
        week.rated_and_published("other author", [(center, moderately), (left, slightly)])

    with week.at(2, 11):
        services.article_add_correction(
            article=day.article("corrected"),
            user=editor,
            note="An earlier version misspelled the chief monitor's name.",
        )
        services.article_add_correction(
            article=day.article("other author"),
            user=editor,
            note="The corridor's first ship sailed on Tuesday, not Monday, as first said.",
            kind=Correction.Kind.CLARIFICATION,
        )
        week.write("returned", "Prisoner exchange planned", author=journalist, tags=["Ukraine"])
        week.move("returned", S.IN_REVIEW, user=journalist)
        week.assess("returned", day.analysts[1], center, slightly)
        week.move("returned", S.DRAFT, user=editor, note="Source the figures before we run it.")
        week.write("needs re-review", "Energy talks open in Ankara", author=other, tags=["Economy"])
        week.rated_and_published("needs re-review", [(right, slightly), (right, moderately)])

    with week.at(3, 9):
        week.write(
            "scheduled", "Summit date set for next week", author=journalist, tags=["Diplomacy"]
        )
        week.rated_and_published(
            "scheduled", [(center, slightly)], publish_at=now + timedelta(days=2)
        )
        week.write(
            "archived", "Talks stall over guarantees", author=journalist, tags=["Withdrawn story"]
        )
        week.rated_and_published("archived", [(center, slightly), (center, moderately)])

    comments_of_the_week(week)

    with week.at(4, 10):
        # The main story is updated: its rating goes back to the panel and is re-rated.
        week.edit("published", user=editor, extra_section="Update: the talks enter day two.")
        for analyst, (direction, strength) in zip(
            day.analysts,
            [(center, slightly), (right, slightly), (right, moderately)],
            strict=True,
        ):
            week.assess("published", analyst, direction, strength)
        week.rate("published", why="The update adds one-sided sourcing.")

    with week.at(5, 15):
        week.move("archived", S.ARCHIVED, user=editor)
        week.edit("needs re-review", user=editor, summary="Energy talks open; gas prices fall.")
        week.write("in review", "Sanctions relief on the table", author=other, tags=["Russia"])
        week.edit(
            "in review",
            user=other,
            article_type=Article.Type.ANALYSIS,
            backstory="Two officials spoke on condition of anonymity.",
        )
        # An editor brings back the earlier summary of an edited story.
        edited = day.article("needs re-review")
        services.article_restore_revision(
            article=edited, version=revisions.versions_of(edited).last(), user=editor
        )
        # The standards pages are the newsroom's own; an editor rewrites one.
        ethics = StandardsPage.objects.get(kind=Standard.ETHICS)
        ethics.summary = "How we report, and what we never do."
        standards_page_save(page=ethics, user=editor)
        # The monitor's name was misspelled a second way: the correction is amended.
        fixed = day.article("corrected")
        services.article_amend_correction(
            article=fixed,
            correction_id=fixed.corrections.get().pk,
            user=editor,
            note="An earlier version misspelled the chief monitor's surname.",
            kind=Correction.Kind.CORRECTION,
            reason="Only the surname was wrong.",
        )
        # Previews shared with a source: one link revoked, one still open.
        returned = day.article("returned")
        link = services.preview_link_share(article=returned, user=journalist)
        services.preview_link_revoke(article=returned, link_id=link.pk, user=editor)
        services.preview_link_share(article=returned, user=editor)
        # Unsaved work kept by autosave: the journalist's rewrite of the returned draft, and
        # an editor's pending change to a live article, which readers do not see.
        services.article_autosave(
            article=returned,
            user=journalist,
            posted=typed(returned, title="Prisoner exchange planned for Friday"),
        )
        live = day.article("published")
        services.article_autosave(
            article=live, user=editor, posted=typed(live, summary="A pending rewrite.")
        )
        # A journalist asks for no desk mail.
        MailPreference.objects.create(user=other, desk_mail=False)
        week.move("in review", S.IN_REVIEW, user=other)
        # The editor asks a balanced panel; one analyst has answered so far.
        bias_services.assessments_request(
            article=day.article("in review"), analysts=day.analysts, user=editor
        )
        week.assess("in review", day.analysts[2], right, slightly)

    with week.at(6, 17):
        week.write(
            "draft",
            "Notes from the delegation hotel",
            author=journalist,
            tags=["Embargoed"],
            lead_image=day.images["uncredited"],
        )
        week.edit("draft", user=journalist, summary="What the delegates ate, and when.")

    assert_the_week_reached_every_state(day)
    return day


class Posted(NamedTuple):
    """One reader's comment, and what happens to it next."""

    when: tuple[int, int]  # (day of the week, hour)
    article: str
    key: str
    commenter: str
    body: str
    # Moderators' decisions in order; a number is that many readers reporting it.
    then: tuple = ()
    reply_to: str | None = None
    staff: str | None = None  # the role of a signed-in staff member posting it


COMMENTS = [
    Posted((0, 18), "published", "approved", "Anna", "A clear summary, thanks.", ("approved",)),
    Posted((0, 18), "published", "known 0", "Mehmet", "Good reporting, part 1.", ("approved",)),
    Posted((0, 19), "published", "known 1", "Mehmet", "Good reporting, part 2.", ("approved",)),
    # Two approved comments make Mehmet known: the rule publishes the third at once.
    Posted((1, 12), "published", "trusted", "Mehmet", "Published at once: I am known here."),
    Posted((1, 12), "published", "pending suspect", "Vic", "Every reporter here is a traitor."),
    Posted((1, 13), "published", "spam by moderator", "Links",
           "Deals at https://a.example and https://b.example", ("spam",)),
    Posted((1, 13), "published", "spam by rules", "Bonus", "Best casino bonus in town."),
    Posted((1, 14), "corrected", "on corrected", "Dara", "Thanks for the fix.", ("approved",)),
    Posted((1, 14), "corrected", "pending on corrected", "Eli", "Who appointed the monitors?"),
    Posted((2, 13), "published", "rejected", "Off", "And the football results?", ("rejected",)),
    Posted((2, 13), "published", "pending reply", "Boris", "I disagree.", reply_to="approved"),
    Posted((2, 14), "published", "approved reply", "Chen", "Agreed, well put.", ("approved",),
           reply_to="approved"),
    Posted((3, 14), "published", "reported", "Hot", "This process is a farce.", ("approved", 3)),
    Posted((3, 14), "published", "reported once", "Warm", "Nobody believes the Kremlin.",
           ("approved", 1)),
    Posted((3, 15), "archived", "on archived", "Fay", "Sad to read this.", ("approved",)),
    Posted((3, 15), "archived", "pending on archived", "Gil", "Any news since?"),
    Posted((4, 9), "published", "taken down", "Rude", "Shameful coverage, shame on you all.",
           ("approved", 3, "take down")),
    Posted((4, 9), "published", "kept up", "Blunt", "The talks will fail, mark my words.",
           ("approved", 4, "keep")),
    Posted((5, 11), "published", "false positive", "Ira", "See www.un.org for the statement.",
           ("spam", "approved")),
    Posted((5, 11), "published", "by moderator", "The moderators", "Please keep it civil.",
           staff="Moderator"),
    Posted((5, 12), "published", "by staff", "Jo", "Our reporter will follow up.", ("approved",),
           staff="Journalist"),
    Posted((6, 20), "published", "pending", "Kim", "When do the talks resume?"),
    Posted((6, 20), "other author", "pending on other", "Lou", "Grain prices will drop."),
]  # fmt: skip


def comments_of_the_week(week: Week) -> None:
    """Readers' comments on the published stories, and the moderators' work on them."""
    for posted in COMMENTS:
        with week.at(*posted.when):
            week.comment(
                posted.article,
                posted.key,
                posted.commenter,
                posted.body,
                parent=posted.reply_to,
                user=week.day.users[posted.staff] if posted.staff else None,
            )
            for step in posted.then:
                if isinstance(step, int):
                    week.report(posted.key, readers=step)
                else:
                    week.decide(posted.key, step)
    # The moderators' word on two commenters, and what it does to their next comments.
    with week.at(6, 21):
        moderator = week.day.moderator
        for key, standing, reason in [
            ("taken down", "banned", "Abuse, twice."),
            ("reported", "premoderated", "Reported three times."),
        ]:
            comment_services.commenter_update(
                email=week.day.comments[key].author_email, standing=standing, reason=reason,
                note=f"{reason} Watch.", user=moderator,
            )  # fmt: skip
        week.comment("published", "by banned", "Rude", "Still shameful.")
        week.comment("published", "by premoderated", "Hot", "Still a farce.")


def assert_the_week_reached_every_state(day: NewsroomDay) -> None:
    """The week is only useful if each state is really there; say which one is missing."""
    articles = {name: day.article(name) for name in day.articles}
    for name, article in articles.items():
        day.articles[name] = article
    statuses = {name: article.status for name, article in articles.items()}
    assert statuses == {
        "published": S.PUBLISHED,
        "corrected": S.PUBLISHED,
        "other author": S.PUBLISHED,
        "returned": S.DRAFT,
        "needs re-review": S.PUBLISHED,
        "scheduled": S.PUBLISHED,
        "archived": S.ARCHIVED,
        "in review": S.IN_REVIEW,
        "draft": S.DRAFT,
    }
    assert articles["scheduled"].is_scheduled
    assert articles["other author"].corrections.get().kind == Correction.Kind.CLARIFICATION
    assert articles["in review"].article_type == Article.Type.ANALYSIS
    assert articles["returned"].preview_links.count() == 2
    assert articles["returned"].preview_links.active().count() == 1
    restored = revisions.versions_of(articles["needs re-review"]).first()
    assert restored.revision.get_comment().startswith("Restored from rev")
    assert articles["corrected"].corrections.get().amendments.exists()
    assert articles["returned"].autosaves.get().data["title"] != [articles["returned"].title]
    assert articles["published"].autosaves.exists()
    assert articles["returned"].status_changes.filter(to_status=S.DRAFT).exclude(note="").exists()
    assert Rating.objects.current_for(articles["needs re-review"]).needs_review
    assert articles["published"].ratings.count() == 2
    assert not Rating.objects.current_for(articles["published"]).needs_review
    for comment in day.comments.values():
        comment.refresh_from_db()
    statuses = {comment.status for comment in day.comments.values()}
    assert statuses == set(Comment.Status.values)
    assert day.comments["trusted"].status == Comment.Status.APPROVED
    assert day.comments["trusted"].moderation_reason.startswith("Known commenter")
    assert day.comments["spam by rules"].status == Comment.Status.SPAM
    assert day.comments["pending suspect"].moderation_reason.startswith("Suspect word")
    assert Comment.objects.reported().filter(pk=day.comments["reported"].pk).exists()
    assert day.comments["taken down"].reports.filter(resolved_at__isnull=False).count() == 3
    assert day.comments["kept up"].decisions.last().reason.startswith("Kept up after 4 reports")
    assert day.comments["by banned"].moderation_reason == "Banned commenter."
    assert day.comments["by premoderated"].status == Comment.Status.PENDING
