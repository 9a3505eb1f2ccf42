"""Home `/`, topics and full-text search over published articles (articles.public.search).

Tests marked `postgresql` run on PostgreSQL only (.ci/run; on SQLite they are deselected);
those with `simple_search` force the word search that SQLite uses and run on both databases,
as does everything else.
"""

import os
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleSearchDocument, AudienceLevel
from articles.public.search import (
    QUERY_SHORTENED,
    SEARCH_MAX_LENGTH,
    articles_search,
)
from articles.public.search_snippets import snippet_html
from articles.search_documents import (
    SNIPPET_START,
    SNIPPET_STOP,
    article_search_document_refresh,
    search_documents_rebuild,
)
from articles.services import revision_create_draft, revision_edit
from editorial import workflow
from tests.factories import ArticleFactory, ReferenceFactory, RevisionFactory

HOME = "/"


@pytest.fixture
def postgres(db):
    """For the tests marked `postgresql` (not collected on SQLite, see tests/conftest.py):
    they must really run on PostgreSQL."""
    assert connection.vendor == "postgresql", "a PostgreSQL-only test ran on another database"


@pytest.fixture
def simple_search(db, settings):
    """The word search SQLite uses, forced: these tests run on every database."""
    settings.IMPRIMATUR_SEARCH = "simple"


def publish(editor, *, title: str, body: str = "Rest and graded loading help.", topic="Knees"):
    """A new article with one revision holding `body`, submitted and published."""
    article = ArticleFactory(title=title, topic=topic)
    revision = RevisionFactory(article=article, author=editor, canonical_body=body)
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


def republish(editor, article: Article, *, body: str) -> Article:
    """A new revision of `article` with `body`, submitted and published."""
    draft = revision_create_draft(article=article, author=editor)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    revision_edit(revision=draft, editor=editor, bodies={canonical: body})
    workflow.revision_submit(revision=draft, actor=editor)
    return workflow.article_publish(revision=draft, actor=editor)


def titles(html: str) -> list[str]:
    return re.findall(r'<li>\s*<a href="/articles/[^"]+/">([^<]+)</a>', html)


def result_titles(html: str) -> list[str]:
    """The titles in the list of results (search or topic), not the empty state's suggestions."""
    if 'id="results"' not in html:
        return []
    return titles(html.split('id="results"')[1].split("</ul>")[0])


def recent_titles(html: str) -> list[str]:
    return titles(html.split('id="recent-heading"')[1].split("</section>")[0])


# --- the search document ----------------------------------------------------------------------


def test_publishing_stores_the_published_text_without_citation_markers(editor):
    ReferenceFactory(key="kim2013-hip")
    article = publish(editor, title="Hip pain", body="Ischiofemoral impingement [@kim2013-hip].")

    document = ArticleSearchDocument.objects.get(article=article)

    assert document.revision_id == article.published_revision_id
    assert "Ischiofemoral impingement" in document.body_text
    assert "@kim2013" not in document.body_text
    assert "[" not in document.body_text


def test_search_document_changes_date_only_when_the_published_text_changes(editor):
    article = publish(editor, title="Knee pain", body="Ice helps.")
    first = ArticleSearchDocument.objects.get(article=article)
    earlier = timezone.now() - timedelta(days=30)
    ArticleSearchDocument.objects.filter(pk=first.pk).update(text_changed_at=earlier)

    republish(editor, article, body="Ice helps.")
    same_text = ArticleSearchDocument.objects.get(article=article)
    assert same_text.text_changed_at == earlier
    assert same_text.revision_id != first.revision_id  # follows the published revision

    republish(editor, article, body="Ice and graded loading help.")
    changed = ArticleSearchDocument.objects.get(article=article)
    assert changed.text_changed_at > earlier
    assert "graded loading" in changed.body_text


