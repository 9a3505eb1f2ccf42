"""Comments follow their passage: when a revision is submitted, the open threads of the
revision before it whose quoted text is still there move to it (editorial.workflow calls this)."""

from articles.models import Revision
from editorial.models import ReviewComment


def _nearest(text: str, quote: str, offset: int) -> int | None:
    positions = []
    start = text.find(quote)
    while start != -1:
        positions.append(start)
        start = text.find(quote, start + 1)
    return min(positions, key=lambda p: abs(p - offset)) if positions else None


def comments_carry_forward(*, source: Revision, target: Revision) -> int:
    """Move the open threads of `source` whose passage is still in `target`'s body of the same
    audience to `target`, at the passage's new offset; return how many moved. The others stay
    on `source`, shown as on an earlier revision."""
    bodies = dict(target.bodies.values_list("audience_id", "body"))
    moved = 0
    threads = ReviewComment.objects.filter(
        revision=source, parent__isnull=True, resolved_at__isnull=True
    )
    for thread in threads:
        text = bodies.get(thread.audience_id)
        position = None if text is None else _nearest(text, thread.quoted_text, thread.offset)
        if position is None:
            continue
        ReviewComment.objects.filter(pk=thread.pk).update(revision=target, offset=position)
        ReviewComment.objects.filter(parent=thread).update(revision=target, offset=position)
        moved += 1
    return moved
