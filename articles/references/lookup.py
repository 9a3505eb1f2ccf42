"""Add by identifier: the record of a DOI, PMID or PMCID read from the service that holds it.

A DOI through DOI content negotiation (doi.org answers with the CSL-JSON of Crossref or
DataCite); a PMID or PMCID through NCBI's Literature Citation Exporter (CSL-JSON too). The
answer is read by the CSL-JSON importer, so identifiers, dates and names are read as in an
import. Nothing is written here: the record is shown to the editor, and saving it goes through
`reference_create` like any reference.
"""

import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from articles.plain_input import JSON_MAX_DEPTH, json_depth
from articles.references.identifiers import (
    IdentifierInvalid,
    doi_normalise,
    identifier_key,
    pmcid_normalise,
    pmid_normalise,
)
from articles.references.importing import csljson
from articles.references.importing.records import ImportInvalid, ImportRecord
from articles.references.models import IdentifierScheme, Reference, ReferenceIdentifier

LOOKUP_OFF = "Looking up identifiers is turned off on this site."
LOOKUP_UNRECOGNISED = (
    "{value!r} is not a DOI, PMID or PMCID: paste e.g. 10.1136/bmj.a1302, 18765450 or "
    "PMC2528896 (a doi.org or PubMed link works too)."
)
LOOKUP_EMPTY = "Paste a DOI, PMID or PMCID."
LOOKUP_NOT_FOUND = "{service} has no record of {scheme} {value}: check the identifier."
LOOKUP_TIMEOUT = (
    "{service} did not answer within {seconds:g} seconds: try again in a moment, or enter the "
    "reference by hand."
)
LOOKUP_UNAVAILABLE = (
    "{service} cannot be reached now ({problem}): try again later, or enter the reference by hand."
)
LOOKUP_UNREADABLE = (
    "{service} answered with a record that cannot be read ({problem}): enter the reference by hand."
)

DOI_SERVICE = "doi.org (Crossref, DataCite)"
PUBMED_SERVICE = "PubMed's citation exporter"
CSL_JSON = "application/vnd.citationstyles.csl+json"
# A CSL-JSON record is a few kilobytes (Crossref's with its references some hundreds).
ANSWER_MAX_BYTES = 2 * 1024 * 1024
# Links to PubMed and PMC pages, pasted from the browser's address bar.
_PUBMED_LINK = re.compile(
    r"^https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/(\d+)/?$"
)
_PMC_LINK = re.compile(
    r"^https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc|pmc\.ncbi\.nlm\.nih\.gov)/articles/(PMC\d+)/?$",
    re.IGNORECASE,
)


class LookupFailed(Exception):
    """The identifier could not be looked up; `http_status` says why (400 not an identifier,
    404 unknown to the service, 502 the service failed or answered nonsense, 504 too slow)."""

    def __init__(self, message: str, *, http_status: int) -> None:
        super().__init__(message)
        self.http_status = http_status


@dataclass(frozen=True)
class Identifier:
    scheme: IdentifierScheme
    value: str  # in its normal form

    @property
    def label(self) -> str:
        return str(self.scheme.label)


@dataclass(frozen=True)
class LookupResult:
    """What the service holds for `identifier`: the record as an import reads it, or the
    reference of the library that already holds one of its identifiers (`existing`)."""

    identifier: Identifier
    record: ImportRecord | None
    existing: Reference | None = None


def lookup_enabled() -> bool:
    return bool(getattr(settings, "IMPRIMATUR_IDENTIFIER_LOOKUP", True))


def identifier_parse(text: str) -> Identifier:
    """The DOI, PMID or PMCID `text` names (any accepted form, or a PubMed/PMC/doi.org link);
    raises LookupFailed (400)."""
    value = " ".join(text.split())
    if not value:
        raise LookupFailed(LOOKUP_EMPTY, http_status=400)
    for pattern in (_PUBMED_LINK, _PMC_LINK):
        match = pattern.match(value)
        if match:
            value = match.group(1)
    attempts = (
        (IdentifierScheme.PMCID, pmcid_normalise),
        (IdentifierScheme.PMID, pmid_normalise),
        (IdentifierScheme.DOI, doi_normalise),
    )
    for scheme, normalise in attempts:
        try:
            return Identifier(IdentifierScheme(scheme), normalise(value))
        except IdentifierInvalid:
            continue
    raise LookupFailed(LOOKUP_UNRECOGNISED.format(value=text.strip()[:200]), http_status=400)


def identifier_holder(*, identifiers: list[tuple[str, str]]) -> Reference | None:
    """The reference of the library holding one of these (scheme, normal form) identifiers."""
    keys = [(scheme, identifier_key(scheme, value)) for scheme, value in identifiers if value]
    for scheme, key in keys:
        row = (
            ReferenceIdentifier.objects.filter(scheme=scheme, value=key)
            .select_related("reference__current_version")
            .first()
        )
        if row is not None:
            return row.reference
    return None


def _http_request(url: str, accept: str) -> urllib.request.Request:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ImproperlyConfigured(f"Identifier lookups need an http(s) URL, not {url!r}.")
    return urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 (checked above)


def _request(identifier: Identifier) -> tuple[str, urllib.request.Request]:
    if identifier.scheme == IdentifierScheme.DOI:
        # doi.org wants `#`, `?`, `%` and spaces percent-encoded (SICI DOIs hold some).
        path = urllib.parse.quote(identifier.value, safe="/:;()[]")
        return DOI_SERVICE, _http_request(settings.IMPRIMATUR_DOI_LOOKUP_URL + path, CSL_JSON)
    database = "pmc" if identifier.scheme == IdentifierScheme.PMCID else "pubmed"
    query = urllib.parse.urlencode({"format": "csl", "id": identifier.value})
    url = f"{settings.IMPRIMATUR_PUBMED_LOOKUP_URL}{database}/?{query}"
    return PUBMED_SERVICE, _http_request(url, "application/json")


