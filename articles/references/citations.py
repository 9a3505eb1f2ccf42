"""Pandoc-style citation markers in Markdown: `[@key]`, `[@a; @b]`, `[see @a, p. 4]`.

A bracket is a citation when it holds at least one `@key` that starts the text, a
semicolon-separated item, or follows a space or `-` (so `[mail a@b.org]` is not one).
Locators and prefixes are allowed and ignored.
"""

import re

# Pandoc's key grammar: starts with a letter, digit or _, may hold internal punctuation.
_KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&+?<>~/-]*[A-Za-z0-9_])?"
KEY_IN_BRACKET = re.compile(rf"(?:^|(?<=[\s;\-]))@({_KEY})")
# A bracket without nested brackets that contains an @ somewhere.
BRACKET = re.compile(r"\[([^\[\]]*@[^\[\]]*)\]")


def bracket_keys(content: str) -> list[str]:
    """The keys of one bracket's content (between `[` and `]`), in order; [] if not a citation."""
    return KEY_IN_BRACKET.findall(content)


def citation_groups(text: str) -> list[list[str]]:
    """Each citation marker of `text`, as its list of keys, in reading order."""
    groups = []
    for match in BRACKET.finditer(text or ""):
        keys = bracket_keys(match.group(1))
        if keys:
            groups.append(keys)
    return groups


def citation_keys(text: str) -> list[str]:
    """Every key cited in `text`, once each, in order of first appearance."""
    return list(dict.fromkeys(key for group in citation_groups(text) for key in group))


def numbers_collapse(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted unique numbers as runs (first, last); a run of two stays two single numbers.

    [1, 2, 3] gives [(1, 3)]; [1, 2, 5, 6, 7] gives [(1, 1), (2, 2), (5, 7)].
    """
    runs: list[tuple[int, int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    split: list[tuple[int, int]] = []
    for first, last in runs:
        if last == first + 1:
            split += [(first, first), (last, last)]
        else:
            split.append((first, last))
    return split
