"""Markdown to safe HTML for article bodies: CommonMark plus tables, raw HTML off, sanitised."""

from collections.abc import Collection, Sequence
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
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def markdown_to_html(text: str) -> SafeString:
    """Render Markdown to HTML that is safe to put in a page as is.

    Raw HTML is escaped by the renderer; nh3 then keeps only ALLOWED_TAGS/ALLOWED_ATTRIBUTES,
    drops unsafe URL schemes (javascript:, data:) and adds rel="noopener noreferrer" to links.
    Citation markers stay as text; see markdown_with_citations.
    """
    return markdown_with_citations(text, citable=())[0]


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
    text: str, *, citable: Collection[str], anchor_prefix: str = "ref-"
) -> tuple[SafeString, list[str]]:
    """Render like markdown_to_html, with each marker whose keys are all in `citable` as
    superscript numbers linking to `#<anchor_prefix>N`; also return the cited keys in number
    order. (A page showing several bodies gives each its own prefix.)
    """
    env: dict[str, Any] = {
        "citable": citable,
        "citation_numbers": {},
        "anchor_prefix": anchor_prefix,
    }
    tokens = markdown_tokens(text, env=env)
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
