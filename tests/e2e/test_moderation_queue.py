"""The moderation queue in a browser: a moderator decides from the keyboard; the cards
hold together at a desk's width and a phone's; the buttons work without JavaScript;
and a reader is told what happened where they are on the article page."""

import re

import pytest
from playwright.sync_api import expect

from articles.comments import services as comment_services
from articles.comments.views import AWAITING_MODERATION
from articles.models import Comment, Commenter, CommentReport, ModerationSettings
from tests.e2e.conftest import admin_login
from tests.factories import CommentFactory

pytestmark = pytest.mark.e2e

DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
QUEUE = "/admin/articles/comment/"
CURRENT = re.compile(r"\bis-current\b")
REPORT_THANKS = "Thanks — a moderator will look at this comment."
# Chromium logs the scripts a policy blocks, but not every violation reaches the
# console the same way: the page says so itself, from before any of its own code runs.
REPORT_CSP_VIOLATIONS = """document.addEventListener('securitypolicyviolation', (event) => {
    console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});"""


@pytest.fixture
def open_window(browser, live_server, open_browser):
    """open_browser's window with other browser settings, closed with the others.

    Without `bypass_csp`, unlike open_browser's: the site's own policy holds, so a
    script or style it blocks shows up as it would for a moderator.
    """

    def open_for(who: str, **options):
        window = open_browser(who)
        window.context.close()
        window.context = browser.new_context(base_url=live_server.url, viewport=DESK, **options)
        window.context.set_default_timeout(30_000)
        window.page = window.context.new_page()
        return window

    return open_for


def watch_for_errors(page) -> list[str]:
    """Every console error, uncaught exception and CSP violation of the page, as it happens."""
    errors = []

    def on_console(message):
        # The admin names no icon, so the browser asks for /favicon.ico on its own.
        browser_asked = message.location.get("url", "").endswith("/favicon.ico")
        if message.type == "error" and not browser_asked:
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    return errors


def pending_from(article, *names: str) -> list[Comment]:
    return [
        CommentFactory(
            article=article,
            author_name=name,
            author_email=f"{name.split()[0].lower()}@example.org",
            body=f"{name} thinks the delegations section should name every adviser.",
            status=Comment.Status.PENDING,
        )
        for name in names
    ]


def report(comment: Comment, *reasons: str) -> None:
    """One report per reason, each from another reader."""
    for number, reason in enumerate(reasons):
        key = f"reader-{comment.pk}-{number}"
        assert comment_services.comment_report(comment=comment, reporter_key=key, reason=reason)


def expect_current(page, comment: Comment, position: int) -> None:
    """The comment's card is the one current card, at that position in the queue."""
    card = page.locator(".queue-card").nth(position)
    expect(card).to_have_id(f"queue-comment-{comment.pk}")
    expect(card).to_have_class(CURRENT)
    expect(page.locator(".queue-card.is-current")).to_have_count(1)


def press_decision(page, key: str, done: str) -> None:
    """Press a decision's key: the page comes back from the server saying what was done."""
    with page.expect_navigation():
        page.keyboard.press(key)
    expect(page.locator(".messagelist")).to_contain_text(done)


def status_of(comment: Comment) -> str:
    return Comment.objects.get(pk=comment.pk).status


def open_reports(comment: Comment) -> int:
    return comment.reports.filter(resolved_at__isnull=True).count()


