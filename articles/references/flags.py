"""Citations to update: a revision in play pinning a reference version older than a corrected,
retracted or superseded one, and the retracted references a revision cites. Reads only; the
workspace scopes them to what its user may open (editorial.selectors)."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from articles.models import (
    Article,
    Reference,
    ReferenceStatus,
    ReferenceVersion,
    ReviewStatus,
    Revision,
    RevisionCitation,
)
from articles.references.models import (
    FLAGGING_STATUSES,
    RETRACTED_CITATION,
    citation_is_retracted,
)
from articles.references.selectors import FieldChange, reference_version_diff

# Submitted revisions whose citations still matter; the published one counts whatever its status.
IN_PLAY_STATUSES = (
    ReviewStatus.SUBMITTED,
    ReviewStatus.UNDER_REVIEW,
    ReviewStatus.CHANGES_REQUESTED,
    ReviewStatus.APPROVED,
)


@dataclass(frozen=True)
class FlaggedCitation:
    """A citation pinned to a reference version older than a corrected, retracted or
    superseded one; `citation` comes with its revision, article, reference and pinned version."""

    citation: RevisionCitation
    newer: ReferenceVersion  # the newest flagging version after the pinned one
    draft_number: int | None  # the article's open draft, where the citation can be updated

    @property
    def article(self) -> Article:
        return self.citation.revision.article

    @property
    def revision(self) -> Revision:
        return self.citation.revision

    @property
    def key(self) -> str:
        return self.citation.reference.key

    @property
    def pinned(self) -> ReferenceVersion:
        return self.citation.version

    @property
    def current(self) -> ReferenceVersion | None:
        return self.citation.reference.current_version

    @property
    def is_retracted(self) -> bool:
        """Pinned or current version retracted: the revision cannot be approved."""
        return citation_is_retracted(self.pinned, self.current)

    @property
    def changes(self) -> list[FieldChange]:
        """What differs from the pinned version to the flagging one (no query)."""
        return reference_version_diff(old=self.pinned, new=self.newer)


def citations_flagged_rows(
    *,
    articles: QuerySet[Article] | None = None,
    article_id: int | None = None,
    version: ReferenceVersion | None = None,
) -> QuerySet[RevisionCitation]:
    """The citations citations_flagged lists, unordered: pass a page of them (in any order)
    to flagged_citations. One query for the cited references that have a flagging version
    after their first (an index of those versions), so that the citations are read from a
    range of their index by reference (`citation_by_reference`) for each."""
    # A citation pins a version, and only a newer flagging one flags it: never a version 1.
    # Of those, the references something cites (a library can hold thousands of retracted
    # works no article cites: a long list made the planner walk every article by title).
    flagging = ReferenceVersion.objects.filter(
        status__in=FLAGGING_STATUSES,
        number__gt=1,
        reference_id__in=RevisionCitation.objects.values("reference_id"),
    )
    if version is not None:
        flagging = flagging.filter(reference_id=version.reference_id)
    references = sorted(set(flagging.order_by().values_list("reference_id", flat=True)))
    newer = (
        ReferenceVersion.objects.filter(
            reference=OuterRef("reference"),
            number__gt=OuterRef("version__number"),
            status__in=FLAGGING_STATUSES,
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    # A later revision of the same article in review, approved or published: then this one is
    # not the article's newest in play (an anti-join, which the planner estimates well, where
    # "= the newest in play" as a correlated subquery made it walk every article).
    later_in_play = Revision.objects.filter(
        Q(status__in=IN_PLAY_STATUSES) | Q(pk=OuterRef("revision__article__published_revision")),
        article=OuterRef("revision__article"),
        number__gt=OuterRef("revision__number"),
    )
    draft = (
        Revision.objects.filter(
            article=OuterRef("revision__article"),
            status=ReviewStatus.DRAFT,
            submitted_at__isnull=True,
        )
        .order_by("-number")
        .values("number")[:1]
    )
    citations = RevisionCitation.objects.filter(
        Q(revision__status__in=IN_PLAY_STATUSES)
        | Q(revision_id=F("revision__article__published_revision")),
        ~Exists(later_in_play),
        reference_id__in=references,
    )
    if version is not None:
        citations = citations.filter(version__number__lt=version.number)
    if article_id is not None:
        citations = citations.filter(revision__article_id=article_id)
    if articles is not None:
        citations = citations.filter(revision__article__in=articles.values("pk"))
    return (
        citations.annotate(newer_pk=Subquery(newer), draft_number=Subquery(draft))
        .filter(newer_pk__isnull=False)
        .select_related("revision__article", "reference__current_version", "version")
        .order_by()
    )


def flagged_citations(rows: list[RevisionCitation]) -> list[FlaggedCitation]:
    """`rows` of citations_flagged_rows as FlaggedCitation, in their order (one query for
    their newer versions, none without rows)."""
    if not rows:
        return []
    newer_versions = ReferenceVersion.objects.in_bulk([row.newer_pk for row in rows])  # type: ignore[attr-defined]
    return [
        FlaggedCitation(
            citation=row,
            newer=newer_versions[row.newer_pk],  # type: ignore[attr-defined]
            draft_number=row.draft_number,  # type: ignore[attr-defined]
        )
        for row in rows
    ]


def citations_flagged(
    *,
    articles: QuerySet[Article] | None = None,
    article_id: int | None = None,
    version: ReferenceVersion | None = None,
    limit: int | None = None,
) -> list[FlaggedCitation]:
    """Citations to update: in each article's newest revision that is in review, approved or
    published, those pinned to a version older than a corrected, retracted or superseded one;
    by article title.

    A newer submitted revision thus clears the flags of the published one. Scoped to what
    `articles` (everything when None); `version`: only citations older than it, of its
    reference; `limit`: the first so many citations only. Three queries (two when nothing is
    flagged), whatever the number of articles.
    """
    flagged = citations_flagged_rows(
        articles=articles, article_id=article_id, version=version
    ).order_by("revision__article__title", "revision__article_id", "order")
    return flagged_citations(list(flagged if limit is None else flagged[:limit]))


def references_retracted(*, keys: list[str]) -> list[Reference]:
    """The references among `keys` whose current version is retracted (one query)."""
    return list(
        Reference.objects.filter(
            key__in=keys, current_version__status=ReferenceStatus.RETRACTED
        ).select_related("current_version")
    )


@dataclass(frozen=True)
class RetractedCitation:
    key: str
    title: str
    number: int  # the version that says it was retracted


def revision_retracted_citation(*, revision: Revision) -> RetractedCitation | None:
    """The first reference the revision cites whose pinned or current version is retracted
    (one query), else None."""
    pin = (
        revision.citations.filter(RETRACTED_CITATION)
        .select_related("reference__current_version", "version")
        .order_by("order")
        .first()
    )
    if pin is None:
        return None
    retracted = pin.version
    if not retracted.is_retracted:
        retracted = pin.reference.current_version  # type: ignore[assignment]
    return RetractedCitation(key=pin.reference.key, title=retracted.title, number=retracted.number)