def test_unpublished_article_loses_its_document_and_never_appears(client, editor):
    article = publish(editor, title="Wrist fractures", body="Casting for six weeks.")
    Article.objects.filter(pk=article.pk).update(published_revision=None, published_at=None)

    # Even before its document is refreshed the search does not show it.
    assert "Wrist fractures" not in client.get(HOME, {"q": "casting"}).text
    article_search_document_refresh(article_id=article.pk)
    assert not ArticleSearchDocument.objects.filter(article=article).exists()
    assert "Wrist fractures" not in client.get(HOME).text


def test_drafts_and_unpublished_text_are_never_searched(client, editor):
    article = publish(editor, title="Ankle sprain", body="Brace and exercises.")
    draft = revision_create_draft(article=article, author=editor)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    revision_edit(revision=draft, editor=editor, bodies={canonical: "Zebrafish therapy."})
    RevisionFactory(
        article=ArticleFactory(title="Zebrafish draft article"),
        author=editor,
        canonical_body="Zebrafish everywhere.",
    )

    response = client.get(HOME, {"q": "zebrafish"})

    assert result_titles(response.text) == []
    assert "Nothing matched “zebrafish”" in response.text
    assert "Ankle sprain" in client.get(HOME, {"q": "brace"}).text


def test_rebuild_command_builds_missing_documents_and_drops_unpublished_ones(editor):
    kept = publish(editor, title="Shin splints", body="Rest from running.")
    gone = publish(editor, title="Gone", body="Removed.")
    ArticleSearchDocument.objects.filter(article=kept).delete()
    Article.objects.filter(pk=gone.pk).update(published_revision=None)

    call_command("rebuild_search_documents", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert ArticleSearchDocument.objects.get(article=kept).body_text.startswith("Rest from")
    assert not ArticleSearchDocument.objects.filter(article=gone).exists()


@pytest.mark.parametrize("size", [2, 12])
def test_rebuild_writes_in_batches_with_constant_queries(size, editor, django_assert_num_queries):
    for number in range(size):
        publish(editor, title=f"Batch {number}", body=f"Text {number}.")
    ArticleSearchDocument.objects.all().delete()

    # delete unpublished (documents, answers' passages), ids, then per batch: savepoint,
    # articles, bodies, documents, insert, the vectors (PostgreSQL only), the passages already
    # there (up to date here), release
    expected = 11 if connection.vendor == "postgresql" else 10
    with django_assert_num_queries(expected):
        written, removed = search_documents_rebuild(batch_size=100)
    assert (written, removed) == (size, 0)
    assert ArticleSearchDocument.objects.count() == size
    assert search_documents_rebuild(batch_size=100) == (0, 0)  # nothing changed


# --- search results -----------------------------------------------------------------------------


def test_search_finds_body_text_and_shows_title_topic_date_and_marked_snippet(client, editor):
    article = publish(
        editor,
        title="Why does my heel hurt?",
        topic="Foot and ankle",
        body="Plantar fasciitis is the most common cause. Stretching the calf helps.",
    )
    publish(editor, title="Shoulder pain", body="Rotator cuff tendinopathy.")

    response = client.get(HOME, {"q": "fasciitis"})

    assert response.status_code == 200
    assert result_titles(response.text) == ["Why does my heel hurt?"]
    assert "1 article matches “fasciitis”" in response.text
    assert f'href="{article.get_absolute_url()}"' in response.text
    assert "Foot and ankle" in response.text
    assert f"Updated {timezone.localdate():%B} " in response.text
    assert re.search(r"<mark>fasciitis</mark>", response.text, re.IGNORECASE)
    assert 'value="fasciitis"' in response.text


def test_search_box_has_a_label_and_type_search(client, db):
    response = client.get(HOME)
    assert '<label for="search-q">Search articles</label>' in response.text
    assert '<input type="search" id="search-q" name="q"' in response.text


def test_search_matches_other_audience_bodies_too(client, editor):
    article = publish(editor, title="Gout", body="Urate-lowering therapy.")
    draft = revision_create_draft(article=article, author=editor)
    patient = AudienceLevel.objects.filter(is_canonical=False).first()
    assert patient is not None
    revision_edit(revision=draft, editor=editor, bodies={patient: "Your big toe may swell."})
    workflow.revision_submit(revision=draft, actor=editor)
    workflow.article_publish(revision=draft, actor=editor)

    assert result_titles(client.get(HOME, {"q": "toe"}).text) == ["Gout"]


def test_snippet_never_carries_markup_from_the_body(client, editor):
    publish(
        editor,
        title="Script safety",
        body='Knee <script>alert("x")</script> and <b onclick="x()">bold</b> swelling.',
    )

    response = client.get(HOME, {"q": "swelling"})

    assert result_titles(response.text) == ["Script safety"]
    snippet = re.search(r'<p class="snippet">(.*?)</p>', response.text, re.S)
    assert snippet is not None
    # The only tags are our marks; the body's tags come out escaped (SQLite) or dropped by
    # PostgreSQL's headline parser, never as markup.
    assert re.findall(r"<[^>]*>", snippet.group(1)) == ["<mark>", "</mark>"]
    assert "<mark>swelling</mark>" in snippet.group(1)
    assert "<script" not in response.text.split('id="results"')[1]


def test_snippet_markers_become_mark_only_after_escaping():
    marked = f"a <i>{SNIPPET_START}knee{SNIPPET_STOP}</i> & {SNIPPET_START}hip"
    assert snippet_html(marked) == "a &lt;i&gt;<mark>knee</mark>&lt;/i&gt; &amp; <mark>hip</mark>"


def test_markers_typed_into_a_body_are_removed_from_the_stored_text(editor):
    article = publish(editor, title="Markers", body=f"Knee {SNIPPET_START}pain{SNIPPET_STOP}.")
    text = ArticleSearchDocument.objects.get(article=article).body_text
    assert SNIPPET_START not in text
    assert SNIPPET_STOP not in text


def test_results_are_paginated_ten_a_page_and_links_keep_query_and_topic(client, editor):
    for number in range(23):
        publish(editor, title=f"Tendon care {number:02d}", body="Tendon loading.", topic="Tendons")
    publish(editor, title="Tendon elsewhere", body="Tendon loading.", topic="Other")

    first = client.get(HOME, {"q": "tendon", "topic": "Tendons"})
    assert len(result_titles(first.text)) == 10
    assert "23 articles match “tendon”" in first.text
    assert "page 1 of 3" in first.text
    assert 'href="?q=tendon&amp;topic=Tendons&amp;page=2"' in first.text
    assert "Tendon elsewhere" not in first.text

    last = client.get(HOME, {"q": "tendon", "topic": "Tendons", "page": 3})
    assert len(result_titles(last.text)) == 3
    assert 'href="?q=tendon&amp;topic=Tendons&amp;page=2"' in last.text

    seen = set()
    for page in (1, 2, 3):
        response = client.get(HOME, {"q": "tendon", "topic": "Tendons", "page": page})
        seen |= set(result_titles(response.text))
    assert len(seen) == 23  # no article twice, none missing


@pytest.mark.parametrize("page", ["99", "-1", "abc", ""])
def test_page_out_of_range_or_not_a_number_does_not_crash(client, editor, page):
    for number in range(12):
        publish(editor, title=f"Elbow {number}", body="Elbow rest.")

    response = client.get(HOME, {"q": "elbow", "page": page})

    assert response.status_code == 200
    expected = 2 if page in ("99", "-1") else 1  # past the end: the last page
    assert f"Page {expected} of 2" in response.text


def test_query_too_long_is_cut_with_a_notice(client, editor):
    publish(editor, title="Hamstring strain", body="Hamstring strain heals with loading.")
    long_query = "hamstring " + "x" * 400

    response = client.get(HOME, {"q": long_query})

    assert response.status_code == 200
    assert QUERY_SHORTENED.format(limit=SEARCH_MAX_LENGTH) in response.text
    cut = " ".join(long_query.split())[:SEARCH_MAX_LENGTH]
    assert f'value="{cut}"' in response.text
    assert 'value="' + "x" * 250 not in response.text


def test_empty_search_helps_with_words_topics_and_recent_articles(client, editor):
    publish(editor, title="Runner's knee", topic="Knees", body="Patellofemoral pain.")
    publish(editor, title="Tennis elbow", topic="Elbows", body="Lateral epicondylalgia.")

    response = client.get(HOME, {"q": "xylophone"})

    assert response.status_code == 200
    assert "Nothing matched “xylophone”" in response.text
    assert "Try fewer words" in response.text
    assert 'href="/?topic=Knees"' in response.text
    assert 'href="/?topic=Elbows"' in response.text
    assert "Recently updated" in response.text
    assert "Runner&#x27;s knee" in response.text


@pytest.mark.parametrize("query", ['"unbalanced', "(( & | ! :* <->", "-", "a" * 5, "日本語 ü"])
def test_odd_queries_answer_without_error(client, editor, query):
    publish(editor, title="Knee", body="Knee text.")
    response = client.get(HOME, {"q": query})
    assert response.status_code == 200
    assert "Search results" in response.text


def test_query_is_escaped_everywhere_it_is_shown(client, editor):
    response = client.get(HOME, {"q": '<img src=x onerror="alert(1)">'})
    assert "<img src=x" not in response.text
    assert "&lt;img src=x" in response.text


# --- home and topics ------------------------------------------------------------------------


def test_home_lists_the_ten_most_recently_changed_texts_newest_first(client, editor):
    articles = [publish(editor, title=f"Article {n:02d}", body=f"Text {n}.") for n in range(12)]
    now = timezone.now()
    for age, article in enumerate(articles):  # Article 00 is the newest text
        ArticleSearchDocument.objects.filter(article=article).update(
            text_changed_at=now - timedelta(days=age + 1)
        )
    # Republishing the same text later does not make an article "recently updated".
    republish(editor, articles[11], body="Text 11.")

    response = client.get(HOME)

    assert recent_titles(response.text) == [f"Article {n:02d}" for n in range(10)]


def test_home_lists_topics_with_counts_linking_to_the_topic(client, editor):
    publish(editor, title="Knee one", topic="Knees")
    publish(editor, title="Knee two", topic="Knees")
    publish(editor, title="Hip one", topic="Hips & pelvis")
    RevisionFactory(article=ArticleFactory(topic="Drafts only"), author=editor)

    response = client.get(HOME)

    assert re.search(
        r'href="/\?topic=Knees">Knees</a> <span class="muted">\(2 articles\)', response.text
    )
    assert 'href="/?topic=Hips%20%26%20pelvis">Hips &amp; pelvis</a>' in response.text
    assert "(1 article)" in response.text
    assert "Drafts only" not in response.text


def test_topic_lists_its_published_articles_paginated(client, editor):
    for number in range(12):
        publish(editor, title=f"Knee {number:02d}", topic="Knees")
    publish(editor, title="Hip", topic="Hips")

    first = client.get(HOME, {"topic": "Knees"})
    second = client.get(HOME, {"topic": "Knees", "page": 2})

    assert first.status_code == 200
    assert "<h1>Knees</h1>" in first.text
    assert "12 articles in this topic" in first.text
    assert result_titles(first.text) == [f"Knee {n:02d}" for n in range(10)]
    assert result_titles(second.text) == ["Knee 10", "Knee 11"]
    assert 'href="?topic=Knees&amp;page=2"' in first.text
    assert '<input type="hidden" name="topic" value="Knees">' in first.text


def test_unknown_topic_shows_a_helpful_empty_state(client, editor):
    publish(editor, title="Knee", topic="Knees")
    response = client.get(HOME, {"topic": "Nope"})
    assert response.status_code == 200
    assert "No published article in “Nope”" in response.text
    assert 'href="/?topic=Knees"' in response.text


def test_empty_site_says_nothing_is_published_yet(client, db):
    response = client.get(HOME)
    assert response.status_code == 200
    assert "No article has been published yet." in response.text


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 25])
def test_query_counts_do_not_grow_with_articles(size, client, editor, django_assert_num_queries):
    for number in range(size):
        publish(editor, title=f"Meniscus tear {number}", topic=f"Topic {number % 4}")
        RevisionFactory(article=ArticleFactory(title=f"Draft meniscus {number}"), author=editor)

    cache.clear()  # each page below is measured with a cold cache
    with django_assert_num_queries(2):  # recent articles, topics
        home = client.get(HOME)
    cache.clear()
    with django_assert_num_queries(2):  # count, page
        topic = client.get(HOME, {"topic": "Topic 1"})
    cache.clear()
    with django_assert_num_queries(3):  # ranked ids, page, snippets
        search = client.get(HOME, {"q": "meniscus"})
    cache.clear()
    with django_assert_num_queries(3):  # ranked ids (none), recent articles, topics
        empty = client.get(HOME, {"q": "xylophone"})

    assert len(recent_titles(home.text)) == min(size, 10)
    assert len(result_titles(topic.text)) == len(range(1, size, 4))
    assert len(result_titles(search.text)) == min(size, 10)
    assert "Nothing matched" in empty.text

    pages = ({}, {"topic": "Topic 1"}, {"q": "meniscus"}, {"q": "xylophone"}, {"q": "x" * 300})
    first = [client.get(HOME, params).text for params in pages]
    with django_assert_num_queries(0):  # the same pages again come from the cache
        again = [client.get(HOME, params).text for params in pages]
    assert again == first


