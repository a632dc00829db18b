"""Article revisions: stored by django-reversion, read and compared here.

A revision holds the article's text (title, summary, lead image) with its
sections, delegations and members as they were after one save. Workflow
fields (status, dates, author) are not part of it: restoring an old text
never moves an article through the workflow.
"""

import difflib
import re
from dataclasses import dataclass
from html import unescape

import reversion
from django.core.exceptions import ValidationError
from reversion.models import Version

from articles.markdown import render_markdown
from articles.models import Article, Delegation, DelegationMember, Section

ARTICLE_FIELDS = ["title", "summary", "article_type", "backstory", "lead_image"]
SECTION_FIELDS = ["article", "kind", "heading", "body", "position"]
DELEGATION_FIELDS = ["article", "party", "notes", "position"]
MEMBER_FIELDS = ["delegation", "name", "role", "is_head", "position"]


def register_models() -> None:
    reversion.register(Article, fields=ARTICLE_FIELDS, follow=["sections", "delegations"])
    reversion.register(Section, fields=SECTION_FIELDS)
    reversion.register(Delegation, fields=DELEGATION_FIELDS, follow=["members"])
    reversion.register(DelegationMember, fields=MEMBER_FIELDS)


@dataclass
class Snapshot:
    """An article's text as one revision holds it."""

    article: dict
    sections: list[dict]
    delegations: list[dict]  # each with its "members"


def snapshot(version: Version) -> Snapshot:
    """Read the whole article from the revision that `version` belongs to."""
    by_model: dict[type, list[dict]] = {}
    for item in version.revision.version_set.select_related("content_type"):
        by_model.setdefault(item.content_type.model_class(), []).append(
            {**item.field_dict, "pk": int(item.object_id)}
        )
    article = next(row for row in by_model.get(Article, []) if row["pk"] == int(version.object_id))
    members = sorted(by_model.get(DelegationMember, []), key=lambda m: (m["position"], m["pk"]))
    delegations = [
        {**d, "members": [m for m in members if m["delegation_id"] == d["pk"]]}
        for d in sorted(by_model.get(Delegation, []), key=lambda d: (d["position"], d["pk"]))
    ]
    sections = sorted(by_model.get(Section, []), key=lambda s: (s["position"], s["pk"]))
    return Snapshot(article=article, sections=sections, delegations=delegations)


@dataclass(frozen=True)
class Change:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass
class BlockDiff:
    """One part of the article (its title, summary, a section under its heading, a
    delegation), as readers read it, with what changed word by word, line by line."""

    name: str
    changed: bool
    lines: list[list[Change]]


# Word-level comparison looks inside changed lines; past this many words in one part, or
# in one line, whole lines are compared instead, so that a long text rewritten throughout
# stays quick.
MAX_WORDS_COMPARED = 5000
MAX_WORDS_IN_A_LINE = 400


def compare(older: Snapshot, newer: Snapshot) -> list[BlockDiff]:
    """What changed between two revisions, part by part, as readers read the text.

    Sections are matched by identity (a section edited stays itself), then by place;
    each is compared as it renders (Markdown to text, a line per paragraph or list
    item), word by word within changed lines. Plain text: the template escapes it.
    """
    blocks = [
        _block("Title", [older.article["title"]], [newer.article["title"]]),
        _block("Summary", [older.article["summary"]], [newer.article["summary"]]),
        # Revisions kept before the article had a type and a backstory hold neither.
        _block("Type", [_type(older)], [_type(newer)]),
        _block("How we reported this", _plain_lines(older), _plain_lines(newer)),
    ]
    for before, after in _paired(older.sections, newer.sections):
        heading = (after or before)["heading"]
        blocks.append(
            _block(
                f"Section: {heading}",
                _rendered_lines(before["body"]) if before else [],
                _rendered_lines(after["body"]) if after else [],
                added=before is None,
                removed=after is None,
            )
        )
    for before, after in _paired(older.delegations, newer.delegations):
        party = (after or before)["party"]
        blocks.append(
            _block(
                f"Delegation: {party}",
                _delegation_lines(before) if before else [],
                _delegation_lines(after) if after else [],
                added=before is None,
                removed=after is None,
            )
        )
    return blocks


