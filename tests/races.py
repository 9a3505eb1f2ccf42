"""Two things at the same moment, for the tests of races: the first holds its transaction open
while the second runs in another thread."""

import threading
import time
from collections.abc import Callable

from django.db import connection, transaction


def race(first: Callable[[], object], second: Callable[[], object], *, held: float = 2) -> object:
    """Run `first` in a transaction kept open `held` seconds after it is done, and `second` in
    another thread meanwhile; return what `second` returned. Fails on an error in either."""
    done = threading.Event()
    answers: list[object] = []
    errors: list[BaseException] = []

    def run_first() -> None:
        try:
            with transaction.atomic():
                first()
                done.set()
                time.sleep(held)
        except BaseException as error:
            errors.append(error)
        finally:
            done.set()
            connection.close()

    def run_second() -> None:
        try:
            done.wait(timeout=10)
            answers.append(second())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return answers[0]
