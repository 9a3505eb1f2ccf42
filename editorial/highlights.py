"""Open threads highlighted in the rendered text of the review page.

Each open thread's passage is found with the same rule as when it was made
(editorial.anchoring.passage_find) and wrapped in `<mark>` elements, one per piece of text it
covers, so that a passage crossing bold or two list items is marked in each of them and the
HTML stays well formed. Done on the sanitised HTML: its tags are copied as they are, its text
is escaped again, and only our own `<mark>` and back-link elements are added.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from editorial.anchoring import WHITESPACE, html_pieces, passage_find, passage_normalise
from editorial.models import ReviewComment

VOID_TAGS = {"br", "hr", "img", "wbr"}
# Where a run of whitespace may be wrapped: elsewhere (between list items, table rows) it is
# layout, and a <mark> there would not be valid HTML.
PHRASING_PARENTS = {
    "p", "li", "a", "strong", "em", "code", "pre", "sub", "sup", "abbr", "td", "th",
    "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip


@dataclass(frozen=True)
class Highlighted:
    html: SafeString
    located: frozenset[int]  # the threads whose passage was found (and marked)


@dataclass
class _Span:
    thread: ReviewComment
    start: int  # in the raw text (the text nodes joined, whitespace as written)
    end: int
    marked: bool = field(default=False)  # its first <mark> (with the id) is written


def _raw_positions(raw: str) -> list[int]:
    """For each character of passage_normalise(raw), where it comes from in `raw`."""
    positions: list[int] = []
    last = 0
    for run in WHITESPACE.finditer(raw):
        positions.extend(range(last, run.start()))
        positions.append(run.start())
        last = run.end()
    positions.extend(range(last, len(raw)))
    if positions and raw[positions[0]].isspace():
        positions.pop(0)
    if positions and raw[positions[-1]].isspace():
        positions.pop()
    return positions


def _mark_open(span: _Span) -> str:
    thread = span.thread
    first = "" if span.marked else f' id="passage-{thread.pk}" tabindex="-1"'
    span.marked = True
    return (
        f'<mark class="passage severity-{escape(thread.severity)}" '
        f'data-thread="{thread.pk}"{first}>'
    )


def _back_link(thread: ReviewComment) -> str:
    # No text of its own (the stylesheet draws it): a new selection's text stays the body's.
    return format_html(
        '<a class="passage-link" href="#comment-{}" aria-label="{}"></a>',
        thread.pk,
        f"{thread.get_severity_display()} comment by {thread.author}",
    )


def passages_highlight(*, html: str, threads: Iterable[ReviewComment]) -> Highlighted:
    """`html` (a body as articles.markdown renders it: sanitised) with the passage of each open
    thread in `threads` marked, the first mark of each `id="passage-<pk>"`, and after each a
    link to the thread `#comment-<pk>`. Threads need their author; no query is made."""
    pieces = html_pieces(html)
    raw = "".join(piece.text for piece in pieces if piece.kind == "text")
    text = passage_normalise(raw)
    positions = _raw_positions(raw)
    spans = []
    for thread in threads:
        if thread.is_resolved:
            continue
        start = passage_find(text=text, quote=thread.quoted_text, offset=thread.offset)
        if start is None:
            continue
        end = start + len(passage_normalise(thread.quoted_text))
        spans.append(_Span(thread, positions[start], positions[end - 1] + 1))
    spans.sort(key=lambda span: (span.start, -span.end))

    out: list[str] = []
    stack: list[str] = []
    waiting: list[str] = []  # back-links ending inside a link: written after it closes
    cursor = 0
    for piece in pieces:
        if piece.kind == "start":
            out.append(piece.markup)
            if piece.tag not in VOID_TAGS:
                stack.append(piece.tag)
        elif piece.kind == "end":
            out.append(f"</{piece.tag}>")
            if piece.tag in stack:
                while stack.pop() != piece.tag:
                    pass
            if piece.tag == "a" and "a" not in stack:
                out.extend(waiting)
                waiting.clear()
        else:
            start, end = cursor, cursor + len(piece.text)
            cursor = end
            cuts = {start, end}
            cuts.update(s.start for s in spans if start < s.start < end)
            cuts.update(s.end for s in spans if start < s.end < end)
            parent = stack[-1] if stack else ""
            for left, right in pairwise(sorted(cuts)):
                segment = piece.text[left - start : right - start]
                covering = [s for s in spans if s.start <= left and right <= s.end]
                if not covering or (segment.isspace() and parent not in PHRASING_PARENTS):
                    out.append(escape(segment))
                    continue
                out.extend(_mark_open(span) for span in covering)
                out.append(escape(segment))
                out.append("</mark>" * len(covering))
                links = [_back_link(s.thread) for s in covering if s.end == right]
                (waiting if "a" in stack else out).extend(links)
    out.extend(waiting)
    # Safe: the tags are the sanitiser's, every text is escaped, our attributes are ids,
    # choices and escaped names.
    return Highlighted(
        html=mark_safe("".join(out)),  # noqa: S308
        located=frozenset(span.thread.pk for span in spans),
    )
