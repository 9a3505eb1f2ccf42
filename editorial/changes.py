"""What changed: a word-level diff of each audience body against the last approved revision
before this one (or else the previous revision), and the references added, removed or moved
to another version."""

import difflib
import re
from dataclasses import dataclass

from articles.models import AudienceLevel, ReferenceVersion, ReviewStatus, Revision
from articles.references.rendering import revision_cited_versions

WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    op: str  # "equal", "insert" or "delete"
    text: str


@dataclass(frozen=True)
class BodyChanges:
    audience: AudienceLevel
    pieces: list[Piece]

    @property
    def changed(self) -> bool:
        return any(p.op != "equal" for p in self.pieces)


def word_diff(old: str, new: str) -> list[Piece]:
    """Words (and the whitespace between them) kept, inserted and deleted, in reading order."""
    a, b = WORDS.findall(old), WORDS.findall(new)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("equal", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            pieces.append(Piece("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.append(Piece("insert", "".join(b[j1:j2])))
    return pieces


def comparison_base(revision: Revision) -> Revision | None:
    earlier = Revision.objects.filter(article_id=revision.article_id, number__lt=revision.number)
    return (
        earlier.filter(status=ReviewStatus.APPROVED).order_by("-number").first()
        or earlier.order_by("-number").first()
    )


def revision_changes(*, revision: Revision) -> tuple[Revision | None, list[BodyChanges]]:
    """The base revision compared against, and the changes of each audience body."""
    base = comparison_base(revision)
    old = dict(base.bodies.values_list("audience_id", "body")) if base else {}
    new = {b.audience_id: b.body for b in revision.bodies.all()}
    changes = []
    for level in AudienceLevel.objects.filter(pk__in={*old, *new}):
        changes.append(BodyChanges(level, word_diff(old.get(level.pk, ""), new.get(level.pk, ""))))
    return base, changes


@dataclass(frozen=True)
class ReferenceChange:
    key: str
    change: str  # "added", "removed", "newer version" or "older version"
    old: ReferenceVersion | None
    new: ReferenceVersion | None


def reference_changes(*, revision: Revision, base: Revision | None) -> list[ReferenceChange]:
    """The references `revision` cites that `base` did not, no longer cites, or cites in
    another version (pinned versions once submitted, current ones for a draft)."""
    new = revision_cited_versions(revision=revision)
    old = revision_cited_versions(revision=base) if base is not None else {}
    changes = [ReferenceChange(key, "added", None, new[key]) for key in new if key not in old]
    changes += [ReferenceChange(key, "removed", old[key], None) for key in old if key not in new]
    for key in new.keys() & old.keys():
        if new[key].pk != old[key].pk:
            direction = "newer" if new[key].number > old[key].number else "older"
            changes.append(ReferenceChange(key, f"{direction} version", old[key], new[key]))
    return sorted(changes, key=lambda c: (c.change, c.key))
