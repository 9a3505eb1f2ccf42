"""The search cache (articles.public.search.search_cached): one entry per normalised query and
page, and single flight — eight readers of a missing or expired result cause one build, with
the cache the tests use (LocMemCache), with Redis, and still answer when Redis is away.

The threads are real and the cache is real; the builds are counted by the build function."""

import threading
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.db import connection

from articles.models import text_hash
from articles.public import search
from articles.public.search import page_number, results_page, search_cached, search_key
from articles.search_documents import SEARCH_CACHE_KEY, search_generation
from tests.articles.test_search import HOME, publish, result_titles
from tests.test_redis_unreachable import REDIS, redis_cache, redis_down

READERS = 8
# "asthma" in fullwidth letters, which NFKC makes plain ones.
WIDE_ASTHMA = "".join(chr(ord(letter) + 0xFEE0) for letter in "asthma")
BUILD_SECONDS = 0.3  # long enough that every reader arrives while the first one builds


class CountedBuild:
    """A build that takes BUILD_SECONDS and counts how often it ran (from any thread)."""

    def __init__(self, value: str = "built") -> None:
        self.value = value
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            self.count += 1
        time.sleep(BUILD_SECONDS)
        return self.value


def together(read: Callable[[], object], readers: int = READERS) -> tuple[list[object], float]:
    """`read()` in `readers` threads released at the same moment; their answers and the
    slowest reader's time."""
    start = threading.Barrier(readers)
    answers: list[object] = []
    times: list[float] = []
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            start.wait(timeout=10)
            began = time.monotonic()
            answers.append(read())
            times.append(time.monotonic() - began)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(answers) == readers
    return answers, max(times)


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The cache the tests use (LocMemCache), and the production cache on a real Redis."""
    if request.param == "redis":
        settings.CACHES = redis_cache(REDIS, f"imprimatur-test-{uuid.uuid4().hex}")
        cache.clear()
    yield request.param
    cache.clear()


# --- single flight --------------------------------------------------------------------------


def test_eight_readers_of_a_missing_result_cause_one_build(shared_cache):
    build = CountedBuild()

    answers, _ = together(lambda: search_cached("results\x00popular", build))

    assert build.count == 1
    assert answers == ["built"] * READERS
    search_cached("results\x00popular", build)
    assert build.count == 1  # then served from the cache


def test_eight_readers_of_an_expired_result_get_the_stale_copy_while_one_rebuilds(
    shared_cache, monkeypatch
):
    monkeypatch.setattr(search, "SEARCH_CACHE_SECONDS", 0)  # every copy is past its freshness
    search_cached("results\x00popular", lambda: "old")
    build = CountedBuild("new")

    answers, _ = together(lambda: search_cached("results\x00popular", build))

    assert build.count == 1
    assert answers.count("new") == 1  # the reader that rebuilt it
    assert answers.count("old") == READERS - 1  # the others did not wait for it
    assert search_cached("results\x00popular", lambda: "newer") in ("new", "newer")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_readers_of_a_new_search_run_its_statements_once(editor):
    """The whole path (results_page and the database): the statements each reader's own
    connection ran, summed over the eight threads, are one build's three."""
    for number in range(3):
        publish(editor, title=f"Sciatica {number}", body="Sciatica and leg pain.")
    cache.clear()
    statements: list[str] = []
    lock = threading.Lock()

    def counted(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        with lock:
            statements.append(sql)
        return execute(sql, params, many, context)

    def read() -> object:
        try:
            with connection.execute_wrapper(counted):
                return results_page(query="Sciatica", topic="", page=None)
        finally:
            connection.close()

    answers, _ = together(read)

    assert len(statements) == 3, statements  # ranked ids, page, snippets: once
    assert all(page.count == 3 for page in answers)  # type: ignore[attr-defined]


def test_readers_build_themselves_when_the_builder_failed(shared_cache):
    failing_started = threading.Event()

    def failing() -> str:
        failing_started.set()
        time.sleep(BUILD_SECONDS)
        raise RuntimeError("database went away")

    errors: list[BaseException] = []

    def first() -> None:
        try:
            search_cached("results\x00fails", failing)
        except RuntimeError as error:
            errors.append(error)

    thread = threading.Thread(target=first)
    thread.start()
    failing_started.wait(timeout=5)
    began = time.monotonic()
    assert search_cached("results\x00fails", lambda: "second") == "second"
    thread.join()

    assert errors  # the first reader saw its own failure
    assert time.monotonic() - began < search.SEARCH_BUILD_WAIT  # the second did not wait it out


def test_with_redis_away_every_reader_builds_and_none_waits(settings):
    build = CountedBuild()
    with redis_down(settings):
        answers, slowest = together(lambda: search_cached("results\x00popular", build))

    assert answers == ["built"] * READERS
    assert build.count == READERS  # no lock to share: each builds, as without a cache
    assert slowest < BUILD_SECONDS + 1.0  # and nobody waited for a lock that cannot exist


def test_a_value_cached_before_single_flight_is_built_again_not_served(shared_cache):
    """During a deployment Redis still holds bare values under the same keys."""
    full_key = SEARCH_CACHE_KEY.format(
        generation=search_generation(), key=text_hash("results\x00popular")
    )
    cache.set(full_key, "<html>cached by the previous code</html>")

    assert search_cached("results\x00popular", lambda: "built") == "built"


# --- one entry per normalised query and page ------------------------------------------------


def test_search_key_ignores_case_spacing_and_unicode_form():
    forms = [
        "Asthma inhaler",
        "  asthma\t\tINHALER ",
        WIDE_ASTHMA + "\u00a0inhaler",
        "ASTHMA\ninhaler",
    ]
    assert {search_key(form) for form in forms} == {"asthma inhaler"}


@pytest.mark.parametrize("raw", [None, "", "1", " 1", "abc", "1.5", "\u0661x"])
def test_missing_first_or_not_a_number_page_is_page_one(raw):
    assert page_number(raw) == 1


def test_pages_below_one_are_one_key_and_others_keep_their_number():
    assert page_number("-3") == page_number("0") == 0  # the paginator's last page
    assert page_number("2") == 2


def test_equivalent_queries_and_pages_are_one_cache_entry(
    client, editor, django_assert_num_queries
):
    publish(editor, title="Asthma inhalers", body="How to use an asthma inhaler.")
    first = client.get(HOME, {"q": "asthma inhaler"})
    assert result_titles(first.text) == ["Asthma inhalers"]

    same = [
        {"q": "Asthma  Inhaler"},
        {"q": " ASTHMA inhaler ", "page": "1"},
        {"q": WIDE_ASTHMA + " inhaler", "page": "abc"},
        {"q": "asthma\u00a0inhaler", "page": ""},
    ]
    with django_assert_num_queries(0):  # no search ran again: one entry for all of them
        again = [client.get(HOME, params) for params in same]
    assert all(result_titles(response.text) == ["Asthma inhalers"] for response in again)
    # Each page shows the query as the reader typed it (spaces and Unicode form cleaned).
    assert 'value="Asthma Inhaler"' in again[0].text
    assert 'value="asthma inhaler"' in again[2].text


# --- the bounded candidate set --------------------------------------------------------------


def test_a_word_in_more_articles_than_are_ranked_says_so(
    client, editor, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 3)
    for number in range(5):
        publish(editor, title=f"Shin splints {number}", body="Shin pain after running.")

    with django_assert_num_queries(3):  # ranked ids, page, snippets: as under the cap
        many = client.get(HOME, {"q": "shin"})
    with django_assert_num_queries(3):
        few = client.get(HOME, {"q": "splints 4"})

    assert len(result_titles(many.text)) == 3
    assert "3+ articles match “shin”: add a word to narrow them" in many.text
    assert result_titles(few.text)[0] == "Shin splints 4"
    assert "+ articles match" not in few.text
