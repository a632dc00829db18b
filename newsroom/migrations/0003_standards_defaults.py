"""The standards pages with a first text each, so that a fresh site has them at their
addresses; editors rewrite them in the admin. Editors get the right to change them."""

from django.db import migrations

from articles.markdown import render_markdown
from articles.migrations._roles import ensure_permissions, grant, revoke

ROLE_PERMISSIONS = {
    "Editors": ["newsroom.change_standardspage", "newsroom.view_standardspage"],
}

# (kind, summary, body in Markdown)
PAGES = [
    (
        "ethics",
        "The principles every story we publish is held to: accuracy, fairness, independence "
        "and accountability.",
        "We report facts we have checked, say where they come from, and separate them from "
        "analysis and opinion, each labelled as such above the headline.\n\n"
        "- **Accuracy.** We confirm what we publish with more than one source wherever we can, "
        "and say so when we cannot.\n"
        "- **Fairness.** People and parties we write about are given the chance to answer "
        "before publication, and their answer is reported.\n"
        "- **Independence.** No owner, funder or advertiser sees a story before it is "
        "published or decides what we cover. Staff declare any interest in a story they work "
        "on, and leave it to others when the interest is real.\n"
        "- **Accountability.** Mistakes are corrected in the open, on the article and on our "
        "corrections page.\n"
        "- **No payment for news.** We do not pay sources for information, and we do not accept "
        "gifts or trips from those we cover.\n",
    ),
    (
        "corrections",
        "How we correct mistakes and clarify what could be misread, on the article and in "
        "one public list.",
        "When we publish something wrong we correct it as soon as we have confirmed the error, "
        "and we say so.\n\n"
        "- A **correction** fixes an error of fact. A **clarification** makes plain something "
        "that was accurate but could be misread.\n"
        "- Each one is added at the end of the article, dated, and never removed; the article "
        "shows when it was last updated.\n"
        "- Every correction and clarification is also listed, newest first, on our corrections "
        "page, and marked in our feeds and in the article's data for search engines.\n"
        "- Spelling and typing mistakes that change no meaning are fixed without a note.\n\n"
        "To report an error, write to the newsroom (see Feedback and contact), naming the "
        "article and what is wrong. An editor reads every report.\n",
    ),
    (
        "verification",
        "How we check facts, quotes, pictures and numbers before they are published.",
        "Every article is read by an editor before it is published.\n\n"
        "- Facts are confirmed with a second, independent source, or attributed to the one "
        "source that states them.\n"
        "- Quotes are checked against a recording, a transcript or a published statement.\n"
        "- Photographs carry their credit and licence. We read the credits and Content "
        "Credentials a picture carries, show whether its signature could be verified, and "
        "never publish a picture as a photograph when its credentials say it was generated.\n"
        "- Numbers are checked against their original publication, which we link.\n",
    ),
    (
        "unnamed-sources",
        "When we rely on sources we do not name, and what we tell readers when we do.",
        "We name our sources. We grant anonymity only when the information is important to "
        "readers, cannot be had on the record, and the source would face real harm if named.\n\n"
        "- An editor must know who the source is and agree to the anonymity.\n"
        "- We tell readers why the source was not named and what puts them in a position to "
        "know.\n"
        "- We do not let an unnamed source attack someone personally.\n",
    ),
    (
        "ownership",
        "Who owns and funds this newsroom, and how we keep the money away from the news.",
        "This newsroom is owned by its publisher and funded by readers' subscriptions and "
        "donations and by advertising. No funder is told of a story before it is published, "
        "and none has any say in what we cover or how.\n\n"
        "Editors replace this text with the owners' names, the funders who gave more than a "
        "set share of the year's income, and how to learn more.\n",
    ),
    (
        "masthead",
        "The editors and staff responsible for what we publish.",
        "The masthead lists the editor in chief, the editors who review and publish articles "
        "and sign off bias ratings, the bias analysts' panel (by number, not by name) and the "
        "moderators who read readers' comments.\n\n"
        "Editors replace this text with the names and roles of the newsroom's staff.\n",
    ),
    (
        "feedback",
        "How to reach the newsroom: to report an error, to comment, or to tell us a story.",
        "We want to hear from readers.\n\n"
        "- **Report an error**: write to the newsroom naming the article and what is wrong; an "
        "editor answers, and a confirmed error is corrected as our corrections policy says.\n"
        "- **Comment**: every article is open to readers' comments, read by our moderators "
        "before they are published.\n"
        "- **Question a bias rating**: write to the newsroom; an editor can send the article "
        "back to the panel.\n\n"
        "Editors replace this text with the newsroom's address and how soon it answers.\n",
    ),
]


def create_pages(apps, schema_editor):
    StandardsPage = apps.get_model("newsroom", "StandardsPage")
    for kind, summary, body in PAGES:
        StandardsPage.objects.get_or_create(
            kind=kind,
            defaults={"summary": summary, "body": body, "body_html": render_markdown(body)},
        )
    ensure_permissions(apps)
    for role, names in ROLE_PERMISSIONS.items():
        grant(apps, role, names)


def remove_pages(apps, schema_editor):
    apps.get_model("newsroom", "StandardsPage").objects.all().delete()
    for role, names in ROLE_PERMISSIONS.items():
        revoke(apps, role, names)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0002_standards_pages"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(create_pages, remove_pages)]