def test_cached_results_change_as_soon_as_an_article_is_published(client, editor):
    publish(editor, title="Bursitis one", body="Bursitis of the hip.")
    assert result_titles(client.get(HOME, {"q": "bursitis"}).text) == ["Bursitis one"]
    assert recent_titles(client.get(HOME).text) == ["Bursitis one"]

    publish(editor, title="Bursitis two", body="Bursitis of the knee.")

    assert len(result_titles(client.get(HOME, {"q": "bursitis"}).text)) == 2
    assert recent_titles(client.get(HOME).text)[0] == "Bursitis two"


# --- PostgreSQL: stored vector, ranking, highlighting ---------------------------------------


@pytest.mark.postgresql
def test_pg_title_hit_ranks_above_body_only_hit(postgres, client, editor):
    publish(editor, title="Living with asthma", body="Inhalers and action plans.")
    publish(editor, title="Breathing problems", body="Asthma can cause wheezing.")
    publish(editor, title="Cough", body="A cough in asthma: see your doctor about asthma.")

    response = client.get(HOME, {"q": "asthma"})

    assert result_titles(response.text)[0] == "Living with asthma"
    assert set(result_titles(response.text)) == {
        "Living with asthma",
        "Breathing problems",
        "Cough",
    }


@pytest.mark.postgresql
def test_pg_topic_outranks_body(postgres, client, editor):
    publish(editor, title="First", topic="Dermatology", body="Creams.")
    publish(editor, title="Second", topic="Skin", body="Dermatology referral may help.")
    assert result_titles(client.get(HOME, {"q": "dermatology"}).text) == ["First", "Second"]