def test_a_moderator_decides_the_pending_queue_from_the_keyboard(seed_article, staff, open_window):
    first, second, third, fourth, fifth = pending_from(
        seed_article, "Olena Kovalenko", "Mark Turner", "Priya Sharma", "Jonas Weber", "Aiko Mori"
    )
    moderator_user = staff("Moderators")
    moderator = open_window("moderator")
    errors = watch_for_errors(moderator.page)
    admin_login(moderator, moderator_user)
    page = moderator.page
    moderator.goto(f"{QUEUE}?queue=pending")
    expect(page.locator(".queue-card")).to_have_count(5)
    expect_current(page, first, 0)

    page.keyboard.press("j")
    expect_current(page, second, 1)
    page.keyboard.press("j")
    expect_current(page, third, 2)
    page.keyboard.press("k")
    expect_current(page, second, 1)
    moderator.screenshot("second-current")

    # The decided comment leaves the queue: the next one takes its place, and its card.
    press_decision(page, "a", "Comment by “Mark Turner” is now approved.")
    decided = Comment.objects.get(pk=second.pk)
    assert (decided.status, decided.moderated_by) == (Comment.Status.APPROVED, moderator_user)
    expect(page.locator(".queue-card")).to_have_count(4)
    expect_current(page, third, 1)
    moderator.screenshot("approved")

    press_decision(page, "r", "Comment by “Priya Sharma” is now rejected.")
    assert status_of(third) == Comment.Status.REJECTED
    expect(page.locator(".queue-card")).to_have_count(3)
    expect_current(page, fourth, 1)

    press_decision(page, "s", "Comment by “Jonas Weber” is now spam.")
    assert status_of(fourth) == Comment.Status.SPAM
    expect(page.locator(".queue-card")).to_have_count(2)
    expect_current(page, fifth, 1)
    assert [status_of(c) for c in (first, fifth)] == [Comment.Status.PENDING] * 2

    keys = page.locator("#queue-keys")
    expect(keys).to_have_js_property("open", False)
    page.keyboard.press("?")
    expect(keys).to_have_js_property("open", True)
    expect(keys.get_by_text("mark as spam")).to_be_visible()
    moderator.screenshot("keys")
    page.keyboard.press("?")
    expect(keys).to_have_js_property("open", False)
    assert errors == []


def test_a_moderator_keeps_up_or_takes_down_reported_comments_from_the_keyboard(
    seed_article, staff, open_window, settings
):
    settings.NEWSROOM_COMMENTS_REPORT_THRESHOLD = 2
    kept, taken, once = (
        CommentFactory(article=seed_article, author_name=name, body=body)
        for name, body in [
            ("Dmytro Levchenko", "Both delegations sent their foreign ministers, not envoys."),
            ("Buy Followers", "Cheap followers at followers.example, best price!"),
            ("Sara Lind", "The outlook section is too hopeful."),
        ]
    )
    report(kept, CommentReport.Reason.ABUSIVE, CommentReport.Reason.OFF_TOPIC)
    report(taken, CommentReport.Reason.SPAM, CommentReport.Reason.SPAM)
    report(once, CommentReport.Reason.OFF_TOPIC)  # under the threshold: not in the queue
    moderator = open_window("moderator")
    errors = watch_for_errors(moderator.page)
    admin_login(moderator, staff("Moderators"))
    page = moderator.page
    moderator.goto(f"{QUEUE}?queue=reported")
    expect(page.locator(".queue-card")).to_have_count(2)
    expect_current(page, kept, 0)
    expect(page.locator(".queue-card.is-current [data-decision]")).to_have_text(
        ["Keep up a", "Take down r", "Spam s"]
    )
    moderator.screenshot("reported")

    press_decision(page, "a", "Comment by “Dmytro Levchenko” is kept up; its reports are resolved.")
    assert status_of(kept) == Comment.Status.APPROVED
    assert (open_reports(kept), kept.reports.count()) == (0, 2)
    expect_current(page, taken, 0)

    press_decision(page, "r", "Comment by “Buy Followers” is taken down.")
    assert status_of(taken) == Comment.Status.REJECTED
    assert (open_reports(taken), taken.reports.count()) == (0, 2)
    expect(page.locator(".queue-empty")).to_contain_text("No reported comments")
    assert list(Comment.objects.reported()) == []
    assert (status_of(once), open_reports(once)) == (Comment.Status.APPROVED, 1)
    moderator.screenshot("reported-done")
    assert errors == []


