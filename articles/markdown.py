"""Markdown to safe HTML for article bodies: CommonMark plus tables, raw HTML off, sanitised."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False}).enable("table")

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
    """
    env: dict = {}
    tokens = _renderer.parse(text or "", env)
    for token in tokens:
        # The page title is the only <h1>: shift body headings down one level (h6 stays h6).
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
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
    return mark_safe(cleaned)  # noqa: S308
