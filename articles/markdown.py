"""Markdown to safe HTML for article bodies: CommonMark plus tables, raw HTML off, sanitised."""

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from articles.references.citations import BRACKET, bracket_keys, numbers_collapse


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Pandoc-style `[@a; @b]` as one `citation` token holding its keys."""
    if state.src[state.pos] != "[":
        return False
    match = BRACKET.match(state.src, state.pos)
    keys = bracket_keys(match.group(1)) if match else []
    if match is None or not keys:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"keys": keys}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _citation_link(number: int, prefix: str = "ref-") -> str:
    return f'<a href="#{prefix}{number}">{number}</a>'


def _render_citation(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict[str, Any]
) -> str:
    """Superscript numbers linked to the list; a marker with an uncitable key stays as text."""
    token = tokens[idx]
    keys: list[str] = token.meta["keys"]
    citable: Collection[str] = env.get("citable", ())
    if not all(key in citable for key in keys):
        return escapeHtml(token.content)
    numbers: dict[str, int] = env.setdefault("citation_numbers", {})
    for key in keys:
        numbers.setdefault(key, len(numbers) + 1)
    runs = numbers_collapse([numbers[key] for key in keys])
    prefix = env.get("anchor_prefix", "ref-")
    return (
        "<sup>"
        + ", ".join(
            _citation_link(first, prefix)
            if first == last
            else f"{_citation_link(first, prefix)}-{_citation_link(last, prefix)}"
            for first, last in runs
        )
        + "</sup>"
    )


_renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
_renderer.inline.ruler.before("link", "citation", _citation_rule)
_renderer.add_render_rule("citation", _render_citation)

# What article bodies may contain. No images (the CSP allows only our own origin) and no
# style or class attributes: markdown-it's table alignment comes out as inline style, which
# the CSP would refuse anyway.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    # The passages' anchors (passage_ranges), which the answers to readers' questions link to.
    "p": {"id"},
    "li": {"id"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def markdown_to_html(text: str) -> SafeString:
    """Render Markdown to HTML that is safe to put in a page as is.

    Raw HTML is escaped by the renderer; nh3 then keeps only ALLOWED_TAGS/ALLOWED_ATTRIBUTES,
    drops unsafe URL schemes (javascript:, data:) and adds rel="noopener noreferrer" to links.
    Citation markers stay as text; see markdown_with_citations.
    """
    return markdown_with_citations(text, citable=(), passage_ids=False)[0]


def markdown_tokens(text: str, *, env: dict[str, Any] | None = None) -> list[Token]:
    """The markdown-it tokens of `text` as the page renders them: citation markers as
    `citation` tokens, body headings one level down (the page title is the only <h1>)."""
    tokens = _renderer.parse(text or "", {} if env is None else env)
    for token in tokens:
        # h6 stays h6.
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    return tokens


def markdown_with_citations(
    text: str, *, citable: Collection[str], anchor_prefix: str = "ref-", passage_ids: bool = True
) -> tuple[SafeString, list[str]]:
    """Render like markdown_to_html, with each marker whose keys are all in `citable` as
    superscript numbers linking to `#<anchor_prefix>N`; also return the cited keys in number
    order. (A page showing several bodies gives each its own prefix.) With `passage_ids`, each
    passage (passage_ranges) gets its id, `passage-N` beside `ref-N`, which the answers to
    readers' questions link to; other Markdown (comments, bios, site pages) gets none, so that
    a page showing several has no duplicate ids.
    """
    env: dict[str, Any] = {
        "citable": citable,
        "citation_numbers": {},
        "anchor_prefix": anchor_prefix,
    }
    tokens = markdown_tokens(text, env=env)
    prefix = passage_anchor_prefix(anchor_prefix)
    for number, (start, _end) in enumerate(passage_ranges(tokens) if passage_ids else (), 1):
        tokens[start].attrSet("id", f"{prefix}{number}")
    html = _renderer.renderer.render(tokens, _renderer.options, env)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    # Safe by construction: every tag, attribute and URL scheme passed the allow-list above.
    return mark_safe(cleaned), list(env["citation_numbers"])  # noqa: S308


# Where a citation marker was taken out: "women [@a]." reads "women."
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?)])")


def passage_anchor_prefix(anchor_prefix: str = "ref-") -> str:
    """The id prefix of a body's passages: `passage-N` beside the references' `ref-N`."""
    return anchor_prefix.removesuffix("ref-") + "passage-"


def passage_ranges(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """The passages of a body, as (open, close) token indexes: each top-level paragraph and
    each item of a top-level list (its nested lists included), in reading order."""
    ranges: list[tuple[int, int]] = []
    open_at: int | None = None
    for index, token in enumerate(tokens):
        starts = (token.type == "paragraph_open" and token.level == 0) or (
            token.type == "list_item_open" and token.level == 1
        )
        if open_at is None and starts:
            open_at = index
        elif (
            open_at is not None
            and token.level == tokens[open_at].level
            and token.type in ("paragraph_close", "list_item_close")
        ):
            ranges.append((open_at, index))
            open_at = None
    return ranges


@dataclass(frozen=True)
class BodyPassage:
    """One passage of a body as the answers show it: its anchor on the page, its plain text
    (citation markers out) and the citations it carries as (number, key), in number order."""

    anchor: str
    text: str
    cited: tuple[tuple[int, str], ...]


def markdown_passages(
    text: str, *, citable: Collection[str], anchor_prefix: str = "ref-"
) -> list[BodyPassage]:
    """The passages of `text` with the anchors and citation numbers the page renders
    (markdown_with_citations): numbers follow first appearance of citable keys in the body."""
    tokens = markdown_tokens(text)
    numbers: dict[str, int] = {}
    for token in tokens:  # the whole body: headings and tables number citations too
        for child in token.children or ():
            if child.type == "citation" and all(key in citable for key in child.meta["keys"]):
                for key in child.meta["keys"]:
                    numbers.setdefault(key, len(numbers) + 1)
    prefix = passage_anchor_prefix(anchor_prefix)
    passages = []
    for position, (start, end) in enumerate(passage_ranges(tokens), start=1):
        words: list[str] = []
        cited: list[str] = []
        for token in tokens[start:end]:
            for child in token.children or ():
                if child.type == "citation":
                    keys = child.meta["keys"]
                    if all(key in citable for key in keys):
                        for key in keys:
                            if key not in cited:
                                cited.append(key)
                    else:
                        words.append(child.content)
                elif child.type in ("text", "code_inline"):
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append(" ")
            if token.type == "inline":
                words.append(" ")
        passages.append(
            BodyPassage(
                anchor=f"{prefix}{position}",
                text=_SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join("".join(words).split())),
                cited=tuple(sorted((numbers[key], key) for key in cited)),
            )
        )
    return passages
