"""What changed between two revisions of an article: each audience body block by block
(editorial.changes.structure), and the references added, removed or pinned to another
version. By default a revision is compared with the last approved revision before it (or else
the previous one)."""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from articles.models import AudienceLevel, ReferenceVersion, ReviewStatus, Revision
from articles.references.rendering import revision_cited_versions
from editorial.changes.structure import BlockChange, Piece, TextChanges, text_changes


@dataclass(frozen=True)
class BodyChanges:
    audience: AudienceLevel
    text: TextChanges

    @property
    def changed(self) -> bool:
        return self.text.changed

    @property
    def blocks(self) -> list[BlockChange]:
        return self.text.blocks

    @property
    def pieces(self) -> list[Piece]:
        return self.text.pieces

    @property
    def html(self) -> SafeString:
        return self.text.html


@dataclass(frozen=True)
class ReferenceChange:
    key: str
    change: str  # "added", "removed", "newer version" or "older version"
    old: ReferenceVersion | None
    new: ReferenceVersion | None


@dataclass(frozen=True)
class Comparison:
    """`revision` against `base` (None: a first revision, nothing to compare with): every
    audience body either has, in the levels' order, and the reference changes."""

    base: Revision | None
    revision: Revision
    bodies: list[BodyChanges]
    references: list[ReferenceChange]

    @property
    def changed_bodies(self) -> list[BodyChanges]:
        return [body for body in self.bodies if body.changed]

    @property
    def changed(self) -> bool:
        return bool(self.references or self.changed_bodies)


def comparison_base(revision: Revision) -> Revision | None:
    """The last approved revision before `revision`, else the one just before it (one query)."""
    earlier = Revision.objects.filter(article_id=revision.article_id, number__lt=revision.number)
    return (
        earlier.filter(status=ReviewStatus.APPROVED).order_by("-number").first()
        or earlier.order_by("-number").first()
    )


def revision_compare(*, revision: Revision, base: Revision | None) -> Comparison:
    """What changed from `base` to `revision` (two revisions of one article; `base` None
    compares with nothing). Five queries at most, whatever the length of the texts and the
    number of references; fewer when the revision's bodies are prefetched."""
    old = dict(base.bodies.values_list("audience_id", "body")) if base else {}
    new = {body.audience_id: body.body for body in revision.bodies.all()}
    bodies = [
        BodyChanges(level, text_changes(old.get(level.pk, ""), new.get(level.pk, "")))
        for level in AudienceLevel.objects.filter(pk__in={*old, *new})
    ]
    return Comparison(
        base=base,
        revision=revision,
        bodies=bodies,
        references=reference_changes(revision=revision, base=base),
    )


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