def _fetch(request: urllib.request.Request, timeout: float) -> bytes:
    """The answer's body; raises HTTPError, URLError, TimeoutError or ValueError (too big)."""
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (settings' URLs)
        body: bytes = response.read(ANSWER_MAX_BYTES + 1)
    if len(body) > ANSWER_MAX_BYTES:
        raise ValueError(f"more than {ANSWER_MAX_BYTES // 1024 // 1024} MB")
    return body


def _answer(identifier: Identifier) -> Any:
    """The service's JSON answer for `identifier`, within the timeout whatever the service
    does: the request runs in a thread the page stops waiting for at the deadline."""
    service, request = _request(identifier)
    request.add_header("User-Agent", "Imprimatur reference library (identifier lookup)")
    seconds = float(settings.IMPRIMATUR_IDENTIFIER_LOOKUP_TIMEOUT)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["body"] = _fetch(request, seconds)
        except Exception as exc:  # handed to the waiting page below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="identifier-lookup", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise LookupFailed(LOOKUP_TIMEOUT.format(service=service, seconds=seconds), http_status=504)
    error = outcome.get("error")
    names = {"service": service, "scheme": identifier.label, "value": identifier.value}
    if isinstance(error, urllib.error.HTTPError):
        if error.code in (404, 410):
            raise LookupFailed(LOOKUP_NOT_FOUND.format(**names), http_status=404)
        problem = f"it answered {error.code} {error.reason}"
        raise LookupFailed(
            LOOKUP_UNAVAILABLE.format(service=service, problem=problem), http_status=502
        )
    if isinstance(error, TimeoutError):
        raise LookupFailed(LOOKUP_TIMEOUT.format(service=service, seconds=seconds), http_status=504)
    if isinstance(error, urllib.error.URLError | OSError):
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise LookupFailed(
                LOOKUP_TIMEOUT.format(service=service, seconds=seconds), http_status=504
            )
        problem = str(reason)[:200]
        raise LookupFailed(
            LOOKUP_UNAVAILABLE.format(service=service, problem=problem), http_status=502
        )
    if error is not None:
        raise LookupFailed(
            LOOKUP_UNREADABLE.format(service=service, problem=error), http_status=502
        )
    try:
        text = outcome["body"].decode("utf-8-sig")
        if json_depth(text) > JSON_MAX_DEPTH:
            raise ValueError("nested too deep")
        answer = json.loads(text)
    except ValueError as exc:  # not UTF-8, not JSON
        problem = f"not CSL-JSON: {str(exc)[:120]}"
        raise LookupFailed(
            LOOKUP_UNREADABLE.format(service=service, problem=problem), http_status=502
        ) from exc
    if isinstance(answer, list) and len(answer) == 1:
        answer = answer[0]  # the exporter answers a list when asked for several ids
    if isinstance(answer, dict) and not answer.get("title") and answer.get("status") == "error":
        raise LookupFailed(LOOKUP_NOT_FOUND.format(**names), http_status=404)
    if not isinstance(answer, dict):
        problem = "expected one CSL-JSON item"
        raise LookupFailed(
            LOOKUP_UNREADABLE.format(service=service, problem=problem), http_status=502
        )
    return answer


def _record(identifier: Identifier, item: dict[str, Any]) -> ImportRecord:
    """The answer read as an import reads a CSL-JSON file; raises LookupFailed (502)."""
    service = DOI_SERVICE if identifier.scheme == IdentifierScheme.DOI else PUBMED_SERVICE
    # `accessed` is the day of the lookup (PubMed's exporter), not when an editor read a page;
    # `id` is the service's ("pmid:123"), not a key of ours.
    item = {k: v for k, v in item.items() if k not in ("accessed", "id", "citation-key")}
    # The identifier asked for is the work's, even when the answer leaves it out.
    csl_key = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID"}[identifier.scheme.value]
    if not item.get(csl_key):
        item[csl_key] = identifier.value
    try:
        parsed = csljson.parse(json.dumps([item]))
    except ImportInvalid as exc:
        raise LookupFailed(
            LOOKUP_UNREADABLE.format(service=service, problem=exc), http_status=502
        ) from exc
    if parsed.failures:
        problem = parsed.failures[0].reason
        raise LookupFailed(
            LOOKUP_UNREADABLE.format(service=service, problem=problem), http_status=502
        )
    return parsed.records[0]


def identifier_lookup(*, text: str) -> LookupResult:
    """The record for the DOI, PMID or PMCID in `text`, or the library's reference already
    holding it. Asks the service only when the library does not hold the identifier, and
    never waits longer than IMPRIMATUR_IDENTIFIER_LOOKUP_TIMEOUT.

    Raises LookupFailed: lookups turned off (404), not an identifier (400), unknown to the
    service (404), the service away, failing or answering nonsense (502), too slow (504).
    """
    if not lookup_enabled():
        raise LookupFailed(LOOKUP_OFF, http_status=404)
    identifier = identifier_parse(text)
    existing = identifier_holder(identifiers=[(identifier.scheme.value, identifier.value)])
    if existing is not None:
        return LookupResult(identifier=identifier, record=None, existing=existing)
    record = _record(identifier, _answer(identifier))
    # The answer may name identifiers the library holds under another (a PMID's DOI).
    existing = identifier_holder(identifiers=list(record.identifiers.items()))
    return LookupResult(identifier=identifier, record=record, existing=existing)
