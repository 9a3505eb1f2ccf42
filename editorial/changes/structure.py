"""What changed between two Markdown texts, block by block: the blocks are aligned, words are
compared within a block that changed, and the result is HTML in the text's own structure
(a heading stays a heading, a list item stays in its list) with <ins> and <del> that say
"inserted" and "deleted" in words. Every word is escaped and the whole passes the sanitiser."""

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES
from editorial.changes.blocks import Atom, Block, Container, Key, markdown_blocks

# How alike two blocks of one shape must be (difflib's ratio of their words) to be shown as
# one changed block rather than one deleted and one inserted.
SIMILAR = 0.5
LABELS = {"ins": "inserted: ", "del": "deleted: "}
FORMATTING_ONLY = "formatting changed"
BLOCK_CLASSES = {
    "equal": "",
    "changed": "diff-changed",
    "inserted": "diff-inserted",
    "deleted": "diff-deleted",
}
# The elements that carry a block's mark (a list item, when each of its blocks has it).
MARKED_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "pre", "tr", "li")


@dataclass(frozen=True)
class Piece:
    op: str  # "equal", "insert" or "delete"
    text: str


@dataclass(frozen=True)
class BlockChange:
    """One block of the newer text (or of the older one, deleted): `op` is "equal",
    "changed", "inserted" or "deleted"; `tag` its element; `pieces` its words."""

    op: str
    tag: str
    pieces: list[Piece]


@dataclass(frozen=True)
class TextChanges:
    blocks: list[BlockChange]
    html: SafeString

    @property
    def changed(self) -> bool:
        return any(block.op != "equal" for block in self.blocks)

    @property
    def pieces(self) -> list[Piece]:
        """Every block's words in reading order, blocks apart by a blank line."""
        pieces: list[Piece] = []
        for index, block in enumerate(self.blocks):
            if index:
                pieces.append(Piece("equal", "\n\n"))
            pieces += block.pieces
        return _merged(pieces)


@dataclass(frozen=True)
class _Step:
    op: str
    block: Block  # the newer block, or the older one when deleted
    old: Block | None = None  # the older block of a changed one


def _key(atom: Atom) -> tuple[str, ...]:
    # White space is white space: a line break in place of a space is no change to read.
    if atom.kind == "text" and atom.text.isspace():
        return ("space",)
    return (atom.kind, atom.text, atom.tag, atom.href)


def _merged(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if merged and merged[-1].op == piece.op:
            merged[-1] = Piece(piece.op, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def _atom_html(atom: Atom) -> str:
    if atom.kind == "open":
        return f'<a href="{escape(atom.href)}">' if atom.tag == "a" else f"<{atom.tag}>"
    if atom.kind == "close":
        return f"</{atom.tag}>"
    if atom.kind == "void":
        return f"<{atom.tag}>"
    if atom.kind == "code":
        return f"<code>{escape(atom.text)}</code>"
    return str(escape(atom.text))


def _marked(tag: str, atoms: list[Atom]) -> str:
    """Words inside <ins> or <del>, which say so to those who cannot see the marking; the
    white space around them stays outside."""
    start, end = 0, len(atoms)
    while start < end and _key(atoms[start]) == ("space",):
        start += 1
    while end > start and _key(atoms[end - 1]) == ("space",):
        end -= 1
    before, inner, after = (
        "".join(_atom_html(atom) for atom in part)
        for part in (atoms[:start], atoms[start:end], atoms[end:])
    )
    if not inner:
        return before + after
    label = f'<span class="visually-hidden">{LABELS[tag]}</span>'
    return f"{before}<{tag}>{label}{inner}</{tag}>{after}"


def _runs(tag: str, atoms: list[Atom]) -> str:
    """`atoms` with their words marked by `tag` and their markup kept, so that <ins> and
    <del> never cross an element's boundary."""
    html: list[str] = []
    run: list[Atom] = []
    for atom in atoms:
        if atom.is_markup:
            html.append(_marked(tag, run))
            html.append(_atom_html(atom))
            run = []
        else:
            run.append(atom)
    html.append(_marked(tag, run))
    return "".join(html)


Opcode = tuple[str, int, int, int, int]


def _readable(opcodes: Sequence[Opcode], old: Block) -> list[Opcode]:
    """Opcodes with the white space kept between two changes taken into them: "Rest and ice"
    to "Graded loading" reads as one phrase replaced, not as three words swapped one by one."""
    merged: list[Opcode] = []
    for opcode in opcodes:
        if len(merged) >= 2 and opcode[0] != "equal" and merged[-2][0] != "equal":
            kept = merged[-1]
            if kept[0] == "equal" and all(
                _key(atom) == ("space",) for atom in old.atoms[kept[1] : kept[2]]
            ):
                first = merged[-2]
                merged[-2:] = [("replace", first[1], opcode[2], first[3], opcode[4])]
                continue
        merged.append(opcode)
    return merged


def _words_diff(old: Block, new: Block) -> tuple[str, list[Piece]]:
    """The newer block's inner HTML with the words deleted from and inserted into the older
    one marked, and its pieces. Markup follows the newer block."""
    html: list[str] = []
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(
        None, [_key(a) for a in old.atoms], [_key(a) for a in new.atoms], autojunk=False
    )
    for op, i1, i2, j1, j2 in _readable(matcher.get_opcodes(), old):
        if op == "equal":
            html += [_atom_html(atom) for atom in new.atoms[j1:j2]]
            pieces.append(Piece("equal", "".join(a.plain for a in new.atoms[j1:j2])))
            continue
        if op in ("delete", "replace"):
            deleted = [atom for atom in old.atoms[i1:i2] if not atom.is_markup]
            html.append(_marked("del", deleted))
            pieces.append(Piece("delete", "".join(a.plain for a in old.atoms[i1:i2])))
        if op in ("insert", "replace"):
            html.append(_runs("ins", list(new.atoms[j1:j2])))
            pieces.append(Piece("insert", "".join(a.plain for a in new.atoms[j1:j2])))
    pieces = _merged(pieces)
    if all(piece.op == "equal" for piece in pieces):
        html.append(f' <span class="diff-note">({FORMATTING_ONLY})</span>')
    return "".join(html), pieces


def _similarity(old: Block, new: Block) -> float:
    if old.shape != new.shape:
        return 0.0
    return difflib.SequenceMatcher(None, old.words, new.words, autojunk=False).ratio()


def _replaced(old: list[Block], new: list[Block]) -> list[_Step]:
    """A run of older blocks replaced by newer ones: each newer block is paired, in order,
    with the most alike older block of its shape left (a changed block); the others are
    deleted or inserted where they stand."""
    pairs: list[tuple[int, int]] = []
    start = 0
    for j, block in enumerate(new):
        scores = [(_similarity(old[i], block), i) for i in range(start, len(old))]
        best = max(scores, key=lambda score: (score[0], -score[1]), default=(0.0, -1))
        if best[0] >= SIMILAR:
            pairs.append((best[1], j))
            start = best[1] + 1
    steps: list[_Step] = []
    i = j = 0
    for pi, pj in [*pairs, (len(old), len(new))]:
        steps += [_Step("deleted", block) for block in old[i:pi]]
        steps += [_Step("inserted", block) for block in new[j:pj]]
        if pi < len(old):
            steps.append(_Step("changed", new[pj], old[pi]))
        i, j = pi + 1, pj + 1
    return steps


def _aligned(old: list[Block], new: list[Block]) -> list[_Step]:
    matcher = difflib.SequenceMatcher(
        None, [(b.shape, b.source) for b in old], [(b.shape, b.source) for b in new], False
    )
    steps: list[_Step] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            steps += [_Step("equal", block, old[i1 + k]) for k, block in enumerate(new[j1:j2])]
        else:
            steps += _replaced(old[i1:i2], new[j1:j2])
    return steps


PIECE_OPS = {"equal": "equal", "changed": "equal", "inserted": "insert", "deleted": "delete"}


def _block_html(step: _Step) -> tuple[str, list[Piece]]:
    block = step.block
    css = BLOCK_CLASSES[step.op]
    attribute = f' class="{css}"' if css else ""
    if block.tag == "hr":
        pieces = [Piece(PIECE_OPS[step.op], block.source)]
        if step.op in ("equal", "changed"):
            return "<hr>", pieces
        line = _marked("ins" if step.op == "inserted" else "del", [Atom("text", "a dividing line")])
        return f"<p{attribute}>{line}</p>", pieces
    if step.op == "changed":
        assert step.old is not None
        inner, pieces = _words_diff(step.old, block)
    elif step.op == "equal":
        inner = "".join(_atom_html(atom) for atom in block.atoms)
        pieces = [Piece("equal", block.text)]
    else:
        tag = "ins" if step.op == "inserted" else "del"
        inner = _runs(tag, list(block.atoms))
        pieces = [Piece(PIECE_OPS[step.op], block.text)]
    if block.hidden:
        return inner, _merged(pieces)
    if block.tag == "pre":
        return f"<pre{attribute}><code>{inner}</code></pre>", _merged(pieces)
    return f"<{block.tag}{attribute}>{inner}</{block.tag}>", _merged(pieces)


def _containers(steps: list[_Step]) -> dict[Key, Container]:
    """Each older container that holds a block kept or changed, to the newer one holding it:
    a deleted list item is shown in the list it was deleted from."""
    same: dict[Key, Container] = {}
    for step in steps:
        if step.old is None:
            continue
        for old, new in zip(step.old.containers, step.block.containers, strict=False):
            if old.tag != new.tag:
                break
            same.setdefault(old.key, new)
    return same


def _whole_items(steps: list[_Step], same: dict[Key, Container]) -> dict[Key, str]:
    """The list items every block of which was inserted, or deleted: marked as a whole."""
    ops: dict[Key, set[str]] = {}
    for step in steps:
        for container in step.block.containers:
            if container.tag == "li":
                ops.setdefault(same.get(container.key, container).key, set()).add(step.op)
    return {
        key: BLOCK_CLASSES[op]
        for key, found in ops.items()
        if len(found) == 1 and (op := next(iter(found))) in ("inserted", "deleted")
    }


def text_changes(old: str, new: str) -> TextChanges:
    """The changes from Markdown `old` to `new`, block by block, with the HTML that shows
    them in the text's structure."""
    steps = _aligned(markdown_blocks(old, side="old"), markdown_blocks(new, side="new"))
    same = _containers(steps)
    whole = _whole_items(steps, same)
    html: list[str] = []
    opened: list[Container] = []
    blocks = []
    for step in steps:
        path = [same.get(c.key, c) for c in step.block.containers]
        kept = 0
        while kept < min(len(opened), len(path)) and opened[kept].key == path[kept].key:
            kept += 1
        html += [f"</{c.tag}>" for c in reversed(opened[kept:])]
        html += [c.open_html(whole.get(c.key, "")) for c in path[kept:]]
        opened = path
        block_html, pieces = _block_html(step)
        html.append(block_html)
        blocks.append(BlockChange(step.op, step.block.tag, pieces))
    html += [f"</{c.tag}>" for c in reversed(opened)]
    return TextChanges(blocks=blocks, html=_sanitised("".join(html)))


def _sanitised(html: str) -> SafeString:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS | {"ins", "del", "span"},
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={
            "span": {"visually-hidden", "diff-note"},
            **{tag: set(BLOCK_CLASSES.values()) - {""} for tag in MARKED_TAGS},
        },
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    # Safe by construction: escaped words, our own markup, and the sanitiser's allow-list.
    return mark_safe(cleaned)  # noqa: S308
