"""DOI, PMID and PMCID: one normal form each, or a refusal that says what is wrong.

Also the folded title used to find near duplicates.
"""

import re
import unicodedata

DOI_INVALID = (
    "{value!r} is not a DOI: expected 10.<registrant>/<suffix>, e.g. 10.1177/0363546513483448."
)
PMID_INVALID = "{value!r} is not a PMID: a PubMed id is digits only (at most 10)."
PMCID_INVALID = "{value!r} is not a PMCID: expected PMC followed by digits, e.g. PMC3619390."

# A DOI is 10.<registrant>/<suffix>; the suffix may hold any printable character (SICI DOIs
# hold <, >, # and ;), never a space.
DOI_PATTERN = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
_DOI_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:www\.|dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE
)
# Punctuation that ends a sentence around a DOI, not the DOI (a SICI's ;2-F keeps its ;).
_DOI_TRAILING = re.compile(r"[.,;:]+$")
PMID_MAX_DIGITS = 10  # PubMed ids have 8 digits today; the column holds 12
_PMID_PREFIX = re.compile(r"^pmid:\s*", re.IGNORECASE)
_PMCID = re.compile(r"^(?:pmcid:\s*)?pmc(\d{1,10})$", re.IGNORECASE)


class IdentifierInvalid(ValueError):
    """An identifier does not have its scheme's form."""


def doi_normalise(value: str) -> str:
    """The DOI in its registered case, without a doi.org link, `doi:` prefix or trailing
    punctuation; raises IdentifierInvalid. Compare DOIs with identifier_key."""
    doi = _DOI_TRAILING.sub("", _DOI_PREFIX.sub("", value.strip()).strip())
    if not DOI_PATTERN.match(doi):
        raise IdentifierInvalid(DOI_INVALID.format(value=value))
    return doi


def identifier_key(scheme: str, value: str) -> str:
    """The form two identifiers of `scheme` are compared in (and ReferenceIdentifier stores):
    DOIs are case-insensitive, so lower-cased; a PMID or PMCID is its normal form already."""
    return value.lower() if scheme == "doi" else value


def pmid_normalise(value: str) -> str:
    """The PubMed id as digits (an optional `PMID:` prefix is dropped); raises IdentifierInvalid."""
    pmid = _PMID_PREFIX.sub("", value.strip())
    if not pmid.isascii() or not pmid.isdigit() or int(pmid) == 0:
        raise IdentifierInvalid(PMID_INVALID.format(value=value))
    if len(str(int(pmid))) > PMID_MAX_DIGITS:
        raise IdentifierInvalid(PMID_INVALID.format(value=value))
    return str(int(pmid))


def pmcid_normalise(value: str) -> str:
    """`PMC` plus digits (`pmc123` gives `PMC123`); bare digits are refused as ambiguous."""
    match = _PMCID.match(value.strip())
    if match is None:
        raise IdentifierInvalid(PMCID_INVALID.format(value=value))
    return f"PMC{match.group(1)}"


def title_normalise(title: str) -> str:
    """The title folded for duplicate detection: no case, accents, punctuation or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    kept = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(kept.split())[:1000]
