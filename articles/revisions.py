"""Article revisions: stored by django-reversion, read and compared here.

A revision holds the article's text (title, summary, lead image) with its
sections, delegations and members as they were after one save. Workflow
fields (status, dates, author) are not part of it: restoring an old text
never moves an article through the workflow.
"""

import difflib
from dataclasses import dataclass

import reversion
from reversion.models import Version

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

    def as_text(self) -> dict[str, str]:
        """Field name -> plain text, the form in which revisions are compared."""
        sections = "\n\n".join(
            f"## {s['heading']} [{s['kind']}]\n{s['body'].strip()}" for s in self.sections
        )
        delegations = "\n\n".join(_delegation_text(d) for d in self.delegations)
        return {
            "Title": self.article["title"],
            "Summary": self.article["summary"],
            # Revisions kept before the article had them hold neither.
            "Type": self.article.get("article_type", ""),
            "How we reported this": self.article.get("backstory", ""),
            "Sections": sections,
            "Delegations": delegations,
        }


def _delegation_text(delegation: dict) -> str:
    lines = [f"{delegation['party']}:", delegation["notes"].strip()]
    for member in delegation["members"]:
        head = " (head of delegation)" if member["is_head"] else ""
        lines.append(f"- {member['name']}, {member['role']}{head}")
    return "\n".join(lines)


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


@dataclass
class FieldDiff:
    name: str
    changed: bool
    lines: list[tuple[str, str]]  # (kind: "same" | "added" | "removed", text)


def compare(older: Snapshot, newer: Snapshot) -> list[FieldDiff]:
    """Line-by-line differences, field by field; plain text, escaped by the template.

    Matched as whole lines (difflib's SequenceMatcher), without ndiff's search for
    similar lines inside each changed block, which on a long article rewritten
    throughout took more than a minute.
    """
    diffs = []
    old_text, new_text = older.as_text(), newer.as_text()
    for name, before in old_text.items():
        after = new_text[name]
        old_lines, new_lines = before.splitlines(), after.splitlines()
        lines = []
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines)
        for code, old_from, old_to, new_from, new_to in matcher.get_opcodes():
            if code == "equal":
                lines += [("same", line) for line in old_lines[old_from:old_to]]
                continue
            lines += [("removed", line) for line in old_lines[old_from:old_to]]
            lines += [("added", line) for line in new_lines[new_from:new_to]]
        diffs.append(FieldDiff(name=name, changed=before != after, lines=lines))
    return diffs


def versions_of(article: Article):
    return (
        Version.objects.get_for_object(article)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )
