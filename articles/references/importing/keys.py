"""The keys an import gives its records (their base key, or the next free one), in batches of
BATCH_SIZE, each batch one query for the keys already taken."""

from articles.batching import batches
from articles.references.importing.records import ImportRecord, key_base
from articles.references.models import Reference

BATCH_SIZE = 500


def keys_assign(records: list[ImportRecord]) -> list[str]:
    """A free key for each record: its base, else the base with b, c, ... after the year."""
    bases = [key_base(r) for r in records]
    keys: list[str | None] = [None] * len(records)
    taken: set[str] = set()
    pending = list(range(len(records)))
    round_ = 0
    while pending:
        candidates = {i: key_candidates(bases[i], round_) for i in pending}
        wanted = {k for cs in candidates.values() for k in cs}
        taken |= set(Reference.objects.filter(key__in=wanted).values_list("key", flat=True))
        still = []
        for i in pending:
            free = next((k for k in candidates[i] if k not in taken), None)
            if free is None:
                still.append(i)
            else:
                keys[i] = free
                taken.add(free)
        pending = still
        round_ += 1
    return [k for k in keys if k is not None]


def import_keys(*, records: list[ImportRecord]) -> dict[int, str]:
    """The key each record would get if all of them were imported now (record index -> key),
    as references_import assigns them: its base key, or the next free one."""
    keys: dict[int, str] = {}
    for batch in batches(records, BATCH_SIZE):
        keys |= {r.index: key for r, key in zip(batch, keys_assign(batch), strict=True)}
    return keys


def key_candidates(base: str, round_: int) -> list[str]:
    if round_ == 0:
        return [base]
    if round_ == 1:
        author, _, rest = base.partition("-")
        return [
            f"{author}{letter}-{rest}" if rest else f"{base}{letter}"
            for letter in "bcdefghijklmnopqrstuvwxyz"
        ]
    return [f"{base}-{n}" for n in range(round_ * 100, round_ * 100 + 100)]
