"""Work in batches: any iterable (a list, a stream of rows) cut into lists of `size`, read
lazily, so that a batch is one transaction or one query whatever the whole's size."""

from collections.abc import Iterable, Iterator
from itertools import islice


def batches[T](items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
