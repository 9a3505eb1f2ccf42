"""The snippets of the search's results page: each article's published text around what matched,
the matched words marked, as safe HTML.

On PostgreSQL `ts_headline` marks the words its stemming matched, but it parses and stems all
the text it is given: a whole body cost 0.3 ms of PostgreSQL's CPU, ten of them most of the
search's budget (BENCHMARKS.md, "Search: the snippets from a window of the text, the vectors in
their rows"). So it is given a window of the text, SNIPPET_WINDOW characters starting a little
before the first word that begins like one of the query's lexemes (a regular expression, ten
times cheaper than the parse); when no such word is found (a match in the title or topic only)
the window is the start of the text, which is what the headline of the whole text shows then
too. When the window holds no word the headline marks (the lexeme's prefix began another word),
the whole text is used, as before. On SQLite (the word search) a Python cut around the first
hit.
"""

import re
from typing import Any

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import ArticleSearchDocument
from articles.search_documents import SEARCH_CONFIG, SNIPPET_START, SNIPPET_STOP

# The SQLite fallback matches at most this many words (all of them must match).
FALLBACK_MAX_WORDS = 8
_WORD = re.compile(r"\w+")
SNIPPET_WORDS_BEFORE = 12
SNIPPET_LENGTH = 240  # characters, SQLite fallback
# PostgreSQL: the window given to ts_headline, and how far before the first hit it starts.
SNIPPET_WINDOW = 500
SNIPPET_BEFORE = 150
# ts_headline's options, as Django's SearchHeadline writes them (values quoted).
_HEADLINE_OPTIONS = (
    f"StartSel='{SNIPPET_START}', StopSel='{SNIPPET_STOP}', MaxWords=35, MinWords=15, "
    "MaxFragments=2, FragmentDelimiter=' … '"
)
_MARKERS = re.compile(f"([{SNIPPET_START}{SNIPPET_STOP}])")

# The query's lexemes as a pattern for the start of a word: a stem may end in an `i` or `e`
# its words do not have ("therapi" for therapy, "hope" for hoping), so that letter is left
# out; every other character than a letter or digit is escaped. The window is cut at spaces
# (the text is padded with one at each end), so that it neither starts nor ends inside a word;
# a window with no two spaces to cut at (one long token) gives way to the whole text.
_SNIPPETS_SQL = r"""
SELECT d.article_id,
       CASE WHEN h.hit > 0 AND strpos(h.snippet, %(start)s) = 0
            THEN ts_headline(%(config)s::regconfig, d.body_text, q.query, %(options)s)
            ELSE h.snippet END
FROM articles_articlesearchdocument d
CROSS JOIN (
    SELECT websearch_to_tsquery(%(config)s::regconfig, %(query)s) AS query,
           (SELECT '\m(' || string_agg(
                       regexp_replace(regexp_replace(lexeme, '[ie]$', ''),
                                      '[^[:alnum:]]', '\\\&', 'g'), '|') || ')'
            FROM unnest(to_tsvector(%(config)s::regconfig, %(query)s))
            WHERE length(lexeme) > 1) AS pattern
) q
CROSS JOIN LATERAL (
    SELECT regexp_instr(d.body_text, q.pattern, 1, 1, 0, 'i') AS hit OFFSET 0
) w
CROSS JOIN LATERAL (
    SELECT w.hit, ts_headline(
        %(config)s::regconfig,
        coalesce(substring(substr(' ' || d.body_text || ' ', greatest(1, w.hit - %(before)s),
                                  %(window)s) FROM '^\S*\s(.*)\s'),
                 d.body_text),
        q.query, %(options)s) AS snippet
    OFFSET 0
) h
WHERE d.article_id = ANY(%(ids)s::bigint[])
"""


def search_snippets(
    *, article_ids: list[int], query: str, full_text: bool
) -> dict[int, SafeString]:
    """The snippet of each article's published text for `query`, as safe HTML (one query, for
    the page shown only). `full_text`: PostgreSQL's headline, else the word search's cut."""
    if not article_ids:
        return {}
    if full_text:
        params: dict[str, Any] = {
            "config": SEARCH_CONFIG,
            "query": query,
            "options": _HEADLINE_OPTIONS,
            "start": SNIPPET_START,
            "before": SNIPPET_BEFORE,
            "window": SNIPPET_WINDOW + 2,  # the padding's two spaces
            "ids": list(article_ids),
        }
        with connection.cursor() as cursor:
            cursor.execute(_SNIPPETS_SQL, params)
            return {pk: snippet_html(headline or "") for pk, headline in cursor.fetchall()}
    words = fallback_words(query)
    texts = ArticleSearchDocument.objects.filter(article_id__in=article_ids).values_list(
        "article_id", "body_text"
    )
    return {pk: snippet_html(_fallback_snippet(text, words)) for pk, text in texts}


def fallback_words(query: str) -> list[str]:
    """The words the word search (SQLite's) matches, each once, at most FALLBACK_MAX_WORDS."""
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(query)))[:FALLBACK_MAX_WORDS]


def _fallback_snippet(text: str, words: list[str]) -> str:
    """About SNIPPET_LENGTH characters of `text` around the first hit, hits between markers."""
    text = " ".join(text.split())
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
    first = pattern.search(text) if pattern else None
    start = 0
    if first is not None:
        before = text[: first.start()].split(" ")
        if len(before) > SNIPPET_WORDS_BEFORE:  # start a few words before the hit
            start = len(" ".join(before[:-SNIPPET_WORDS_BEFORE])) + 1
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):  # do not cut a word in two
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = text[start:end]
    if pattern is not None:
        piece = pattern.sub(lambda m: f"{SNIPPET_START}{m.group(0)}{SNIPPET_STOP}", piece)
    return ("… " if start > 0 else "") + piece + (" …" if end < len(text) else "")


def snippet_html(marked: str) -> SafeString:
    """Escape the snippet text, then turn the highlight markers into <mark>: the stored text
    never carries a marker, so no markup of the body can reach the page. A marker that opens
    a mark already open, or closes none, is dropped; a mark left open is closed."""
    opened = False
    parts = []
    for part in _MARKERS.split(escape(marked)):
        if part == SNIPPET_START:
            if not opened:
                parts.append("<mark>")
            opened = True
        elif part == SNIPPET_STOP:
            if opened:
                parts.append("</mark>")
            opened = False
        else:
            parts.append(part)
    if opened:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 -- escaped above; only our <mark> added
