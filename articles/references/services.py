"""Writes to the reference library: a reference with its first version, and new versions.

Nothing is overwritten: each edit adds a ReferenceVersion and moves the reference's current
version; the reference's identifiers follow its current version and are unique in the library.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from articles.errors import InvalidInput
from articles.outbox import outbox_put
from articles.references import selectors
from articles.references.identifiers import (
    IdentifierInvalid,
    doi_normalise,
    identifier_key,
    pmcid_normalise,
    pmid_normalise,
    title_normalise,
)
from articles.references.models import (
    FLAGGING_STATUSES,
    KEY_PATTERN,
    EvidenceLevel,
    IdentifierScheme,
    Reference,
    ReferenceIdentifier,
    ReferenceStatus,
    ReferenceType,
    ReferenceVersion,
)

KEY_INVALID = (
    "{key!r} is not a reference key: use lower-case letters and digits joined by - _ . or :."
)
KEY_TAKEN = "A reference with the key {key!r} already exists."
CSL_NOT_OBJECT = "The CSL-JSON item must be an object."
CSL_TITLE_REQUIRED = "The CSL-JSON item needs a title."
CSL_TYPE_UNKNOWN = "{type!r} is not a CSL type this library formats; known: {known}."
CSL_DATE_INVALID = "The CSL-JSON `{field}` must be {{'date-parts': [[year, month, day]]}}."
CSL_NAMES_INVALID = (
    "The CSL-JSON `{field}` must be a list of names, each with `family` (and `given`) or "
    "`literal` for an organisation."
)
IDENTIFIER_TAKEN = "{scheme} {value} already belongs to the reference {key!r}."
NEAR_DUPLICATE = "Possible duplicate of {keys}: same title and year."
CHANGE_NOTE_REQUIRED = "Say what changed: a change note is required for a new version."
NO_CHANGE = "Nothing changed since version {number}: no new version was made."

CSL_TYPES = {
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "book",
    "chapter",
    "dataset",
    "document",
    "paper-conference",
    "report",
    "thesis",
    "webpage",
}
# The CSL-JSON schema's name and date variables (csl-data.json, CSL 1.0.2); every other
# variable is a string or a number, except `categories` (a list of strings) and `custom`.
NAME_FIELDS = (
    "author", "chair", "collection-editor", "compiler", "composer", "container-author",
    "contributor", "curator", "director", "editor", "editorial-director",
    "executive-producer", "guest", "host", "illustrator", "interviewer", "narrator",
    "organizer", "original-author", "performer", "producer", "recipient", "reviewed-author",
    "script-writer", "series-creator", "translator",
)  # fmt: skip
DATE_FIELDS = ("accessed", "available-date", "event-date", "issued", "original-date", "submitted")
CSL_VALUE_INVALID = (
    "The CSL-JSON `{field}` must be a text or a number, not {kind}: CSL-JSON only allows lists "
    "for names and objects for dates."
)
# Identifiers are columns of the version; CSL-JSON spells them in upper case.
CSL_IDENTIFIER_KEYS = {"DOI": "doi", "PMID": "pmid", "PMCID": "pmcid"}


class ReferenceInvalid(InvalidInput):
    """A reference or version was refused; nothing changed (HTTP 400 in the API)."""


@dataclass(frozen=True)
class VersionWritten:
    """The version written, and warnings for the editor (such as a near duplicate)."""

    version: ReferenceVersion
    warnings: list[str] = field(default_factory=list)


def csl_validate(csl: Any) -> dict[str, Any]:
    """A copy of the CSL-JSON item without `id`; raises ReferenceInvalid saying what is wrong."""
    if not isinstance(csl, dict):
        raise ReferenceInvalid(CSL_NOT_OBJECT)
    csl = {k: v for k, v in csl.items() if k != "id"}
    if not str(csl.get("title") or "").strip():
        raise ReferenceInvalid(CSL_TITLE_REQUIRED)
    if csl.get("type") not in CSL_TYPES:
        raise ReferenceInvalid(
            CSL_TYPE_UNKNOWN.format(type=csl.get("type"), known=", ".join(sorted(CSL_TYPES)))
        )
    for variable, value in csl.items():
        problem = csl_problem(variable, value)
        if problem:
            raise ReferenceInvalid(problem)
    return csl


def csl_problem(variable: str, value: Any) -> str:
    """Why the CSL-JSON schema refuses `value` for `variable`, or "" (None stands for absent;
    `custom` is ours). The formatter drops what this refuses from data stored before."""
    if value is None or variable == "custom":
        return ""
    if variable in NAME_FIELDS:
        names_ok = isinstance(value, list) and all(
            isinstance(n, dict) and (n.get("family") or n.get("literal")) for n in value
        )
        return "" if names_ok else CSL_NAMES_INVALID.format(field=variable)
    if variable in DATE_FIELDS:
        parts = value.get("date-parts") if isinstance(value, dict) else None
        date_ok = (
            isinstance(parts, list)
            and parts
            and isinstance(parts[0], list)
            and 1 <= len(parts[0]) <= 3
            and all(isinstance(p, int) and not isinstance(p, bool) for p in parts[0])
        )
        return "" if date_ok else CSL_DATE_INVALID.format(field=variable)
    if variable == "categories" and isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return ""
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        return ""
    kind = {list: "a list", dict: "an object", bool: "true or false"}.get(type(value), "other")
    return CSL_VALUE_INVALID.format(field=variable, kind=kind)


def csl_identifiers(csl: dict[str, Any], doi: str, pmid: str, pmcid: str) -> dict[str, str]:
    """Normalised identifiers popped from `csl`; an explicit argument wins over the CSL field.

    Raises ReferenceInvalid for an identifier that does not have its scheme's form.
    """
    given = {"doi": doi, "pmid": pmid, "pmcid": pmcid}
    for csl_key, name in CSL_IDENTIFIER_KEYS.items():
        value = csl.pop(csl_key, "")
        if not given[name] and value:
            given[name] = str(value)
    normalisers = {"doi": doi_normalise, "pmid": pmid_normalise, "pmcid": pmcid_normalise}
    try:
        return {
            name: normalisers[name](value) if value.strip() else "" for name, value in given.items()
        }
    except IdentifierInvalid as exc:
        raise ReferenceInvalid(str(exc)) from exc


def _year(csl: dict[str, Any]) -> int | None:
    parts = (csl.get("issued") or {}).get("date-parts") or [[]]
    return parts[0][0] if parts[0] else None


def version_columns(csl: dict[str, Any]) -> dict[str, Any]:
    """The columns a version copies from its CSL-JSON item for search, lists and duplicates."""
    title = " ".join(str(csl["title"]).split())
    return {
        "title": title[:1000],
        "title_normalised": title_normalise(title),
        "year": _year(csl),
        "container": str(csl.get("container-title") or csl.get("publisher") or "")[:500],
    }


def _identifiers_claim(*, reference: Reference, identifiers: dict[str, str]) -> None:
    """Make the reference's identifier rows those of its new current version."""
    wanted = {
        (scheme, identifier_key(scheme, value))
        for scheme, value in identifiers.items()
        if value  # an empty identifier is simply absent
    }
    clashes = (
        ReferenceIdentifier.objects.filter(
            scheme__in=[s for s, _ in wanted], value__in=[v for _, v in wanted]
        )
        .exclude(reference=reference)
        .select_related("reference")
    )
    for clash in clashes:
        if (clash.scheme, clash.value) in wanted:
            raise ReferenceInvalid(
                IDENTIFIER_TAKEN.format(
                    scheme=clash.get_scheme_display(), value=clash.value, key=clash.reference.key
                )
            )
    ReferenceIdentifier.objects.filter(reference=reference).delete()
    try:
        # The savepoint keeps the caller's transaction usable if a concurrent writer won.
        with transaction.atomic():
            ReferenceIdentifier.objects.bulk_create(
                ReferenceIdentifier(reference=reference, scheme=scheme, value=value)
                for scheme, value in sorted(wanted)
            )
    except IntegrityError as exc:
        scheme, value = sorted(wanted)[0]
        raise ReferenceInvalid(
            IDENTIFIER_TAKEN.format(
                scheme=IdentifierScheme(scheme).label, value=value, key="another reference"
            )
        ) from exc