@pytest.mark.postgresql
def test_pg_highlights_stemmed_matches_with_mark(postgres, client, editor):
    publish(editor, title="Exercise", body="Running regularly strengthens the knees.")

    response = client.get(HOME, {"q": "run"})

    assert result_titles(response.text) == ["Exercise"]
    assert "<mark>Running</mark>" in response.text


@pytest.mark.postgresql
def test_pg_websearch_syntax_excludes_and_quotes(postgres, client, editor):
    publish(editor, title="Heel pain", body="Plantar fasciitis and heel spurs.")
    publish(editor, title="Heel fracture", body="Calcaneus fracture after a fall.")

    assert result_titles(client.get(HOME, {"q": "heel -fracture"}).text) == ["Heel pain"]
    assert result_titles(client.get(HOME, {"q": '"heel spurs"'}).text) == ["Heel pain"]


@pytest.mark.postgresql
def test_pg_stopwords_only_find_nothing(postgres, client, editor):
    publish(editor, title="The knee", body="The and of.")
    response = client.get(HOME, {"q": "the and of"})
    assert response.status_code == 200
    assert "Nothing matched “the and of”" in response.text


@pytest.mark.postgresql
def test_pg_stores_the_vector_and_has_a_gin_index(postgres, editor):
    article = publish(editor, title="Migraine", body="Triptans help.")
    document = ArticleSearchDocument.objects.get(article=article)
    assert "'migrain':1A" in document.search_vector
    assert "'triptan':" in document.search_vector
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_search_vector_gin'"
        )
        (definition,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition


@pytest.mark.postgresql
def test_pg_ranks_its_candidates_in_one_pass_reading_each_document_once(postgres, editor):
    for n in range(3):
        publish(editor, title=f"Tendon {n}", body="Tendon loading." * (n + 1))
    publish(editor, title="Knee", body="Nothing of the word.")
    with CaptureQueriesContext(connection) as captured:
        ids, more = articles_search(query="tendon")
    assert (len(ids), more, len(captured.captured_queries)) == (3, False, 1)
    assert Article.objects.get(pk=ids[0]).title == "Tendon 2"  # the word most often
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + captured.captured_queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The documents are read once, by the candidates' scan, and ranked from what it carries.
    assert len(re.findall(r"Scan .*\bon articles_articlesearchdocument\b", plan)) == 1, plan


# --- the simple word search (SQLite's; forced here, so it runs on every database) ------------


def test_fallback_lists_title_matches_first(simple_search, client, editor):
    publish(editor, title="Breathing problems", body="Asthma can cause wheezing.")
    publish(editor, title="Living with asthma", body="Inhalers and action plans.")

    titles = result_titles(client.get(HOME, {"q": "asthma"}).text)

    assert titles == ["Living with asthma", "Breathing problems"]


def test_fallback_needs_every_word(simple_search, client, editor):
    publish(editor, title="Knee pain", body="Runners often feel it.")
    publish(editor, title="Knee swelling", body="After an injury.")

    assert result_titles(client.get(HOME, {"q": "knee runners"}).text) == ["Knee pain"]


def test_fallback_snippet_is_cut_around_the_first_hit(simple_search, client, editor):
    body = " ".join(["Filler words about nothing much."] * 30) + " The ligament heals slowly."
    publish(editor, title="Ligaments", body=body + " " + " ".join(["More text."] * 40))

    response = client.get(HOME, {"q": "ligament"})

    snippet = re.search(r'<p class="snippet">(.*?)</p>', response.text, re.S)
    assert snippet is not None
    assert snippet.group(1).startswith("… ")
    assert "<mark>ligament</mark> heals slowly" in snippet.group(1)
    assert len(snippet.group(1)) < 400


def test_title_changed_is_searchable_at_once(client, editor):
    from articles.services import article_details_update  # what the admin and the API call

    article = publish(editor, title="Old name", body="Plain text.")
    article_details_update(article=article, changes={"title": "Osteoarthritis of the hand"})

    assert result_titles(client.get(HOME, {"q": "osteoarthritis"}).text) == [
        "Osteoarthritis of the hand"
    ]


def test_the_cached_page_is_one_for_every_anonymous_reader_and_never_a_logged_in_one(
    client, editor, django_assert_num_queries
):
    publish(editor, title="Plantar heel pain", body="Stretch the calf.")
    editor.first_name, editor.username = "Edna", "edna-editor"
    editor.save()
    member = Client()
    member.force_login(editor)

    first = client.get(HOME, {"q": "heel"})
    with django_assert_num_queries(0):  # the whole page again, from the cache
        again = Client().get(HOME, {"q": "heel"})
    logged_in = member.get(HOME, {"q": "heel"})

    assert again.text == first.text
    assert "edna-editor" not in first.text
    assert "edna-editor" in logged_in.text  # their own page, with their name: never cached
    assert result_titles(logged_in.text) == ["Plantar heel pain"]
    assert "edna-editor" not in Client().get(HOME, {"q": "heel"}).text


def test_a_publication_shows_at_once_on_the_cached_home_page(client, editor):
    publish(editor, title="Plantar heel pain")
    assert "Achilles" not in client.get(HOME).text

    publish(editor, title="Achilles tendinopathy")

    assert "Achilles tendinopathy" in client.get(HOME).text
