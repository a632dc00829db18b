"""The article services, called as a view or a command would call them, without the admin.

Each rule a service enforces has a test here that fails when the rule is taken out:
rights, stale versions, row ownership, the publish gate, "publish without a time means now".
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from reversion.models import Version

from articles import events, hooks, services
from articles.models import Article, Correction, Delegation, DelegationMember, Section, StatusChange
from articles.services import DelegationRow, MemberRow, SectionRow
from tests.factories import (
    ArticleFactory,
    DelegationFactory,
    DelegationMemberFactory,
    ImageFactory,
    RatingFactory,
    SectionFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db

S = Article.Status
NOW = datetime(2026, 5, 16, 9, 30, tzinfo=UTC)


@pytest.fixture
def journalist():
    return staff_member("Journalists", "journalist")


@pytest.fixture
def editor():
    return staff_member("Editors", "editor")


def draft_by(author, **kwargs) -> Article:
    article = ArticleFactory(author=author, status=S.DRAFT, published_at=None, **kwargs)
    SectionFactory(article=article, body="The first paragraph.")
    return article


def section_rows(article) -> list[SectionRow]:
    return [
        SectionRow(id=s.pk, kind=s.kind, heading=s.heading, body=s.body, position=s.position)
        for s in article.sections.all()
    ]


# article_save


def test_a_new_article_belongs_to_its_writer_at_version_one(journalist):
    article = Article(title="Ceasefire talks", slug="ceasefire-talks", summary="Talks.")
    saved = services.article_save(article=article, user=journalist, expected_version=None)
    stored = Article.objects.get(pk=saved.pk)
    assert (stored.author, stored.updated_by, stored.version, stored.status) == (
        journalist, journalist, 1, S.DRAFT
    )  # fmt: skip


def test_only_those_who_write_start_an_article():
    moderator = staff_member("Moderators")
    article = Article(title="Ceasefire talks", slug="ceasefire-talks", summary="Talks.")
    with pytest.raises(services.WorkflowError, match="permission to write"):
        services.article_save(article=article, user=moderator, expected_version=None)
    assert not Article.objects.exists()


def test_a_journalist_cannot_save_another_journalists_draft(journalist):
    other = draft_by(staff_member("Journalists", "other"), title="Their words")
    other.title = "My words"
    with pytest.raises(services.WorkflowError, match="permission to edit"):
        services.article_save(article=other, user=journalist, expected_version=other.version)
    assert Article.objects.get(pk=other.pk).title == "Their words"


def test_a_journalist_cannot_save_their_own_article_once_submitted(journalist):
    article = draft_by(journalist, title="Submitted words")
    Article.objects.filter(pk=article.pk).update(status=S.IN_REVIEW)
    article.refresh_from_db()
    article.title = "Changed after submitting"
    with pytest.raises(services.WorkflowError, match="permission to edit"):
        services.article_save(article=article, user=journalist, expected_version=article.version)
    assert Article.objects.get(pk=article.pk).title == "Submitted words"


def test_an_edit_from_an_older_version_is_a_conflict_and_writes_nothing(journalist, editor):
    article = draft_by(journalist, title="First")
    opened = article.version
    theirs = Article.objects.get(pk=article.pk)
    theirs.title = "The editor's title"
    services.article_save(article=theirs, user=editor, expected_version=opened)
    mine = Article.objects.get(pk=article.pk)
    mine.title = "The journalist's title"
    with pytest.raises(services.EditConflict, match="changed this article"):
        services.article_save(article=mine, user=journalist, expected_version=opened)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.version) == ("The editor's title", opened + 1)


def test_a_save_keeps_the_workflow_fields_and_raises_the_version(editor):
    article = ArticleFactory(status=S.PUBLISHED, published_at=NOW, author=editor)
    edited = Article.objects.get(pk=article.pk)
    edited.title = "A better title"
    edited.status, edited.published_at = S.DRAFT, None
    edited.author = staff_member("Journalists", "someone-else")
    services.article_save(article=edited, user=editor, expected_version=article.version)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.status, stored.published_at, stored.author_id) == (
        "A better title", S.PUBLISHED, NOW, editor.pk
    )  # fmt: skip
    assert stored.version == article.version + 1


def test_the_lock_says_who_changed_the_article(journalist, editor):
    article = draft_by(journalist)
    services.article_save(
        article=Article.objects.get(pk=article.pk), user=editor, expected_version=article.version
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.article_lock_for_edit(article=article, expected_version=article.version)
    assert str(conflict.value).startswith(editor.get_full_name() or editor.username)
    assert services.article_lock_for_edit(article=article, expected_version=article.version + 1)


# article_transition and the publish gate


def test_publishing_without_a_time_publishes_now(editor):
    article = draft_by(editor)
    with time_machine.travel(NOW, tick=False):
        RatingFactory(article=article)
        moved = services.article_transition(article=article, target=S.PUBLISHED, user=editor)
    stored = Article.objects.get(pk=article.pk)
    assert (moved.published_at, stored.published_at, stored.status) == (NOW, NOW, S.PUBLISHED)
    assert stored.is_public


def test_publishing_at_a_later_time_schedules(editor):
    article = draft_by(editor)
    later = NOW + timedelta(days=1)
    with time_machine.travel(NOW, tick=False):
        RatingFactory(article=article)
        services.article_transition(
            article=article, target=S.PUBLISHED, user=editor, publish_at=later
        )
        stored = Article.objects.get(pk=article.pk)
        assert (stored.published_at, stored.is_scheduled, stored.is_public) == (later, True, False)
        assert not Article.objects.published().filter(pk=article.pk).exists()
        assert Article.objects.scheduled().filter(pk=article.pk).exists()
    change = StatusChange.objects.get(article=article)
    assert (change.from_status, change.to_status, change.publish_at) == (
        S.DRAFT,
        S.PUBLISHED,
        later,
    )


def test_a_publication_time_goes_only_with_publishing(journalist):
    article = draft_by(journalist)
    with pytest.raises(services.WorkflowError, match="only with publishing"):
        services.article_transition(
            article=article, target=S.IN_REVIEW, user=journalist, publish_at=NOW
        )
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_a_move_not_in_the_table_is_refused(editor):
    article = draft_by(editor)
    with pytest.raises(services.WorkflowError, match="cannot be moved"):
        services.article_transition(article=article, target=S.ARCHIVED, user=editor)
    assert not StatusChange.objects.exists()


def test_a_journalist_submits_but_cannot_publish(journalist):
    article = draft_by(journalist)
    RatingFactory(article=article)
    with pytest.raises(services.WorkflowError, match="permission to publish"):
        services.article_transition(article=article, target=S.PUBLISHED, user=journalist)
    services.article_transition(article=article, target=S.IN_REVIEW, user=journalist)
    assert Article.objects.get(pk=article.pk).status == S.IN_REVIEW


def test_returning_an_article_needs_a_note_that_can_be_seen(editor, journalist):
    article = draft_by(journalist)
    services.article_transition(article=article, target=S.IN_REVIEW, user=journalist)
    for note in ("", "   ", "\u200b\u2060"):
        with pytest.raises(services.WorkflowError, match="Add a note"):
            services.article_transition(article=article, target=S.DRAFT, user=editor, note=note)
    services.article_transition(
        article=article, target=S.DRAFT, user=editor, note="  Source the second quote.  "
    )
    assert StatusChange.objects.filter(to_status=S.DRAFT).get().note == "Source the second quote."


def test_the_gate_lists_everything_missing(editor, settings):
    settings.NEWSROOM_REQUIRE_BIAS_RATING = True
    image = ImageFactory(credit="")
    article = ArticleFactory(
        title="\u200b", summary=" ", status=S.DRAFT, published_at=None, lead_image=image
    )
    assert services.article_publish_gate(article) == [
        "a title",
        "a summary",
        "at least one section",
        "a credit for the lead image",
        "a published bias rating",
    ]
    with pytest.raises(services.WorkflowError, match="Not published: the article needs a title"):
        services.article_transition(article=article, target=S.PUBLISHED, user=editor)
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_the_gate_asks_the_registered_requirements(editor, settings):
    settings.NEWSROOM_REQUIRE_BIAS_RATING = False
    article = draft_by(editor)
    assert services.article_publish_gate(article) == []

    def needs_a_lawyer(article):
        return ["a lawyer's reading"]

    hooks.publish_requirements.register(needs_a_lawyer)
    try:
        assert services.article_publish_gate(article) == ["a lawyer's reading"]
    finally:
        hooks.publish_requirements._functions.remove(needs_a_lawyer)


# corrections


def test_only_editors_correct_and_only_published_articles(editor, journalist):
    published = ArticleFactory(status=S.PUBLISHED, author=journalist)
    with pytest.raises(services.WorkflowError, match="Only editors"):
        services.article_add_correction(article=published, user=journalist, note="Wrong date.")
    draft = draft_by(editor)
    with pytest.raises(services.WorkflowError, match="published articles"):
        services.article_add_correction(article=draft, user=editor, note="Wrong date.")
    with pytest.raises(ValidationError):
        services.article_add_correction(article=published, user=editor, note="\u200b")
    correction = services.article_add_correction(
        article=published, user=editor, note="  The talks began on 16 May.  "
    )
    assert list(Correction.objects.values_list("note", "created_by")) == [
        ("The talks began on 16 May.", editor.pk)
    ]
    assert correction.article_id == published.pk


# the body


def test_a_section_of_another_article_is_refused_and_nothing_is_written(journalist):
    mine = draft_by(journalist)
    victim = ArticleFactory(status=S.PUBLISHED)
    theirs = SectionFactory(article=victim, body="The victim's text.")
    forged = [*section_rows(mine), SectionRow(theirs.pk, "text", "", "Mine now.", 1)]
    with pytest.raises(services.ForeignRow):
        services.article_save_body(article=mine, user=journalist, sections=forged, delegations=[])
    deleting = [SectionRow(theirs.pk, "text", "", "", 0, delete=True)]
    with pytest.raises(services.ForeignRow):
        services.article_save_body(article=mine, user=journalist, sections=deleting, delegations=[])
    theirs.refresh_from_db()
    assert (theirs.article_id, theirs.body) == (victim.pk, "The victim's text.")
    assert mine.sections.count() == 1


def test_a_row_sent_twice_is_refused(journalist):
    article = draft_by(journalist)
    row = section_rows(article)[0]
    with pytest.raises(services.ForeignRow):
        services.article_save_body(
            article=article, user=journalist, sections=[row, row], delegations=[]
        )


def test_members_may_move_between_delegations_of_one_article_only(journalist):
    article = draft_by(journalist)
    russia = DelegationFactory(article=article, party="Russia", position=0)
    ukraine = DelegationFactory(article=article, party="Ukraine", position=1)
    member = DelegationMemberFactory(delegation=russia, name="Vladimir Medinsky", is_head=True)
    elsewhere = DelegationMemberFactory(delegation=DelegationFactory(party="Türkiye"))
    moved = [
        DelegationRow(russia.pk, "Russia", "", 0),
        DelegationRow(
            ukraine.pk, "Ukraine", "", 1, members=(MemberRow(member.pk, member.name, "", True, 0),)
        ),
    ]
    services.article_save_body(article=article, user=journalist, sections=[], delegations=moved)
    member.refresh_from_db()
    assert member.delegation_id == ukraine.pk
    stolen = [
        DelegationRow(
            russia.pk, "Russia", "", 0, members=(MemberRow(elsewhere.pk, "X", "", False, 0),)
        )
    ]
    with pytest.raises(services.ForeignRow):
        services.article_save_body(
            article=article, user=journalist, sections=[], delegations=stolen
        )
    elsewhere.refresh_from_db()
    assert elsewhere.name != "X"


def test_the_body_is_saved_in_the_order_sent_and_rows_not_sent_stay(journalist):
    article = draft_by(journalist)
    first = article.sections.get()
    rows = [
        SectionRow(None, "outlook", "", "What comes next.", 5),
        SectionRow(first.pk, first.kind, first.heading, "Rewritten.", 9),
    ]
    changes = services.article_save_body(
        article=article, user=journalist, sections=rows, delegations=[]
    )
    assert [(s.kind, s.body, s.position) for s in article.sections.order_by("position")] == [
        ("outlook", "What comes next.", 0),
        (first.kind, "Rewritten.", 1),
    ]
    assert (len(changes.added), len(changes.changed), len(changes.deleted)) == (1, 1, 0)
    assert changes.changed[0][1] == ["body", "position"]


def test_the_body_service_refuses_those_who_may_not_edit(journalist):
    other = draft_by(staff_member("Journalists", "other"))
    with pytest.raises(services.WorkflowError, match="permission to edit"):
        services.article_save_body(
            article=other, user=journalist, sections=section_rows(other), delegations=[]
        )


def test_an_article_holds_a_bounded_number_of_sections(journalist):
    article = draft_by(journalist)
    rows = [SectionRow(None, "text", "", "A line.", n) for n in range(services.MAX_SECTIONS)]
    with pytest.raises(services.WorkflowError, match=f"at most {services.MAX_SECTIONS}"):
        services.article_save_body(article=article, user=journalist, sections=rows, delegations=[])
    assert article.sections.count() == 1


def test_an_article_holds_exactly_its_bounds_and_not_one_more(journalist):
    article = draft_by(journalist)  # one section already
    sections = [SectionRow(None, "text", "", "A line.", n) for n in range(1, services.MAX_SECTIONS)]
    members = tuple(
        MemberRow(None, f"Member {n}", "", False, n) for n in range(services.MAX_MEMBERS)
    )
    delegations = [DelegationRow(None, "Party 0", "", 0, members=members)] + [
        DelegationRow(None, f"Party {n}", "", n) for n in range(1, services.MAX_DELEGATIONS)
    ]
    services.article_save_body(
        article=article, user=journalist, sections=sections, delegations=delegations
    )
    assert article.sections.count() == services.MAX_SECTIONS
    assert article.delegations.count() == services.MAX_DELEGATIONS
    full = article.delegations.get(party="Party 0")
    assert full.members.count() == services.MAX_MEMBERS

    for one_more in (
        {"sections": [SectionRow(None, "text", "", "One more.", 99)], "delegations": []},
        {"sections": [], "delegations": [DelegationRow(None, "One more", "", 99)]},
        {
            "sections": [],
            "delegations": [
                DelegationRow(
                    full.pk, "Party 0", "", 0, members=(MemberRow(None, "One more", "", False, 99),)
                )
            ],
        },
    ):
        with pytest.raises(services.WorkflowError, match="at most"):
            services.article_save_body(article=article, user=journalist, **one_more)
    assert article.sections.count() == services.MAX_SECTIONS
    assert article.delegations.count() == services.MAX_DELEGATIONS
    assert full.members.count() == services.MAX_MEMBERS


def test_the_sections_hold_exactly_the_most_characters_and_not_one_more(journalist):
    article = ArticleFactory(author=journalist, status=S.DRAFT, published_at=None)
    per_section = services.MAX_BODY_LENGTH // 5
    word = "a" * 9 + " "  # ten characters; Markdown allows each section its own bound
    full = [
        SectionRow(None, "text", "", (word * (per_section // 10)).rstrip() + ".", n)
        for n in range(5)
    ]
    assert sum(len(row.body) for row in full) == services.MAX_BODY_LENGTH
    services.article_save_body(article=article, user=journalist, sections=full, delegations=[])
    assert article.sections.count() == 5
    one_more = [SectionRow(None, "text", "", "b", 5)]
    with pytest.raises(services.WorkflowError, match="100,001 characters together"):
        services.article_save_body(
            article=article, user=journalist, sections=one_more, delegations=[]
        )
    assert article.sections.count() == 5


def test_a_credited_and_licensed_lead_image_lets_the_article_through(editor, settings):
    settings.NEWSROOM_REQUIRE_BIAS_RATING = False
    article = draft_by(editor, lead_image=ImageFactory())
    assert services.article_publish_gate(article) == []
    article.lead_image.license = ""
    assert services.article_publish_gate(article) == ["a licence for the lead image"]


# article_edit: what one save of the article's page does


def test_an_edit_saves_the_body_records_a_revision_and_moves(journalist, editor, settings):
    settings.NEWSROOM_REQUIRE_BIAS_RATING = False
    article = draft_by(journalist)
    received = []

    def listener(sender, *, article, **kwargs):
        received.append(article.pk)

    events.article_text_changed.connect(listener)
    try:
        outcome = services.article_edit(
            article=article,
            user=journalist,
            created=False,
            sections=[*section_rows(article), SectionRow(None, "outlook", "", "Next week.", 1)],
            delegations=[],
            target=S.IN_REVIEW,
        )
    finally:
        events.article_text_changed.disconnect(listener)
    assert received == [article.pk, article.pk]  # the edit's revision, then the move's
    assert (len(outcome.body.added), outcome.moved.status, outcome.refused) == (
        1, S.IN_REVIEW, ""
    )  # fmt: skip
    assert article.sections.count() == 2
    labels = [v.revision.comment for v in Version.objects.get_for_object(article).order_by("pk")]
    assert labels == ["Edited", "Submitted"]


def test_a_refused_move_keeps_the_text_and_says_why(journalist):
    article = draft_by(journalist)
    outcome = services.article_edit(
        article=article,
        user=journalist,
        created=True,
        sections=[*section_rows(article), SectionRow(None, "outlook", "", "Next week.", 1)],
        delegations=[],
        target=S.PUBLISHED,
    )
    assert outcome.moved is None
    assert "permission to publish" in outcome.refused
    assert article.sections.count() == 2
    assert Article.objects.get(pk=article.pk).status == S.DRAFT
    assert Version.objects.get_for_object(article).get().revision.comment == "Created"


def test_an_edit_adds_a_correction_for_an_editor(editor):
    article = ArticleFactory(status=S.PUBLISHED, author=editor)
    SectionFactory(article=article)
    outcome = services.article_edit(
        article=article,
        user=editor,
        created=False,
        sections=section_rows(article),
        delegations=[],
        correction="  The vote was on Tuesday.  ",
    )
    assert outcome.refused == ""
    assert article.corrections.get().note == "The vote was on Tuesday."


def test_an_edit_with_a_foreign_row_saves_nothing(journalist):
    article = draft_by(journalist)
    victim = SectionFactory(article=ArticleFactory(status=S.PUBLISHED), body="Theirs.")
    with pytest.raises(services.ForeignRow):
        services.article_edit(
            article=article,
            user=journalist,
            created=False,
            sections=[SectionRow(victim.pk, "text", "", "Mine.", 0)],
            delegations=[],
        )
    victim.refresh_from_db()
    assert victim.body == "Theirs."
    assert not Version.objects.get_for_object(article).exists()


# revisions


def test_a_revision_of_another_article_is_not_restored(editor):
    article = draft_by(editor)
    other = draft_by(editor)
    services.article_record_revision(article=other, user=editor, comment="Changed")
    version = Version.objects.get_for_object(other).get()
    with pytest.raises(services.WorkflowError, match="another article"):
        services.article_restore_revision(article=article, version=version, user=editor)


def test_restoring_needs_the_right_to_edit(journalist, editor):
    article = draft_by(editor, title="Editor's title")
    services.article_record_revision(article=article, user=editor, comment="Changed")
    version = Version.objects.get_for_object(article).get()
    Article.objects.filter(pk=article.pk).update(title="Later title")
    with pytest.raises(services.WorkflowError, match="permission to edit"):
        services.article_restore_revision(article=article, version=version, user=journalist)
    restored = services.article_restore_revision(article=article, version=version, user=editor)
    assert restored.title == "Editor's title"
    assert Section.objects.filter(article=article).count() == 1


# images


def test_only_editors_and_the_uploader_change_an_image(journalist):
    image = ImageFactory(uploaded_by=staff_member("Journalists", "photographer"))
    image.credit = "Someone else"
    with pytest.raises(services.WorkflowError, match="only the images you uploaded"):
        services.image_save(image=image, file_changed=False, user=journalist)
    assert type(image).objects.get(pk=image.pk).credit != "Someone else"


def test_deleting_an_image_keeps_the_articles_that_led_with_it(editor):
    image = ImageFactory()
    article = ArticleFactory(lead_image=image)
    services.image_delete(image=image)
    article.refresh_from_db()
    assert article.lead_image is None


def test_delegations_go_with_their_members(journalist):
    article = draft_by(journalist)
    delegation = DelegationFactory(article=article, party="Russia")
    DelegationMemberFactory(delegation=delegation)
    rows = [DelegationRow(delegation.pk, "Russia", "", 0, delete=True)]
    changes = services.article_save_body(
        article=article, user=journalist, sections=[], delegations=rows
    )
    assert [str(row) for row in changes.deleted] == ["Russia"]
    assert not Delegation.objects.exists() and not DelegationMember.objects.exists()


def test_the_history_names_each_revision(journalist, editor):
    article = draft_by(journalist)
    services.article_edit(
        article=article, user=journalist, created=True, sections=section_rows(article),
        delegations=[],
    )  # fmt: skip
    services.article_transition(article=article, target=S.IN_REVIEW, user=journalist)
    services.article_transition(article=article, target=S.DRAFT, user=editor, note="Source it.")
    services.article_transition(article=article, target=S.IN_REVIEW, user=journalist)
    RatingFactory(article=article)
    services.article_transition(
        article=article, target=S.PUBLISHED, user=editor,
        publish_at=timezone.now() + timedelta(hours=2),
    )  # fmt: skip
    services.article_transition(article=article, target=S.ARCHIVED, user=editor)
    labels = [v.revision.comment for v in Version.objects.get_for_object(article).order_by("pk")]
    assert labels == ["Created", "Submitted", "Returned", "Submitted", "Scheduled", "Withdrawn"]
    published = ArticleFactory(status=S.PUBLISHED, author=editor)
    services.article_add_correction(article=published, user=editor, note="The date was wrong.")
    services.article_transition(article=published, target=S.ARCHIVED, user=editor)
    restored_from = Version.objects.get_for_object(published).order_by("pk").first()
    services.article_restore_revision(article=published, version=restored_from, user=editor)
    labels = [v.revision.comment for v in Version.objects.get_for_object(published).order_by("pk")]
    assert labels == ["Correction", "Withdrawn", "Restored from rev 1"]
