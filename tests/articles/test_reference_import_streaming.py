"""A reference file read as a stream (issue 13, point 5): cut into pieces anywhere (inside a
line, a UTF-8 character, a "\\r\\n", a JSON string), it reads exactly as it does whole, for
every file of the corpus of real exports and the broken ones."""

from pathlib import Path

import pytest

from articles.references.importing import ImportInvalid, file_parse, items_read
from articles.references.importing.streaming import json_elements, lines_read
from tests.articles.test_reference_corpus import FORMATS, ROOT

BROKEN = {".bib": "bibtex", ".nbib": "medline", ".ris": "ris", ".json": "csl-json"}


def _corpus() -> list[tuple[Path, str]]:
    files = []
    for path in sorted(ROOT.rglob("*")):
        if not path.is_file() or path.suffix not in BROKEN:
            continue
        top = path.relative_to(ROOT).parts[0]
        files.append((path, FORMATS.get(top) or BROKEN[path.suffix]))
    return files


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _read(text: str, format: str, size: int) -> list[object] | str:
    try:
        return list(items_read(lambda: iter(_pieces(text, size)), format))
    except ImportInvalid as exc:
        return str(exc)


@pytest.mark.parametrize(("path", "format"), _corpus(), ids=lambda v: str(v)[-40:])
def test_a_file_cut_anywhere_reads_as_it_does_whole(path, format):
    text = path.read_bytes().decode("utf-8-sig", "replace")
    whole = _read(text, format, len(text) + 1)
    for size in (1, 7, 64, 4096):
        assert _read(text, format, size) == whole


def test_the_records_are_those_the_whole_file_parse_gives():
    path = ROOT / "ris"
    sample = next(p for p in sorted(path.rglob("*.ris")))
    parsed = file_parse(data=sample.read_bytes(), format="ris")
    streamed = list(items_read(lambda: iter(_pieces(sample.read_text("utf-8-sig"), 5)), "ris"))
    assert streamed == sorted([*parsed.records, *parsed.failures], key=lambda i: i.index)


def test_lines_straddling_pieces_keep_their_breaks():
    assert list(lines_read(["a\r", "\nb", "\n\nc"])) == ["a\r\n", "b\n", "\n", "c"]


@pytest.mark.parametrize(
    ("pieces", "elements"),
    [
        (['[{"a": "x,]"}', ", 2 ,", '{"b": "\\\\"}]'], ['{"a": "x,]"}', "2", '{"b": "\\\\"}']),
        (['{"title": "one"', "}"], ['{"title": "one"}']),
        (["[", "]"], []),
        (['["a\\', '"b"]'], ['"a\\"b"']),
    ],
)
def test_json_elements_are_cut_between_the_top_level_items(pieces, elements):
    assert list(json_elements(pieces)) == elements


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[{"a": 1}', "ends inside an item"),
        ('[{"a": 1}] x', "more after the end"),
        ("42", "expected a list of items"),
    ],
)
def test_a_json_file_that_is_not_a_list_is_refused_naming_why(text, problem):
    with pytest.raises(ImportInvalid, match=problem):
        list(json_elements([text]))
