"""The search's snippets on PostgreSQL (articles.public.search_snippets): the headline of a window
of the text around the first word that matches, never of the whole text; and the documents'
vectors stored in their rows, where the ranking reads them (migration 0033)."""

import hashlib
import re

import pytest
from django.db import connection

from articles.models import ArticleSearchDocument
from articles.public.search_snippets import SNIPPET_WINDOW
from tests.articles.test_search import HOME, postgres, publish, result_titles

__all__ = ["postgres"]  # the fixture, used by name

pytestmark = pytest.mark.postgresql

FILLER = "Most people improve with rest and education over six weeks. " * 60  # 3,660 chars


def snippet_of(client, query: str) -> str:
    response = client.get(HOME, {"q": query})
    found = re.search(r'<p class="snippet">(.*?)</p>', response.text, re.S)
    assert found is not None, response.text
    return found.group(1)


def test_pg_snippet_is_the_text_around_the_first_match_only(postgres, client, editor):
    body = f"{FILLER} The tendon heals slowly. {FILLER} Tendon surgery is rare. {FILLER}"
    publish(editor, title="Healing", body=body)

    snippet = snippet_of(client, "tendon")

    assert "<mark>tendon</mark> heals slowly" in snippet
    # The whole text's headline also showed the second match's fragment, far past the
    # window: the headline now parses a window of the text, not all of it.
    assert "surgery" not in snippet
    assert len(snippet) < SNIPPET_WINDOW


def test_pg_snippet_finds_a_word_its_stem_does_not_begin(postgres, client, editor):
    """ "therapy" is the lexeme 'therapi'; "hoping" is 'hope'."""
    publish(editor, title="Treatment", body=f"{FILLER} Physical therapy helps. {FILLER}")
    publish(editor, title="Outlook", body=f"{FILLER} We are hoping for the best. {FILLER}")

    assert "Physical <mark>therapy</mark> helps" in snippet_of(client, "therapies")
    assert "are <mark>hoping</mark> for" in snippet_of(client, "hope")


def test_pg_snippet_never_starts_or_ends_inside_a_word(postgres, client, editor):
    words = " ".join(f"w{n}z" for n in range(400))
    publish(editor, title="Words", body=f"{words} The meniscus tore. {words}")

    snippet = snippet_of(client, "meniscus").replace("<mark>", "").replace("</mark>", "")

    assert "The meniscus tore." in snippet
    # A word cut at either end would have lost its `w` or its `z`.
    assert all(re.fullmatch(r"w\d+z|The|meniscus|tore\.", w) for w in snippet.split()), snippet


def test_pg_a_word_that_only_begins_like_the_match_falls_back_to_the_whole_text(
    postgres, client, editor
):
    """'run' begins "runny" long before "running": the window around "runny" has no match,
    so the whole text's headline is used and still marks the match."""
    body = f"A runny nose. {FILLER} Running helps the knees. {FILLER}"
    publish(editor, title="Exercise", body=body)

    assert "<mark>Running</mark> helps" in snippet_of(client, "run")


def test_pg_a_window_with_no_space_to_cut_at_gives_way_to_the_whole_text(postgres, client, editor):
    token = "x" * 700
    publish(editor, title="Sarcoidosis", body=f"{token} then words.")

    assert snippet_of(client, "sarcoidosis").startswith(token[:100])


def test_pg_a_match_in_the_title_only_shows_the_start_of_the_text(postgres, client, editor):
    publish(editor, title="Sarcoidosis", body=f"Lungs and skin. {FILLER}")

    snippet = snippet_of(client, "sarcoidosis")

    assert snippet.startswith("Lungs and skin.")
    assert "<mark>" not in snippet


def test_pg_snippets_escape_the_text_and_keep_the_results_order(postgres, client, editor):
    publish(editor, title="Knee <b>bold</b>", body=f"{FILLER} Knee <i>x</i> & swelling.")
    publish(editor, title="Knee swelling", body="Knee swelling after a fall.")

    response = client.get(HOME, {"q": "knee swelling"})

    assert result_titles(response.text)[0] == "Knee swelling"
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', response.text, re.S)
    assert len(snippets) == 2
    for snippet in snippets:
        assert set(re.findall(r"<[^>]*>", snippet)) == {"<mark>", "</mark>"}, snippet


def test_pg_vectors_stay_in_their_rows(postgres, editor):
    """A document of the bench's size: its text goes to the TOAST table, its vector stays in
    the row, where the ranking reads it without a look-up per candidate."""
    words = [f"x{hashlib.sha256(str(n).encode()).hexdigest()[:8]}" for n in range(100)]
    article = publish(editor, title="Tendon pain", body=" ".join(words))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attname = 'search_vector'",
            [ArticleSearchDocument._meta.db_table],
        )
        assert cursor.fetchone() == ("m",)  # MAIN
        cursor.execute(
            "SELECT reltoastrelid::regclass::text FROM pg_class WHERE oid = %s::regclass",
            [ArticleSearchDocument._meta.db_table],
        )
        (toast,) = cursor.fetchone()
        cursor.execute(f"SELECT coalesce(sum(octet_length(chunk_data)), 0) FROM {toast}")  # noqa: S608
        (toasted,) = cursor.fetchone()
        cursor.execute(
            "SELECT pg_column_size(search_vector) FROM articles_articlesearchdocument "
            "WHERE article_id = %s",
            [article.pk],
        )
        (vector,) = cursor.fetchone()
    assert 0 < toasted < vector  # the text went out, not the vector
