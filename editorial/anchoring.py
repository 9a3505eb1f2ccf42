"""Where a comment's passage is: in the text as reviewers read it, the rendered body's plain text.

A quote is compared with that text after both have their whitespace collapsed, so a passage
crossing bold, a link or two list items is found as the reader selected it (Hypothesis'
text-quote anchoring: the quote is what counts, the offset only picks among repeats).
`passage_find` is the one rule "is this passage in this body", used when a comment is made
(editorial.comments, for the workspace and the API alike), by the highlights on the review page
(editorial.highlights), and when open threads move to the next revision (below).
"""

import re
from collections.abc import Collection
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

from articles.markdown import markdown_with_citations
from articles.models import AudienceLevel, Revision
from articles.references.rendering import revision_cited_versions
from editorial.models import ReviewComment

WHITESPACE = re.compile(r"\s+")


def passage_normalise(text: str) -> str:
    """`text` with each run of whitespace as one space, trimmed: how quotes are compared."""
    return WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class HtmlPiece:
    """A start tag (`markup` as written), an end tag, or a text node (`text`, decoded)."""

    kind: Literal["start", "end", "text"]
    tag: str = ""
    markup: str = ""
    text: str = ""


class _Splitter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[HtmlPiece] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pieces.append(HtmlPiece("start", tag, self.get_starttag_text() or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.pieces.append(HtmlPiece("end", tag))

    def handle_data(self, data: str) -> None:
        self.pieces.append(HtmlPiece("text", text=data))


def html_pieces(html: str) -> list[HtmlPiece]:
    """`html` (sanitised, as articles.markdown makes it) as its tags and text nodes, in order."""
    splitter = _Splitter()
    splitter.feed(html)
    splitter.close()
    return splitter.pieces


def html_text(html: str) -> str:
    """The plain text of rendered HTML, whitespace collapsed: its text nodes joined, as the
    browser's `Range.toString()` joins what a reader selects."""
    return passage_normalise("".join(p.text for p in html_pieces(html) if p.kind == "text"))


def body_text(*, text: str, citable: Collection[str]) -> str:
    """The plain text of a Markdown body as the review page shows it (citations numbered)."""
    html, _ = markdown_with_citations(text, citable=citable)
    return html_text(html)


def revision_body_text(*, revision: Revision, audience: AudienceLevel) -> str | None:
    """The plain text of `revision`'s body for `audience` as reviewers read it, or None when
    the revision has no such body. Two or three queries."""
    text = revision.bodies.filter(audience=audience).values_list("body", flat=True).first()
    if text is None:
        return None
    return body_text(text=text, citable=revision_cited_versions(revision=revision).keys())


def passage_find(*, text: str, quote: str, offset: int | None = None) -> int | None:
    """Where `quote` starts in the plain text `text` (both compared with whitespace collapsed):
    the occurrence nearest `offset`, the first without one; None when it is not there."""
    quote = passage_normalise(quote)
    if not quote:
        return None
    positions = []
    start = text.find(quote)
    while start != -1:
        positions.append(start)
        start = text.find(quote, start + 1)
    if not positions:
        return None
    return min(positions, key=lambda p: abs(p - (offset or 0)))


def comments_carry_forward(*, source: Revision, target: Revision) -> int:
    """Move the open threads of `source` whose passage is still in `target`'s body of the same
    audience to `target`, at the passage's new offset; return how many moved. The others stay
    on `source`, shown as on an earlier revision."""
    threads = list(
        ReviewComment.objects.filter(revision=source, parent__isnull=True, resolved_at__isnull=True)
    )
    if not threads:
        return 0
    citable = revision_cited_versions(revision=target).keys()
    texts = {
        audience_id: body_text(text=body, citable=citable)
        for audience_id, body in target.bodies.values_list("audience_id", "body")
    }
    moved = 0
    for thread in threads:
        text = texts.get(thread.audience_id)
        position = (
            None
            if text is None
            else passage_find(text=text, quote=thread.quoted_text, offset=thread.offset)
        )
        if position is None:
            continue
        ReviewComment.objects.filter(pk=thread.pk).update(revision=target, offset=position)
        ReviewComment.objects.filter(parent=thread).update(revision=target, offset=position)
        moved += 1
    return moved
