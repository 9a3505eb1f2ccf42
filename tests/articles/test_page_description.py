"""The page's description: the first words of the whole body, worked out when it is rendered."""

import re

from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.utils.html import strip_tags
from django.utils.text import Truncator
from hypothesis import assume, given
from hypothesis import strategies as st

from articles import page_versions
from articles.descriptions import DESCRIPTION_WORDS, page_description
from articles.models import AudienceBody
from editorial import workflow
from tests.factories import RevisionFactory


def _whole(html: str) -> str | None:
    """What the description was before: strip_tags of the whole body (None where strip_tags
    refuses the HTML as suspicious, which the stored bodies, sanitised, never are)."""
    try:
        return Truncator(" ".join(strip_tags(html).split())).words(DESCRIPTION_WORDS)
    except SuspiciousOperation:
        return None


WORD = st.text(alphabet="abcdéf&#;<>!-\"' =/", min_size=1, max_size=12)
TAG = st.sampled_from(
    ["<p>", "</p>", "<em>", "</em>", '<a href="x>y">', "</a>", "<br>", "&amp;", "\n", " ", ""]
)


@given(st.lists(st.tuples(WORD, TAG), min_size=1, max_size=300), st.integers(1, 40))
def test_the_description_of_any_body_is_that_of_the_whole_body(parts, times):
    html = "".join(word + tag for word, tag in parts) * times
    whole = _whole(html)
    assume(whole is not None)
    assert page_description(html) == whole


def test_a_long_body_is_described_by_its_first_words():
    paragraph = "<p>" + " ".join(f"word{n}" for n in range(30)) + "</p>\n"
    html = paragraph * 200
    assert page_description(html) == _whole(html)
    assert page_description(html).startswith("word0 word1")
    assert page_description(html).endswith("…")


def _published(editor, text: str):  # type: ignore[no-untyped-def]
    revision = RevisionFactory(author=editor, canonical_body=text)
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


def _meta_description(html: str) -> str:
    match = re.search(r'<meta name="description" content="([^"]*)">', html)
    assert match is not None
    return match.group(1)


def _retired(article) -> None:  # type: ignore[no-untyped-def]
    """Its pages retired: the stored ones, the cached ones (after a commit), this process's."""
    page_versions.article_page_invalidate(slug=article.slug)
    cache.clear()
    page_versions.local_pages_clear()


def test_a_body_stores_its_description_when_it_is_rendered(editor):
    article = _published(editor, "Rest the heel and *ice* it twice a day.")
    body = AudienceBody.objects.get(
        revision=article.published_revision, audience__is_canonical=True
    )
    assert body.rendered_description == page_description(body.rendered_html)
    assert body.rendered_description == "Rest the heel and ice it twice a day."


def test_the_page_describes_itself_with_the_stored_description(editor):
    article = _published(editor, "Rest the heel and ice it twice a day.")
    bodies = AudienceBody.objects.filter(revision=article.published_revision)
    # What the page shows is the stored one, not worked out again from the HTML...
    bodies.update(rendered_description="Stored when the body was rendered.")
    _retired(article)
    assert _meta_description(Client().get(article.get_absolute_url()).text) == (
        "Stored when the body was rendered."
    )
    # ...except for a body stored before descriptions were: then it is worked out.
    bodies.update(rendered_description="")
    _retired(article)
    assert _meta_description(Client().get(article.get_absolute_url()).text) == (
        "Rest the heel and ice it twice a day."
    )
