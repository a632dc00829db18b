"""The automatic rules a new comment passes through before anyone reads it.

Pre-moderation is the default, as in Coral and WordPress: a comment waits for
a moderator unless a rule decides otherwise. Each rule that fires leaves its
reason on the comment, so moderators see why it landed where it did.
"""

import re
from dataclasses import dataclass

from articles.models import Comment, Commenter, ModerationSettings

# Anything a reader would click or paste into a browser: "http://", "https://", "www.".
LINK = re.compile(r"https?://|(?<![\w.])www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""


def screen(
    *,
    rules: ModerationSettings,
    author_name: str,
    author_email: str,
    body: str,
    moderator: bool = False,
    standing: str = Commenter.Standing.GOOD,
) -> Verdict:
    """Decide the status of a new comment, and say why.

    In order: a moderator's own comment is approved at once; a banned
    commenter's, or one with a banned word, is spam; suspect words, too many
    links, or a commenter whom moderators always pre-moderate hold it for a
    moderator; a known commenter's, when the site allows it, is approved at
    once; anything else waits.
    """
    if moderator:
        return Verdict(Comment.Status.APPROVED, "Posted by a moderator.")
    if standing == Commenter.Standing.BANNED:
        return Verdict(Comment.Status.SPAM, "Banned commenter.")
    text = f"{author_name}\n{author_email}\n{body}"
    if rules.banned_pattern and (match := rules.banned_pattern.search(text)):
        return Verdict(Comment.Status.SPAM, f"Banned word: “{match.group(0)}”.")
    held = []
    if rules.suspect_pattern and (match := rules.suspect_pattern.search(text)):
        held.append(f"Suspect word: “{match.group(0)}”.")
    links = len(LINK.findall(body))
    if links > rules.max_links:
        held.append(f"{links} links (more than {rules.max_links}).")
    if standing == Commenter.Standing.PREMODERATED:
        held.append("Always pre-moderated commenter.")
    if held:
        return Verdict(Comment.Status.PENDING, " ".join(held))
    if rules.auto_approve_known_commenters:
        approved = Comment.objects.filter(
            author_email=author_email, status=Comment.Status.APPROVED
        ).count()
        if approved >= rules.known_commenter_threshold:
            return Verdict(
                Comment.Status.APPROVED, f"Known commenter: {approved} approved comments."
            )
    return Verdict(Comment.Status.PENDING)
