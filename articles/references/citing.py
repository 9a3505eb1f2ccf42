"""What a revision cites: checked when its bodies are saved, pinned when it is submitted.

Callers check permission first (see editorial.permissions); articles.services re-exports these.
"""

from django.db import transaction

from articles.errors import BodiesInvalid, Reason, ReasonKind
from articles.models import AudienceLevel, Reference, ReferenceVersion, Revision, RevisionCitation
from articles.references.citations import citation_keys
from articles.references.rendering import versions_current

UNKNOWN_CITATIONS = "Unknown reference keys: {keys}. Add them to the library or fix the markers."
UNKNOWN_CITATIONS_IN = "{level} version: unknown reference keys: {keys}."
UNKNOWN_CITATIONS_REMEDY = "Add them to the library or fix the markers."


def bodies_cited_versions(*, bodies: dict[AudienceLevel, str]) -> dict[str, ReferenceVersion]:
    """Key -> current version of every reference the texts cite. One query.

    Raises BodiesInvalid naming, for each body, every key the library does not hold.
    """
    cited = {audience: citation_keys(text) for audience, text in bodies.items()}
    found = versions_current(keys={key for keys in cited.values() for key in keys})
    unknown = {audience: [k for k in keys if k not in found] for audience, keys in cited.items()}
    if reasons := {
        audience.pk: Reason(
            "unknown-citations",
            UNKNOWN_CITATIONS_IN.format(level=audience.label, keys=", ".join(keys)),
            UNKNOWN_CITATIONS_REMEDY,
            ReasonKind.INPUT,
        )
        for audience, keys in unknown.items()
        if keys
    }:
        every = dict.fromkeys(key for keys in unknown.values() for key in keys)
        raise BodiesInvalid(UNKNOWN_CITATIONS.format(keys=", ".join(every)), by_audience=reasons)
    return found


def revision_citations_unknown(*, revision: Revision) -> list[str]:
    """The keys the revision's bodies cite that the library does not hold (none once its
    citations are pinned: a resubmission keeps its first pins). Two queries at most."""
    if revision.citations.exists():
        return []
    keys = citation_keys("\n\n".join(body.body for body in revision.bodies.all()))
    known = set(
        Reference.objects.filter(key__in=keys, current_version__isnull=False).values_list(
            "key", flat=True
        )
    )
    return [key for key in keys if key not in known]


def revision_pin_citations(*, revision: Revision) -> list[RevisionCitation]:
    """Pin every reference the revision's bodies cite to its current version, once.

    Called when a revision is submitted; its text is frozen from then on, so a later
    resubmission keeps the first pins. Order is first appearance, canonical body first.
    Raises BodiesInvalid naming every unknown key.
    """
    with transaction.atomic():
        pinned = list(revision.citations.order_by("order"))
        if pinned:
            return pinned
        bodies = sorted(
            revision.bodies.select_related("audience"),
            key=lambda b: (not b.audience.is_canonical, b.audience.order, b.audience.pk),
        )
        found = bodies_cited_versions(bodies={body.audience: body.body for body in bodies})
        keys = list(dict.fromkeys(k for body in bodies for k in citation_keys(body.body)))
        return RevisionCitation.objects.bulk_create(
            RevisionCitation(
                revision=revision,
                reference=found[key].reference,
                version=found[key],
                order=order,
            )
            for order, key in enumerate(keys, start=1)
        )
