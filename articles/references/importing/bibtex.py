"""BibTeX through bibtexparser 2: LaTeX decoded with pylatexenc; our type in `reftype`."""

import re
from functools import partial
from typing import Any

import bibtexparser
from bibtexparser.model import Entry, ParsingFailedBlock, String
from pylatexenc.latex2text import LatexNodes2Text

from articles.plain_input import ascii_int
from articles.references.importing.dates import date_from_numbers
from articles.references.importing.records import (
    FILE_INVALID,
    ImportInvalid,
    ImportRecord,
    ParsedFile,
    RecordFailure,
    record_build,
    record_or_failure,
)

ENTRY_TO_CSL = {
    "article": "article-journal",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "techreport": "report",
    "report": "report",
    "online": "webpage",
    "electronic": "webpage",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "dataset": "dataset",
    "proceedings": "book",
    "mvbook": "book",
    "collection": "book",
    "booklet": "book",
    "manual": "report",
    "unpublished": "article",
}
CSL_TO_ENTRY = {
    "article-journal": "article",
    "book": "book",
    "chapter": "incollection",
    "report": "techreport",
    "webpage": "online",
    "paper-conference": "inproceedings",
    "thesis": "phdthesis",
    "dataset": "dataset",
    "article": "unpublished",
}
BLOCK_FAILED = "the entry cannot be read ({error})."
UNBALANCED = "its braces or its opening and closing delimiters do not match"
MISSING_COMMA = "a comma is missing after the field `{field}` (line {line}): fields merged."
VALUE_UNREADABLE = (
    'the value of `{field}` (line {line}) is not {{...}}, "...", a number or a @string.'
)
# Entries that group or share data, not works: read for crossref, never imported themselves.
NOT_WORKS = {"set", "xdata", "string", "comment", "preamble"}
# Far deeper than any real entry; the parsers recurse once per level of braces.
MAX_BRACE_DEPTH = 32
TOO_DEEP = "braces nest more than {limit} levels deep on line {line}."
_BRACE = re.compile(r"(?<!\\)[{}]")
# Fields holding identifiers or addresses: no LaTeX in them.
RAW_FIELDS = {"doi", "url", "pmid", "pmcid", "urldate", "issn", "isbn", "eprint"}
_FIELD_START = re.compile(r"[}\"]\s*\n?\s*([A-Za-z][\w-]*)\s*=")
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# biblatex fields and the CSL variables they hold, read and written as they are.
EXTRA_FIELDS = {
    "pagetotal": "number-of-pages",
    "volumes": "number-of-volumes",
    "type": "genre",
    "chapter": "chapter-number",
    "version": "version",
    "shorttitle": "title-short",
    "eventtitle": "event-title",
    "venue": "event-place",
    "origpublisher": "original-publisher",
    "origlocation": "original-publisher-place",
    "origtitle": "original-title",
}
# What a child entry takes from the entry it names in `crossref` (biblatex's defaults).
CROSSREF_TITLE = {"title": "booktitle", "subtitle": "booksubtitle"}
PERIODICAL_TITLE = {"title": "journaltitle", "subtitle": "journalsubtitle"}
_latex = LatexNodes2Text()


class _Unreadable(ValueError):
    pass


def _text(value: str) -> str:
    if not value:
        return ""
    try:
        text = _latex.latex_to_text(value)
    except (IndexError, ValueError, KeyError):
        # A macro pylatexenc cannot read (\href without its second argument...): its
        # arguments kept, the commands and braces dropped.
        text = re.sub(r"\\[a-zA-Z]+\*?|[{}]", " ", value)
    return " ".join(text.split())


def _top_level_parts(raw: str) -> list[str]:
    """`a # "b" # {c}` -> ["a", '"b"', "{c}"]: split on # outside braces and quotes."""
    parts, depth, quoted, current = [], 0, False, ""
    for ch in raw:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        if ch == "#" and depth == 0 and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    return [*parts, current.strip()]


