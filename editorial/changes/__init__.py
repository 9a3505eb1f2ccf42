"""What changed between two revisions: the bodies block by block in their structure, with the
words inserted and deleted marked, and the references added, removed or moved to another
version. The review page, the compare page and the API all use `revision_compare`."""

from editorial.changes.revisions import (
    BodyChanges,
    Comparison,
    ReferenceChange,
    comparison_base,
    reference_changes,
    revision_compare,
)
from editorial.changes.structure import BlockChange, Piece, TextChanges, text_changes

__all__ = [
    "BlockChange",
    "BodyChanges",
    "Comparison",
    "Piece",
    "ReferenceChange",
    "TextChanges",
    "comparison_base",
    "reference_changes",
    "revision_compare",
    "text_changes",
]