LONG_BODY = (
    "I was in Istanbul for the first round in 2022, and the order of the delegations in this "
    "report matches what we saw from the press room: the Ukrainian side arrived first, the "
    "Turkish hosts opened the session, and the Russian delegation spoke last.\n\n"
    "What is missing is the list of advisers. Two of them were on the 2022 delegation as "
    "well, and readers would understand the continuity better if they were named, with "
    "their roles, in the Delegations section.\n\n"
    "The outlook section also reads as more hopeful than the sources quoted in it."
)
LINKS_BODY = (
    "Full transcript here: https://transcripts.example.org/istanbul/2025/05/16/"
    "plenary-session-full-unedited-recording-and-translation-into-english-and-turkish "
    "and a summary at https://summary.example.org/ and www.mirror.example.net too."
)


def fill_the_queue(article, moderator, journalist) -> tuple[Comment, Comment]:
    """A morning's queue, made through the services as readers and moderators make it:
    a reply, rule reasons, reported comments, a staff comment, a noted and a banned
    commenter. Returns a comment of the banned and one of the pre-moderated commenter."""
    rules = ModerationSettings.load()
    rules.suspect_words = "ceasefire"
    rules.save()

    def post(name, email, body, **fields):
        return comment_services.comment_create(
            article=article, author_name=name, author_email=email, body=body, **fields
        )

    parent = CommentFactory(
        article=article,
        author_name="Mykola Hrytsenko",
        author_email="mykola@example.org",
        body="The delegations section is the clearest account of who was in the room.",
    )
    post("Anna Schmidt", "anna@example.org", "Agreed, and it names the heads.", parent=parent)
    post("Tomás Ferreira", "tomas@example.org", "Any ceasefire needs monitors first.")
    post("Link Collector", "links@example.org", LINKS_BODY)
    post("Hanna Virtanen", "hanna@example.org", LONG_BODY)
    comment_services.commenter_update(
        email="leon@example.org",
        user=moderator,
        standing=Commenter.Standing.PREMODERATED,
        note="Posts the same text under several names; check before approving.",
    )
    premoderated = post("Leon Brandt", "leon@example.org", "Nobody asked the people of Donbas.")
    post("Desk reporter", journalist.email, "A correction is on its way.", user=journalist)
    for body in ("Cheap flights to Istanbul!", "Visa help, fast!"):
        CommentFactory(
            article=article, author_email="promo@example.com", body=body, status=Comment.Status.SPAM
        )
    banned = CommentFactory(
        article=article,
        author_name="Travel Deals 24/7",
        author_email="promo@example.com",
        body="Best hotels near Dolmabahçe Palace, book now at deals.example.com",
        status=Comment.Status.PENDING,
    )
    comment_services.commenter_update(
        email=banned.author_email,
        user=moderator,
        standing=Commenter.Standing.BANNED,
        note="Advertising under a new name every week.",
        reason="Advertising in every comment.",
    )

    reported = CommentFactory(
        article=article,
        author_name="Ivan Petrov-Vodkin",
        author_email="ivan@example.org",
        body="Everyone on that delegation is a criminal and should be treated like one.",
    )
    report(
        reported,
        CommentReport.Reason.ABUSIVE,
        CommentReport.Reason.ABUSIVE,
        CommentReport.Reason.OFF_TOPIC,
    )
    reply = CommentFactory(
        article=article,
        parent=parent,
        author_name="Sergei",
        author_email="sergei@example.org",
        body="Only if you ignore who walked out.",
    )
    report(reply, CommentReport.Reason.SPAM, CommentReport.Reason.OTHER)
    return banned, premoderated