def _version_write(
    *,
    reference: Reference,
    number: int,
    actor,  # type: ignore[no-untyped-def]
    type: str,
    csl: Any,
    doi: str,
    pmid: str,
    pmcid: str,
    evidence_level: str,
    status: str,
    change_note: str,
) -> VersionWritten:
    csl = csl_validate(csl)
    identifiers = csl_identifiers(csl, doi, pmid, pmcid)
    if type not in ReferenceType.values:
        raise ReferenceInvalid(f"{type!r} is not a reference type.")
    if status not in ReferenceStatus.values:
        raise ReferenceInvalid(f"{status!r} is not a reference status.")
    if evidence_level and evidence_level not in EvidenceLevel.values:
        raise ReferenceInvalid(f"{evidence_level!r} is not an evidence level.")
    _identifiers_claim(reference=reference, identifiers=identifiers)
    columns = version_columns(csl)
    version = ReferenceVersion.objects.create(
        reference=reference,
        number=number,
        type=type,
        csl=csl,
        **columns,
        evidence_level=evidence_level,
        status=status,
        changed_by=actor,
        change_note=change_note.strip(),
        **identifiers,
    )
    reference.current_version = version
    reference.save(update_fields=["current_version"])
    return VersionWritten(version=version, warnings=version_warnings(version=version))


def version_warnings(*, version: ReferenceVersion) -> list[str]:
    """What the editor who wrote `version` is warned of: other references with the same
    title and year (a near duplicate)."""
    duplicates = list(
        selectors.references_near_duplicates(
            title=version.title, year=version.year, exclude=version.reference
        ).values_list("key", flat=True)
    )
    return [NEAR_DUPLICATE.format(keys=", ".join(duplicates))] if duplicates else []


