"""What a submission says of its revision: the kind of change (new article, major or minor
clinical update, editorial) and the summaries readers get in the update history. The submit
guard (editorial.workflow.guards) checks them with change_reasons."""

from dataclasses import dataclass, field

from articles.errors import Reason, ReasonKind
from articles.models import READER_SUMMARY_MAX_LENGTH, AudienceLevel, ChangeKind, Revision

CHANGE_KIND_UNKNOWN = "Say what this revision changes: one of {kinds}."
NEW_ARTICLE_PUBLISHED = (
    "Readers have seen this article already: classify this revision as an update, not a new "
    "article."
)
UPDATE_NOT_PUBLISHED = "Readers have not seen this article yet: this revision is a new article."
READER_SUMMARY_MISSING = "Tell readers what changed: an update needs a summary for them."
READER_SUMMARY_LEVEL_UNKNOWN = "No audience level {levels}: a summary per level names a level."
READER_SUMMARY_TOO_LONG = "Keep the summary for readers to {limit} characters (it has {length})."
INPUT = ReasonKind.INPUT


@dataclass(frozen=True)
class SubmittedChange:
    """What the editor says about a revision on submitting it: its kind (a ChangeKind value)
    and the summary readers see in the update history (the submit guard checks both)."""

    kind: str
    summary: str = ""
    # Audience level slug -> the summary for that level's readers, where it differs.
    by_level: dict[str, str] = field(default_factory=dict)

    def summaries_by_level(self) -> dict[str, str]:
        """The per-level summaries worth keeping: written, and not the general one."""
        general = self.summary.strip()
        return {
            slug: text.strip()
            for slug, text in self.by_level.items()
            if text.strip() and text.strip() != general
        }


def submitted_change(
    *, kind: str | None, summary: str, by_level: dict[str, str] | None = None
) -> SubmittedChange | None:
    """What a door (workspace form, API) received with a submission: None when it says
    nothing (the kind is then inferred), else the change for the guard to check; a kind sent
    empty is a kind missing."""
    by_level = by_level or {}
    if kind is None and not summary.strip() and not any(t.strip() for t in by_level.values()):
        return None
    return SubmittedChange(kind=kind or "", summary=summary, by_level=by_level)


def article_was_published(revision: Revision) -> bool:
    """Whether readers have been shown any revision of the article (one query)."""
    return Revision.objects.filter(
        article_id=revision.article_id, published_at__isnull=False
    ).exists()


def change_inferred(revision: Revision) -> SubmittedChange:
    """The kind of a revision submitted without one (the scheduler's re-review, code): a new
    article before readers saw any revision, else a major clinical update (a full review)."""
    if article_was_published(revision):
        return SubmittedChange(kind=ChangeKind.MAJOR)
    return SubmittedChange(kind=ChangeKind.NEW_ARTICLE)


def change_reasons(*, revision: Revision, change: SubmittedChange) -> list[Reason]:
    """What is wrong with `change` for `revision` (the submit guard's part of it): a kind the
    article's history does not allow, a summary missing or too long, an unknown level."""
    if change.kind not in ChangeKind.values:
        kinds = ", ".join(label.lower() for label in ChangeKind.labels)
        return [Reason("change-kind-unknown", CHANGE_KIND_UNKNOWN.format(kinds=kinds), kind=INPUT)]
    reasons = []
    published = article_was_published(revision)
    if change.kind == ChangeKind.NEW_ARTICLE and published:
        reasons.append(Reason("new-article-published", NEW_ARTICLE_PUBLISHED, kind=INPUT))
    elif change.kind != ChangeKind.NEW_ARTICLE and not published:
        reasons.append(Reason("update-not-published", UPDATE_NOT_PUBLISHED, kind=INPUT))
    summary = change.summary.strip()
    if change.kind != ChangeKind.NEW_ARTICLE and not summary:
        reasons.append(Reason("reader-summary-missing", READER_SUMMARY_MISSING, kind=INPUT))
    by_level = change.summaries_by_level()
    if by_level:
        known = set(AudienceLevel.objects.values_list("slug", flat=True))
        if unknown := sorted(set(by_level) - known):
            message = READER_SUMMARY_LEVEL_UNKNOWN.format(levels=", ".join(unknown))
            reasons.append(Reason("reader-summary-level-unknown", message, kind=INPUT))
    for text in [summary, *by_level.values()]:
        if len(text) > READER_SUMMARY_MAX_LENGTH:
            message = READER_SUMMARY_TOO_LONG.format(
                limit=READER_SUMMARY_MAX_LENGTH, length=len(text)
            )
            reasons.append(Reason("reader-summary-too-long", message, kind=INPUT))
    return reasons