# The outermost elements that reach past the window's right edge, to say what to fix;
# inside a box that scrolls or clips on its own, reaching past it is that box's business.
STICKING_OUT = """() => {
    const edge = window.innerWidth;
    const held = (element) => {
        for (let box = element.parentElement; box !== document.body; box = box.parentElement) {
            if (getComputedStyle(box).overflowX !== 'visible') return true;
        }
        return false;
    };
    return [...document.body.querySelectorAll('*')]
        .filter((element) => element.getBoundingClientRect().right > edge && !held(element))
        .slice(0, 3)
        .map((element) => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
            + [...element.classList].map((name) => '.' + name).join(''));
}"""


def sideways_problem(page, where: str) -> list[str]:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow <= 0:
        return []
    culprits = ", ".join(page.evaluate(STICKING_OUT))
    return [f"{where}: the page scrolls sideways by {overflow}px ({culprits})"]


def desk_problems(page, where: str) -> list[str]:
    """At a desk's width: no sideways scroll, and each card's buttons beside its text."""
    problems = sideways_problem(page, where)
    for card in page.locator(".queue-card").all():
        buttons = card.locator(".queue-card__decide")
        if not buttons.count():
            continue
        text, decide = card.locator(".queue-card__body").bounding_box(), buttons.bounding_box()
        right_of_text = decide["x"] > text["x"] + text["width"]
        level_with_text = decide["y"] < text["y"] + text["height"]
        if not (right_of_text and level_with_text):
            problems.append(f"{where}, {card.get_attribute('id')}: buttons {decide}, text {text}")
    return problems


def phone_problems(page, where: str, buttons: str) -> list[str]:
    """At a phone's width: no sideways scroll, and buttons a thumb can hit, all in view."""
    problems = sideways_problem(page, where)
    width = page.evaluate("window.innerWidth")
    for button in page.locator(buttons).all():
        box = button.bounding_box()
        name = f"{where}, “{button.inner_text()}”"
        if box["height"] < 40:
            problems.append(f"{name} is {box['height']:.0f}px tall")
        if box["x"] < 0 or box["x"] + box["width"] > width:
            problems.append(f"{name} reaches {box['x']:.0f}..{box['x'] + box['width']:.0f}px")
    return problems


def test_the_queue_and_the_commenter_page_at_a_desk_and_on_a_phone(
    seed_article, staff, open_browser, settings
):
    settings.NEWSROOM_COMMENTS_REPORT_THRESHOLD = 2
    moderator_user = staff("Moderators")
    banned, premoderated = fill_the_queue(seed_article, moderator_user, staff("Journalists"))
    moderator = open_browser("moderator")
    admin_login(moderator, moderator_user)
    page = moderator.page
    decision_buttons = ".queue-card__decide .button"
    pages = [
        ("pending-queue", f"{QUEUE}?queue=pending", decision_buttons),
        ("reported-queue", f"{QUEUE}?queue=reported", decision_buttons),
        ("commenter-banned", f"{QUEUE}{banned.pk}/commenter/", ".commenter__actions .button"),
        (
            "commenter-premoderated",
            f"{QUEUE}{premoderated.pk}/commenter/",
            ".commenter__actions .button",
        ),
    ]
    # Every picture is taken before anything is judged, so that one fault hides no other.
    problems = []
    for name, path, buttons in pages:
        page.set_viewport_size(DESK)
        moderator.goto(path)
        moderator.screenshot(f"{name}-1280")
        problems += desk_problems(page, f"{name} at 1280px")
        # A narrow window rather than a phone's emulation: a phone zooms out to fit a page
        # that overflows, and would hide the very overflow this looks for.
        page.set_viewport_size(PHONE)
        moderator.screenshot(f"{name}-390")
        problems += phone_problems(page, f"{name} at 390px", buttons)

    page.set_viewport_size(DESK)
    moderator.goto(f"{QUEUE}?queue=pending")
    cards = page.locator(".queue-card")
    expect(cards).to_have_count(7)
    expect(cards.filter(has=page.locator(".queue-card__parent"))).to_have_count(1)
    expect(cards.filter(has_text="Rule: Suspect word: “ceasefire”.")).to_have_count(1)
    expect(cards.filter(has_text="Moderators’ note: Advertising")).to_have_count(1)
    expect(cards.locator(".badge--banned")).to_have_text(["Banned"])
    moderator.goto(f"{QUEUE}?queue=reported")
    expect(page.locator(".queue-card")).to_have_count(2)
    expect(page.locator(".queue-card").first).to_contain_text(
        "Reported: Abusive or offensive ×2, Off topic ×1"
    )
    assert not problems, "\n".join(problems)


