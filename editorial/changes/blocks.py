"""A Markdown body as the blocks a reader sees (headings, paragraphs, list items, table rows,
code blocks, rules), each with the containers it sits in and its inline content as atoms, read
from the markdown-it tokens the public page is rendered from (articles.markdown)."""

import re
from dataclasses import dataclass

from markdown_it.token import Token

from articles.markdown import markdown_tokens

WORDS = re.compile(r"\s+|[^\s]+")

# Tokens that open a container of blocks, and the element each becomes.
CONTAINERS = {
    "bullet_list_open": "ul",
    "ordered_list_open": "ol",
    "list_item_open": "li",
    "blockquote_open": "blockquote",
    "table_open": "table",
    "thead_open": "thead",
    "tbody_open": "tbody",
}
CONTAINER_CLOSES = {name.replace("_open", "_close") for name in CONTAINERS}
# Inline tokens that are markup around words: kept from the newer text, never marked.
INLINE_MARKUP = {
    "strong_open": "strong",
    "strong_close": "strong",
    "em_open": "em",
    "em_close": "em",
    "link_open": "a",
    "link_close": "a",
    "hardbreak": "br",
}


Key = tuple[str, int]  # a container's side ("old" or "new") and the index of its opening token


@dataclass(frozen=True)
class Container:
    """A list, list item, quotation or table a block sits in; `key` is its identity."""

    key: Key
    tag: str
    start: str = ""  # an ordered list's first number

    def open_html(self, css: str = "") -> str:
        """The opening tag, with the class `css` (a mark) if given."""
        attributes = f' class="{css}"' if css else ""
        if self.tag == "ol" and self.start.isdigit() and self.start != "1":
            attributes += f' start="{self.start}"'
        return f"<{self.tag}{attributes}>"


@dataclass(frozen=True)
class Atom:
    """A word, a run of white space, an inline code span, a citation marker (`text` as
    written), or markup around them (`kind` "open", "close" or "void", with its `tag`)."""

    kind: str  # "text", "code", "open", "close" or "void"
    text: str = ""
    tag: str = ""
    href: str = ""

    @property
    def is_markup(self) -> bool:
        return self.kind in ("open", "close", "void")

    @property
    def plain(self) -> str:
        """The atom in plain text: its words; a table cell's edges as Markdown's bars."""
        if self.tag in ("th", "td"):
            return "| " if self.kind == "open" else " "
        return "" if self.is_markup else self.text


@dataclass(frozen=True)
class Block:
    """One block of the text: `tag` is its element (p, h2-h6, pre, hr, tr); `hidden` a
    paragraph a tight list shows without <p>; `source` its Markdown, to compare blocks by."""

    containers: tuple[Container, ...]
    tag: str
    source: str
    atoms: tuple[Atom, ...]
    hidden: bool = False

    @property
    def shape(self) -> tuple[str, ...]:
        """The element and its containers' elements: blocks of one shape may be compared."""
        return (*(c.tag for c in self.containers), self.tag)

    @property
    def words(self) -> list[str]:
        return [atom.text for atom in self.atoms if not atom.is_markup]

    @property
    def text(self) -> str:
        return "".join(atom.plain for atom in self.atoms)


def _words(text: str, kind: str = "text") -> list[Atom]:
    return [Atom(kind, word) for word in WORDS.findall(text)]


def _inline_atoms(token: Token) -> list[Atom]:
    atoms: list[Atom] = []
    for child in token.children or []:
        if child.type == "text":
            atoms += _words(child.content)
        elif child.type == "softbreak":
            atoms.append(Atom("text", "\n"))
        elif child.type == "code_inline":
            atoms.append(Atom("code", child.content))
        elif child.type in INLINE_MARKUP:
            kind = "void" if child.type == "hardbreak" else child.type.rsplit("_", 1)[1]
            href = str(child.attrs.get("href", "")) if child.type == "link_open" else ""
            atoms.append(Atom(kind, tag=INLINE_MARKUP[child.type], href=href))
        else:  # a citation marker, an image's text...: as written
            atoms += _words(child.content)
    return atoms


def markdown_blocks(text: str, *, side: str) -> list[Block]:
    """The blocks of `text` in reading order; `side` ("old" or "new") keeps the containers of
    two texts apart. Table rows are one block each, their cells markup inside it."""
    blocks: list[Block] = []
    stack: list[Container] = []
    row: list[Atom] = []
    row_source: list[str] = []
    tokens = markdown_tokens(text)
    for index, token in enumerate(tokens):
        kind = token.type
        if kind in CONTAINERS:
            start = str(token.attrs.get("start", "")) if kind == "ordered_list_open" else ""
            stack.append(Container((side, index), CONTAINERS[kind], start))
        elif kind in CONTAINER_CLOSES:
            stack.pop()
        elif kind == "tr_open":
            row, row_source = [], []
        elif kind in ("th_open", "td_open", "th_close", "td_close"):
            row.append(Atom(kind.rsplit("_", 1)[1], tag=token.tag))
        elif kind == "tr_close":
            blocks.append(Block(tuple(stack), "tr", " | ".join(row_source), tuple(row)))
        elif kind == "inline" and stack and stack[-1].tag in ("thead", "tbody"):
            row += _inline_atoms(token)
            row_source.append(token.content)
        elif kind == "inline":
            opening = tokens[index - 1]
            blocks.append(
                Block(
                    tuple(stack),
                    opening.tag,
                    token.content,
                    tuple(_inline_atoms(token)),
                    hidden=opening.hidden,
                )
            )
        elif kind in ("fence", "code_block"):
            content = token.content.rstrip("\n")
            blocks.append(Block(tuple(stack), "pre", content, tuple(_words(content))))
        elif kind == "hr":
            blocks.append(Block(tuple(stack), "hr", "---", ()))
    return blocks
