"""A reference file read as a stream: its text a piece at a time (the stored ImportChunk rows,
or one string), cut where a record may begin, each run of pieces parsed by the format's own
parser, so that memory holds a batch of records, never the file (ADR 018).

Where a file may be cut: RIS before a TY line; MEDLINE after a blank line (before its next
PMID); BibTeX before a line starting `@type{` (bibtexparser starts a new block there too);
CSL-JSON between the elements of its top-level array, found by a small scanner of brackets and
strings. (ijson yields parsed values, its numbers as Decimal; the parser wants each element's
text, for its depth check and its messages, so the scanner stays ours.)
"""

import re
from collections.abc import Callable, Iterable, Iterator

from articles.references.importing import bibtex, csljson, medline, ris
from articles.references.importing.parsing import ImportFormat, text_decode
from articles.references.importing.records import (
    FILE_INVALID,
    NO_RECORDS,
    ImportInvalid,
    ImportRecord,
    ParsedFile,
    RecordFailure,
)
from articles.references.importing.uploads import import_upload_store, upload_texts
from articles.references.models import ImportUpload

# A run of pieces parsed at once: this many records, or this many characters.
PARSE_RECORDS = 200
PARSE_CHARS = 2 * 1024 * 1024
# A line or a record longer than this is cut all the same (only a broken file has one).
MAX_PIECE_CHARS = 8 * 1024 * 1024
JSON_ENDS_INSIDE = "the file ends inside an item (a bracket or a quote is not closed)."
JSON_AFTER_END = "there is more after the end of the list of items."
JSON_NOT_A_LIST = "expected a list of items."

type Texts = Callable[[], Iterator[str]]
type Item = ImportRecord | RecordFailure


def lines_read(texts: Iterable[str]) -> Iterator[str]:
    """The lines of the text, each with its line break, whatever piece they straddle."""
    rest = ""
    for text in texts:
        parts = (rest + text).splitlines(keepends=True)
        # The last line may go on in the next piece (even a "\r" before its "\n").
        rest = parts.pop() if parts else ""
        yield from parts
        if len(rest) > MAX_PIECE_CHARS:
            yield rest
            rest = ""
    if rest:
        yield rest


def _cut_lines(lines: Iterable[str], starts: Callable[[str, str], bool]) -> Iterator[str]:
    """Runs of whole lines, each beginning where `starts(line, previous)` says a record may."""
    current: list[str] = []
    size, previous = 0, ""
    for line in lines:
        if current and (starts(line, previous) or size > MAX_PIECE_CHARS):
            yield "".join(current)
            current, size = [], 0
        current.append(line)
        size += len(line)
        previous = line
    if current:
        yield "".join(current)


_JSON_MARK = re.compile(r'[\[\]{},"]')
_STRING_END = re.compile(r'["\\]')


def _json_invalid(problem: str) -> ImportInvalid:
    return ImportInvalid(FILE_INVALID.format(format="CSL-JSON", problem=problem))


def json_elements(texts: Iterable[str]) -> Iterator[str]:
    """The text of each element of the top-level array (or of the one top-level object).
    Raises ImportInvalid when the file is not a list or object, or ends inside one."""
    depth, in_string, escaped, commas = 0, False, False, False
    top, done = "", False
    parts: list[str] = []
    start: int | None = None  # where the element being read starts in this piece
    for text in texts:
        pos = 0
        if escaped and text:
            pos, escaped = 1, False
        while pos < len(text):
            if done:
                if text[pos:].strip():
                    raise _json_invalid(JSON_AFTER_END)
                break
            if in_string:
                match = _STRING_END.search(text, pos)
                if match is None:
                    break
                if match.group() == "\\":
                    escaped = match.end() == len(text)
                    pos = match.end() + 1
                    continue
                in_string, pos = False, match.end()
                continue
            match = _JSON_MARK.search(text, pos)
            if depth == 0 and (
                text[pos : match.start() if match else None].strip()
                or (match and match.group() in "]},")
            ):
                raise _json_invalid(JSON_NOT_A_LIST)
            if match is None:
                break
            mark, pos = match.group(), match.end()
            if mark == '"':
                in_string = True
            elif mark in "[{":
                if depth == 0:
                    top = mark
                    start = match.start() if mark == "{" else match.end()
                depth += 1
            elif mark in "]}":
                depth -= 1
                if depth == 0:
                    end = match.end() if top == "{" else match.start()
                    parts.append(text[start:end] if start is not None else "")
                    element = "".join(parts).strip()
                    if element or commas:  # "[]" holds nothing; "[1,]" is read (and refused)
                        yield element
                    parts, start, done = [], None, True
            elif mark == "," and depth == 1 and top == "[":
                parts.append(text[start : match.start()] if start is not None else "")
                yield "".join(parts).strip()
                parts, start, commas = [], match.end(), True
        if start is not None and not done:
            parts.append(text[start:])
            start = 0
    if not done:
        raise _json_invalid(JSON_ENDS_INSIDE if top else JSON_NOT_A_LIST)


def _line_pieces(texts: Iterable[str], format: ImportFormat) -> Iterator[str]:
    lines = lines_read(texts)
    if format == ImportFormat.RIS:
        return _cut_lines(lines, lambda line, _: ris.record_starts(line))
    if format == ImportFormat.MEDLINE:
        return _cut_lines(lines, medline.record_starts)
    return _cut_lines(lines, lambda line, _: record_starts_bibtex(line))