def _paired(old_rows: list[dict], new_rows: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """Rows of two revisions in pairs: the same row by id, then the rest by place."""
    new_by_pk = {row["pk"]: row for row in new_rows}
    pairs, unmatched_old = [], []
    for row in old_rows:
        if row["pk"] in new_by_pk:
            pairs.append((row, new_by_pk.pop(row["pk"])))
        else:
            unmatched_old.append(row)
    unmatched_new = [row for row in new_rows if row["pk"] in new_by_pk]
    for index in range(max(len(unmatched_old), len(unmatched_new))):
        before = unmatched_old[index] if index < len(unmatched_old) else None
        after = unmatched_new[index] if index < len(unmatched_new) else None
        pairs.append((before, after))
    order = {id(row): n for n, row in enumerate(new_rows)}
    return sorted(pairs, key=lambda pair: order.get(id(pair[1]), len(new_rows)))


BLOCK_END = re.compile(r"</(?:p|li|h\d|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)
LIST_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def _type(snapshot: Snapshot) -> str:
    value = snapshot.article.get("article_type", "")
    return Article.Type(value).label if value in Article.Type.values else value


def _plain_lines(snapshot: Snapshot) -> list[str]:
    """The backstory (plain text, a paragraph per line on the page)."""
    return [line.strip() for line in snapshot.article.get("backstory", "").splitlines() if line]


def _rendered_lines(markdown: str) -> list[str]:
    """The text a reader reads of this Markdown: a line per paragraph, heading or list item.
    A text saved before today's bounds is shown as it was typed."""
    try:
        html = LIST_ITEM.sub("• ", render_markdown(markdown))
    except ValidationError:
        return [line.strip() for line in markdown.splitlines() if line.strip()]
    text = unescape(TAG.sub("", BLOCK_END.sub("\n", html)))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _delegation_lines(delegation: dict) -> list[str]:
    lines = [f"{delegation['party']}:", *_rendered_lines(delegation["notes"])]
    for member in delegation["members"]:
        head = " (head of delegation)" if member["is_head"] else ""
        lines.append(f"{member['name']}, {member['role']}{head}")
    return lines


def _block(name, before, after, *, added=False, removed=False) -> BlockDiff:
    if added or removed:
        kind = "added" if added else "removed"
        return BlockDiff(name, True, [[Change(kind, line)] for line in (after or before)])
    words = sum(len(line.split()) for line in (*before, *after))
    lines = []
    matcher = difflib.SequenceMatcher(None, before, after)
    for code, old_from, old_to, new_from, new_to in matcher.get_opcodes():
        if code == "equal":
            lines += [[Change("same", line)] for line in before[old_from:old_to]]
            continue
        old_lines, new_lines = before[old_from:old_to], after[new_from:new_to]
        if code == "replace" and words <= MAX_WORDS_COMPARED:
            paired = list(zip(old_lines, new_lines, strict=False))
            for old_line, new_line in paired:
                if max(len(old_line.split()), len(new_line.split())) > MAX_WORDS_IN_A_LINE:
                    lines += [[Change("removed", old_line)], [Change("added", new_line)]]
                else:
                    lines.append(_words(old_line, new_line))
            old_lines, new_lines = old_lines[len(paired) :], new_lines[len(paired) :]
        lines += [[Change("removed", line)] for line in old_lines]
        lines += [[Change("added", line)] for line in new_lines]
    return BlockDiff(name, before != after, lines)


def _words(before: str, after: str) -> list[Change]:
    """One changed line, word by word."""
    old_words, new_words = before.split(" "), after.split(" ")
    changes = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for code, old_from, old_to, new_from, new_to in matcher.get_opcodes():
        if code == "equal":
            changes.append(Change("same", " ".join(old_words[old_from:old_to])))
            continue
        if old_to > old_from:
            changes.append(Change("removed", " ".join(old_words[old_from:old_to])))
        if new_to > new_from:
            changes.append(Change("added", " ".join(new_words[new_from:new_to])))
    return changes


def versions_of(article: Article):
    return (
        Version.objects.get_for_object(article)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def revision_number(version: Version) -> int:
    """The revision's number in its article's history, the first being 1."""
    earlier = Version.objects.get_for_object_reference(
        version.content_type.model_class(), version.object_id
    ).filter(pk__lte=version.pk)
    return earlier.count()


def numbered(versions) -> list[tuple[int, Version]]:
    """Versions, newest first, each with its number in the article's history."""
    versions = list(versions)
    return [(len(versions) - index, version) for index, version in enumerate(versions)]