def version_written(*, version_id: int) -> VersionWritten:
    """A version written earlier, with its warnings as they are now (the answer to a request
    sent again)."""
    version = ReferenceVersion.objects.select_related("reference").get(pk=version_id)
    return VersionWritten(version=version, warnings=version_warnings(version=version))


def reference_create(
    *,
    key: str,
    actor,  # type: ignore[no-untyped-def]
    type: str,
    csl: dict[str, Any],
    doi: str = "",
    pmid: str = "",
    pmcid: str = "",
    evidence_level: str = "",
    status: str = ReferenceStatus.ACTIVE,
    change_note: str = "",
) -> VersionWritten:
    """Create a reference under `key` with its version 1.

    Raises ReferenceInvalid for a bad or taken key, invalid CSL-JSON or identifiers, or an
    identifier another reference holds. A near duplicate is a warning in the result.
    """
    key = key.strip()
    if not re.match(KEY_PATTERN, key) or len(key) > 100:
        raise ReferenceInvalid(KEY_INVALID.format(key=key))
    with transaction.atomic():
        if Reference.objects.filter(key=key).exists():
            raise ReferenceInvalid(KEY_TAKEN.format(key=key))
        reference = Reference.objects.create(key=key, created_by=actor)
        return _version_write(
            reference=reference,
            number=1,
            actor=actor,
            type=type,
            csl=csl,
            doi=doi,
            pmid=pmid,
            pmcid=pmcid,
            evidence_level=evidence_level,
            status=status,
            change_note=change_note or "Created",
        )


# What a new version keeps from the current one when it leaves it out: the identifiers (unless
# its CSL-JSON item spells them) and what editors judged of the work. A file imported over a
# reference, or a correction of its title, must not drop its DOI or make it active again.
KEPT_WHEN_LEFT_OUT = ("type", "doi", "pmid", "pmcid", "evidence_level", "status")
FIRST_VERSION_DEFAULTS = {"status": ReferenceStatus.ACTIVE}


def version_fields_kept(
    *, current: ReferenceVersion | None, csl: Any, given: dict[str, str | None]
) -> dict[str, str]:
    """The version's fields: those given, the others kept from `current` (or their defaults)."""
    in_csl = {key.lower() for key in csl} if isinstance(csl, dict) else set()
    fields = {}
    for name in KEPT_WHEN_LEFT_OUT:
        value = given.get(name)
        if value is None:
            if name in CSL_IDENTIFIER_KEYS.values() and name in in_csl:
                value = ""  # the item's own identifier is read from it
            elif current is not None:
                value = getattr(current, name)
            else:
                value = FIRST_VERSION_DEFAULTS.get(name, "")
        fields[name] = value
    return fields


def reference_version_create(
    *,
    reference: Reference,
    actor,  # type: ignore[no-untyped-def]
    csl: dict[str, Any],
    change_note: str,
    type: str | None = None,
    doi: str | None = None,
    pmid: str | None = None,
    pmcid: str | None = None,
    evidence_level: str | None = None,
    status: str | None = None,
) -> VersionWritten:
    """Add the next version of `reference` and make it current; earlier versions stay as they are.
    A field left out (None) keeps the current version's value (KEPT_WHEN_LEFT_OUT); an empty
    one clears it. A corrected, retracted or superseded version flags the articles citing an
    older one, after commit; a retraction (or its withdrawal) re-marks their public pages.

    Raises ReferenceInvalid without a change note, for invalid data, for an identifier another
    reference holds, or when nothing differs from the current version.
    """
    if not change_note.strip():
        raise ReferenceInvalid(CHANGE_NOTE_REQUIRED)
    given = {
        "type": type,
        "doi": doi,
        "pmid": pmid,
        "pmcid": pmcid,
        "evidence_level": evidence_level,
        "status": status,
    }
    with transaction.atomic():
        reference = Reference.objects.select_for_update().get(pk=reference.pk)
        current = reference.current_version
        number = (reference.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        written = _version_write(
            reference=reference,
            number=number,
            actor=actor,
            csl=csl,
            change_note=change_note,
            **version_fields_kept(current=current, csl=csl, given=given),
        )
        if current is not None and not selectors.reference_version_diff(
            old=current, new=written.version
        ):
            # Roll back the write: an identical version would only be noise in the history.
            raise ReferenceInvalid(NO_CHANGE.format(number=current.number))
        was_retracted = current is not None and current.is_retracted
        if was_retracted != written.version.is_retracted:
            # Published pages citing it mark it retracted (or no longer) once this commits.
            outbox_put("reference.retraction-changed", reference_id=reference.pk)
        if written.version.status in FLAGGING_STATUSES:
            # The articles citing an older version are flagged, and their editors told.
            outbox_put("reference-version.flagging", version_id=written.version.pk)
    return written
