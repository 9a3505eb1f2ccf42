"""A body with its numbered citations and the reference list, as the public page shows it."""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from articles.markdown import markdown_with_citations
from articles.models import Reference, ReferenceVersion, Revision
from articles.references.citations import citation_keys
from articles.references.formatting import (
    CitationStyle,
    IdentifierLink,
    identifier_links,
    references_format,
)
from articles.references.models import citation_is_retracted


@dataclass(frozen=True)
class ListedReference:
    number: int
    version: ReferenceVersion
    html: SafeString
    anchor_prefix: str = "ref-"

    @property
    def anchor(self) -> str:
        return f"{self.anchor_prefix}{self.number}"

    @property
    def changed_since(self) -> ReferenceVersion | None:
        """The reference's current version when it is newer than the one cited (pinned)."""
        current = self.version.reference.current_version
        if current is not None and current.number > self.version.number:
            return current
        return None

    @property
    def links(self) -> list[IdentifierLink]:
        return identifier_links(self.version)

    @property
    def is_retracted(self) -> bool:
        return citation_is_retracted(self.version, self.version.reference.current_version)


@dataclass(frozen=True)
class RenderedBody:
    html: SafeString
    references: list[ListedReference]


def revision_cited_versions(*, revision: Revision) -> dict[str, ReferenceVersion]:
    """Key -> version the revision cites: pinned at submission, else the current ones.

    One query for a submitted revision, two for a draft, whatever the number of references.
    """
    if revision.submitted_at is not None:
        pins = revision.citations.select_related("version__reference__current_version")
        return {pin.version.reference.key: pin.version for pin in pins}
    return versions_current(
        keys=citation_keys("\n\n".join(body.body for body in revision.bodies.all()))
    )


def versions_current(*, keys: Collection[str]) -> dict[str, ReferenceVersion]:
    """Key -> current version of each of `keys` the library holds (what a draft cites, or text
    being typed); an unknown key is left out. One query."""
    versions = {}
    references = Reference.objects.filter(key__in=keys, current_version__isnull=False)
    for reference in references.select_related("current_version"):
        version = reference.current_version
        assert version is not None  # filtered above
        version.reference = reference
        versions[reference.key] = version
    return versions


def body_render(
    *,
    text: str,
    versions: dict[str, ReferenceVersion],
    style: CitationStyle = CitationStyle.AMA,
    anchor_prefix: str = "ref-",
) -> RenderedBody:
    """`text` as safe HTML with numbered citation links, and its references in number order.

    Numbers follow first appearance in this body; the entries are one bibliography for
    citeproc-js; no query is made.
    """
    html, keys = markdown_with_citations(text, citable=versions.keys(), anchor_prefix=anchor_prefix)
    entries = references_format(versions=[versions[key] for key in keys], style=style)
    return RenderedBody(
        html=html,
        references=[
            ListedReference(
                number=number, version=versions[key], html=entry, anchor_prefix=anchor_prefix
            )
            for number, (key, entry) in enumerate(zip(keys, entries, strict=True), start=1)
        ],
    )


def citation_work(entry: ListedReference) -> dict[str, Any]:
    """A cited reference as a schema.org CreativeWork (JSON-compatible: it is stored)."""
    version = entry.version
    work: dict[str, Any] = {"@type": "CreativeWork", "name": version.title}
    if version.container:
        work["isPartOf"] = version.container
    if version.year:
        work["datePublished"] = str(version.year)
    for link in identifier_links(version):
        if link.label == "DOI":
            work["sameAs"] = link.url
    return work