def _enclosed(part: str, opening: str, closing: str) -> bool:
    """`part` is one {…} (or "…") group, not `{a} b {c}`."""
    if not (part.startswith(opening) and part.endswith(closing)) or len(part) < 2:
        return False
    if opening == '"':
        return True
    depth = 0
    for position, ch in enumerate(part):
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth == 0 and position < len(part) - 1:
            return False
    return True


def _resolve(raw: str, strings: dict[str, str]) -> str:
    """The value of a field as written: delimiters removed, @string macros and month names
    replaced, `#` concatenations joined. Raises _Unreadable."""
    out = ""
    for part in _top_level_parts(raw.strip()):
        if _enclosed(part, "{", "}") or _enclosed(part, '"', '"'):
            out += part[1:-1]
        elif part.isdigit():
            out += part
        elif part.lower() in strings:
            out += strings[part.lower()]
        elif part.lower()[:3] in MONTHS and re.fullmatch(r"[A-Za-z]+", part):
            out += str(MONTHS.index(part.lower()[:3]) + 1)
        elif re.fullmatch(r"[A-Za-z][\w:.+/-]*", part):
            out += part  # an undefined macro: its name, as BibTeX prints it
        else:
            raise _Unreadable(part)
    return out


def _split(value: str, separator: str) -> list[str]:
    """Split on `separator` (a regex) outside braces."""
    parts, depth, current = [], 0, ""
    for piece in re.split(f"({separator}|[{{}}])", value):
        depth += {"{": 1, "}": -1}.get(piece or "", 0)
        if depth == 0 and piece and re.fullmatch(separator, piece):
            parts.append(current)
            current = ""
        else:
            current += piece or ""
    return [p.strip() for p in [*parts, current]]


def _split_names(value: str) -> list[str]:
    """Split on `and` outside braces."""
    return [n for n in _split(value, r"\s+and\s+") if n]


def _words(text: str) -> list[str]:
    """Words split on spaces outside braces: `{van der Vaart}` is one."""
    return [w for w in _split(text, r"\s+") if w]


def _is_lower(word: str) -> bool:
    """A particle (von, van der, de la) starts in lower case, outside braces."""
    letters = re.sub(r"\{[^{}]*\}|\\[a-zA-Z]+", "", word)
    return bool(letters) and letters[0].islower()


def _name(raw: str) -> dict[str, str]:
    """A BibTeX name: `First von Last`, `von Last, First` or `von Last, Jr, First`; a name in
    one pair of braces is an organisation's, kept literally."""
    if _enclosed(raw, "{", "}"):
        return {"literal": _text(raw[1:-1])}
    commas = _split(raw, ",")
    if len(commas) == 1:
        words = _words(commas[0])
        if len(words) == 1:
            return {"family": _text(words[0])}
        # First von Last: the particle is the lower-case run before the last word(s).
        first_lower = next((i for i, w in enumerate(words[:-1]) if _is_lower(w)), None)
        if first_lower is None:
            given, particle, family = words[:-1], [], words[-1:]
        else:
            last_lower = max(i for i, w in enumerate(words[:-1]) if _is_lower(w))
            given = words[:first_lower]
            particle = words[first_lower : last_lower + 1]
            family = words[last_lower + 1 :]
        suffix = ""
    else:
        von_last = _words(commas[0])
        suffix = commas[1] if len(commas) > 2 else ""
        given = _words(commas[2] if len(commas) > 2 else commas[1])
        lowers = [i for i, w in enumerate(von_last[:-1]) if _is_lower(w)]
        particle = von_last[: lowers[-1] + 1] if lowers else []
        family = von_last[len(particle) :]
    name = {
        "family": _text(" ".join(family)),
        "given": _text(" ".join(given)),
        "non-dropping-particle": _text(" ".join(particle)),
        "suffix": _text(suffix),
    }
    return {k: v for k, v in name.items() if v}