def test_the_approve_button_works_without_javascript(seed_article, staff, open_window):
    (comment,) = pending_from(seed_article, "Olena Kovalenko")
    moderator = open_window("moderator", java_script_enabled=False)
    admin_login(moderator, staff("Moderators"))
    page = moderator.page
    moderator.goto(f"{QUEUE}?queue=pending")
    card = page.locator(f"#queue-comment-{comment.pk}")
    expect(card).not_to_have_class(CURRENT)  # no script ran: nothing chose a card
    with page.expect_navigation():
        card.get_by_role("button", name="Approve").click()
    expect(page.locator(".messagelist")).to_contain_text("now approved")
    assert status_of(comment) == Comment.Status.APPROVED
    expect(page.locator(".queue-card")).to_have_count(0)
    moderator.screenshot("approved-without-javascript")


def view_screenshot(window, step: str):
    """What is on the reader's screen, not the whole page: the point is where a notice lands."""
    count = len(list(window.artifacts.glob("*.png"))) + 1
    path = window.artifacts / f"{count:02d}-{window.who}-{step}.png"
    window.page.screenshot(path=path)
    return path


def assert_in_view(page, notice) -> None:
    box = notice.bounding_box()
    height = page.viewport_size["height"]
    assert 0 <= box["y"] < height, f"the notice's top is at {box['y']}px, out of the window"
    assert box["y"] + box["height"] <= height, f"the notice is cut off at the bottom: {box}"


def test_a_reader_is_told_beside_the_comment_and_at_the_form(seed_article, open_browser):
    comments = [
        CommentFactory(
            article=seed_article,
            author_name=f"Reader {number}",
            body=f"Comment number {number}: the Background section explains the 2022 talks well.",
        )
        for number in range(1, 31)
    ]
    reported = comments[24]
    reader = open_browser("reader")
    page = reader.page
    page.set_viewport_size(PHONE)
    reader.goto(seed_article.get_absolute_url())
    comment = page.locator(f"#comment-{reported.pk}")
    with page.expect_navigation():
        comment.get_by_role("link", name="Report").click()
    expect(page.locator(".report-page__comment")).to_contain_text("Comment number 25")
    view_screenshot(reader, "report-390")
    page.get_by_label("Why should a moderator look at this comment?").select_option(
        CommentReport.Reason.OFF_TOPIC
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Report comment").click()
    notice = comment.get_by_role("status")
    expect(notice).to_have_text(REPORT_THANKS)
    expect(page.get_by_text(REPORT_THANKS)).to_have_count(1)
    assert_in_view(page, notice)
    view_screenshot(reader, "reported-390")
    assert reported.reports.get().reason == CommentReport.Reason.OFF_TOPIC

    form = page.locator("#comment-form")
    form.get_by_label("Name").fill("Olena K.")
    form.get_by_label("Email").fill("olena@example.org")
    form.get_by_label("Comment", exact=True).fill("Please add the advisers to the delegations.")
    with page.expect_navigation():
        form.get_by_role("button", name="Post comment").click()
    notice = form.get_by_role("status")
    expect(notice).to_have_text(AWAITING_MODERATION)
    expect(page.get_by_text(AWAITING_MODERATION)).to_have_count(1)
    assert_in_view(page, notice)
    view_screenshot(reader, "posted-390")
    posted = Comment.objects.get(author_email="olena@example.org")
    assert posted.status == Comment.Status.PENDING