# BibTeX: a line beginning a block; a field naming the entry another inherits from; an entry's
# type and key.
_BLOCK_LINE = re.compile(r"^\s*@\w*[ \t]*[{(]")
_CROSSREF = re.compile(r"\b(?:crossref|xref)\s*=\s*[{\"]?\s*([^,}\"\s]+)", re.IGNORECASE)
_ENTRY_KEY = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s]+)")


def record_starts_bibtex(line: str) -> bool:
    """A line beginning with `@type{` begins a block: bibtexparser itself starts a new block
    there (even inside an unclosed one), so a file may be cut before it."""
    return _BLOCK_LINE.match(line) is not None


def _bibtex_parents(texts: Texts) -> dict[str, dict[str, str]]:
    """The fields of the entries that others inherit from (crossref, xref), by key: read
    before the records, as a parent may come after its children. Two passes over the file,
    the second only when one entry names a parent; memory holds the parents only."""
    targets: set[str] = set()
    for piece in _line_pieces(texts(), ImportFormat.BIBTEX):
        targets |= {m.group(1).lower() for m in _CROSSREF.finditer(piece)}
    if not targets:
        return {}
    wanted = []
    for piece in _line_pieces(texts(), ImportFormat.BIBTEX):
        match = _ENTRY_KEY.match(piece)
        if match and (match.group(1).lower() == "string" or match.group(2).lower() in targets):
            wanted.append(piece)
    return bibtex.parents_read("".join(wanted))


def _runs(pieces: Iterable[str]) -> Iterator[list[str]]:
    """Pieces gathered into runs of about PARSE_RECORDS records or PARSE_CHARS characters."""
    run: list[str] = []
    size = 0
    for piece in pieces:
        run.append(piece)
        size += len(piece)
        if len(run) >= PARSE_RECORDS or size >= PARSE_CHARS:
            yield run
            run, size = [], 0
    if run:
        yield run


def items_read(texts: Texts, format: ImportFormat | str) -> Iterator[Item]:
    """Each record of the file (or the failure naming why it cannot be read), in file order,
    numbered from 1 as a whole-file parse numbers them. `texts` opens the text anew (BibTeX
    reads it twice when an entry inherits from another). Raises ImportInvalid when the file
    as a whole cannot be read."""
    format = ImportFormat(format)
    index = 1
    if format == ImportFormat.CSL_JSON:
        for run in _runs(json_elements(texts())):
            parsed = csljson.parse("[" + ",".join(run) + "]", first_index=index)
            index += len(parsed.records) + len(parsed.failures)
            yield from _in_order(parsed)
        return
    line = 1
    strings: dict[str, str] = {}
    parents = _bibtex_parents(texts) if format == ImportFormat.BIBTEX else {}
    for run in _runs(_line_pieces(texts(), format)):
        text = "".join(run)
        if format == ImportFormat.BIBTEX:
            parsed = bibtex.parse(
                text, first_index=index, start_line=line, strings=strings, parents=parents
            )
        elif format == ImportFormat.RIS:
            parsed = ris.parse(text, first_index=index, start_line=line)
        else:
            parsed = medline.parse(text, first_index=index, start_line=line)
        index += len(parsed.records) + len(parsed.failures)
        line += len(text.splitlines())
        yield from _in_order(parsed)


def _in_order(parsed: ParsedFile) -> list[Item]:
    items: list[Item] = [*parsed.records, *parsed.failures]
    return sorted(items, key=lambda item: item.index)


def file_parse(*, data: str | bytes, format: ImportFormat | str) -> ParsedFile:
    """The records of the file that can be read, and those that cannot (with their number,
    first line and reason). Raises ImportInvalid only when the file as a whole cannot be read
    (not text, not JSON) or holds no record at all."""
    text = text_decode(data=data, format=format)
    parsed = ParsedFile.of(list(items_read(lambda: iter([text]), format)))
    if not parsed.records and not parsed.failures:
        raise ImportInvalid(NO_RECORDS)
    return parsed


def upload_parse(upload: ImportUpload) -> ParsedFile:
    """The stored file's records and failures (a preview holds them all; the import's task
    reads it a batch at a time through items_read). Raises ImportInvalid as file_parse."""
    return _whole(items_read(lambda: upload_texts(upload), upload.format))


def import_file_read(  # type: ignore[no-untyped-def]
    *, actor, format: str, filename: str = "", file=None, text: str = ""
) -> tuple[ImportUpload, ParsedFile]:
    """Keep an uploaded file (or pasted text) for its preview and confirm, and read it back.
    Raises ImportInvalid, nothing kept, when it cannot be read as a whole."""
    upload = import_upload_store(
        actor=actor, format=format, filename=filename, file=file, text=text
    )
    try:
        return upload, upload_parse(upload)
    except ImportInvalid:
        upload.delete()  # nothing to confirm
        raise


def _whole(items: Iterable[Item]) -> ParsedFile:
    parsed = ParsedFile.of(list(items))
    if not parsed.records and not parsed.failures:
        raise ImportInvalid(NO_RECORDS)
    return parsed


def records_parse(*, data: str | bytes, format: ImportFormat | str) -> list[ImportRecord]:
    """Every record of the file, checked; raises ImportInvalid naming the first record that
    cannot be read (for callers that take a file whole, such as the benchmark)."""
    parsed = file_parse(data=data, format=format)
    if parsed.failures:
        raise ImportInvalid(str(parsed.failures[0]))
    return parsed.records