def _csl(entry_type: str, fields: dict[str, str]) -> tuple[dict[str, Any], str]:
    def get(*keys: str) -> str:
        for key in keys:
            if fields.get(key):
                return fields[key].strip() if key in RAW_FIELDS else _text(fields[key])
        return ""

    csl_type = ENTRY_TO_CSL.get(entry_type, "document")
    issued = date_from_numbers(fields.get("date", ""))
    if not issued and get("year"):
        numbers = [ascii_int(p) for p in (get("year"), get("month"), get("day"))]
        parts = []
        for n in numbers:  # a year, then a month, then a day: stop at the first missing
            if n is None:
                break
            parts.append(n)
        issued = {"date-parts": [parts]} if parts else None
    eprint_type = get("eprinttype").lower()
    serial = get("isbn") if csl_type in ("book", "chapter", "report", "thesis") else ""
    csl: dict[str, Any] = {
        "type": csl_type,
        "title": get("title"),
        "author": [_name(n) for n in _split_names(fields.get("author", ""))],
        "editor": [_name(n) for n in _split_names(fields.get("editor", ""))],
        "container-title": get("journal", "journaltitle", "booktitle"),
        "container-title-short": get("shortjournal", "journalabbrev"),
        "collection-title": get("series"),
        "volume": get("volume"),
        "issue": get("number", "issue") if entry_type == "article" else get("issue"),
        "number": get("eid") or ("" if entry_type == "article" else get("number")),
        "page": get("pages").replace("\u2013", "-").replace("--", "-"),
        "edition": get("edition"),
        "publisher": get("publisher", "institution", "organization", "school"),
        "publisher-place": get("address", "location"),
        "abstract": get("abstract"),
        "keyword": get("keywords"),
        "language": get("langid", "language"),
        "ISSN": get("issn"),
        "ISBN": serial or get("isbn"),
        "archive_location": get("accession", "accessionnumber"),
        "note": "\n".join(_text(line) for line in fields.get("note", "").splitlines()).strip(),
        **{variable: get(field) for field, variable in EXTRA_FIELDS.items()},
        "original-date": date_from_numbers(get("origdate")),
        "event-date": date_from_numbers(get("eventdate")),
        "translator": [_name(n) for n in _split_names(fields.get("translator", ""))],
        "container-author": [_name(n) for n in _split_names(fields.get("bookauthor", ""))],
        "URL": get("url"),
        "issued": issued,
        "accessed": date_from_numbers(get("urldate")),
        "DOI": get("doi"),
        "PMID": get("pmid") or (get("eprint") if eprint_type == "pubmed" else ""),
        "PMCID": get("pmcid") or (get("eprint") if eprint_type == "pmc" else ""),
    }
    return csl, get("reftype")


def _too_deep_line(text: str) -> int | None:
    """The line on which braces first nest deeper than MAX_BRACE_DEPTH, if they do: the
    parsers recurse into each level and would exhaust Python's stack."""
    depth = 0
    for match in _BRACE.finditer(text):
        depth += 1 if match.group() == "{" else -1
        if depth > MAX_BRACE_DEPTH:
            return text.count("\n", 0, match.start()) + 1
    return None


def _first_line(block: Any, offset: int) -> str:
    raw = (getattr(block, "raw", "") or "").strip()
    line = (block.start_line or 0) + 1 + offset
    return f"line {line}: {raw.splitlines()[0] if raw else ''}"[:120]


def _fields(entry: Entry, strings: dict[str, str], offset: int) -> dict[str, str]:
    """The entry's fields resolved; raises _Unreadable naming a missing comma or a bad value."""
    fields = {}
    for f in entry.fields:
        raw = str(f.value)
        line = (f.start_line or entry.start_line or 0) + 1 + offset
        merged = _FIELD_START.search(raw)
        try:
            value = _resolve(raw, strings)
        except _Unreadable as exc:
            if merged:
                message = MISSING_COMMA.format(field=f.key.lower(), line=line)
            else:
                message = VALUE_UNREADABLE.format(field=f.key.lower(), line=line)
            raise _Unreadable(message) from exc
        fields[f.key.lower()] = value
    return fields


def _record(index: int, entry_type: str, fields: dict[str, str], key: str) -> ImportRecord:
    csl, reftype = _csl(entry_type, fields)
    return record_build(index=index, csl=csl, type_hint=reftype, key_hint=key)


# What _read makes of each block: (first line, entry type, fields or the failure's reason, key).
_Read = tuple[str, str, dict[str, str] | str, str]


def _read(text: str, strings: dict[str, str], offset: int) -> list[_Read]:
    """The blocks of `text` in file order; @string macros are added to `strings` as they come.
    Raises ImportInvalid when braces nest too deep to parse."""
    line = _too_deep_line(text)
    if line is not None:
        problem = TOO_DEEP.format(limit=MAX_BRACE_DEPTH, line=line + offset)
        raise ImportInvalid(FILE_INVALID.format(format="BibTeX", problem=problem))
    library = bibtexparser.parse_string(text, parse_stack=[])
    read: list[_Read] = []
    for block in library.blocks:
        if isinstance(block, String):
            try:
                strings[block.key.lower()] = _resolve(str(block.value), strings)
            except _Unreadable:
                continue
            continue
        entry: Any = block
        if isinstance(block, ParsingFailedBlock):
            # The same key twice (two works all the same, each gets its own key) or a field
            # twice (the first is kept): the entry was read.
            entry = getattr(block, "ignore_error_block", None)
            if not isinstance(entry, Entry):
                error = str(getattr(block, "error", "") or "").strip()
                reason = BLOCK_FAILED.format(error=error or UNBALANCED)
                read.append((_first_line(block, offset), "", reason, ""))
                continue
        if not isinstance(entry, Entry):
            continue
        first_line = _first_line(entry, offset)
        try:
            fields = _fields(entry, strings, offset)
        except _Unreadable as exc:
            read.append((first_line, entry.entry_type.lower(), str(exc), entry.key))
            continue
        fields["@type"] = entry.entry_type.lower()
        read.append((first_line, entry.entry_type.lower(), fields, entry.key))
    return read


def _by_key(read: list[_Read]) -> dict[str, dict[str, str]]:
    return {key.lower(): fields for _, _, fields, key in read if isinstance(fields, dict)}


def parents_read(text: str) -> dict[str, dict[str, str]]:
    """The fields of the entries in `text` (the parents of crossref entries), by key."""
    return _by_key(_read(text, {}, 0))


def parse(
    text: str,
    *,
    first_index: int = 1,
    start_line: int = 1,
    strings: dict[str, str] | None = None,
    parents: dict[str, dict[str, str]] | None = None,
) -> ParsedFile:
    """The works of `text`, numbered from `first_index`, its lines from `start_line`. A file
    read in parts passes the @string macros seen so far (updated here) and the entries crossref
    names (`parents`, read beforehand: a parent may come after its children)."""
    read = _read(text, {} if strings is None else strings, start_line - 1)
    by_key = (parents or {}) | _by_key(read)
    results: list[ImportRecord | RecordFailure] = []
    index = first_index - 1
    for first, entry_type, read_fields, key in read:
        if entry_type in NOT_WORKS:
            continue
        index += 1
        if isinstance(read_fields, str):
            results.append(RecordFailure(index, first, read_fields))
            continue
        fields = read_fields
        parent = by_key.get((fields.get("crossref") or fields.get("xref") or "").lower().strip())
        if parent:
            titles = PERIODICAL_TITLE if parent.get("@type") == "periodical" else CROSSREF_TITLE
            inherited = {titles.get(k, k): v for k, v in parent.items() if k != "@type"}
            fields = {**inherited, **fields}
        results.append(
            record_or_failure(index, first, partial(_record, index, entry_type, fields, key))
        )
    return ParsedFile.of(results)
