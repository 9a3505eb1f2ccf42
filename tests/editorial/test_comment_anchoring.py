"""Comments are anchored in the text as readers read it: one rule finds a passage whatever
formatting it crosses, for the workspace and the API alike, and the review page highlights each
open thread's passage in the rendered text (editorial.anchoring, editorial.highlights)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.markdown import markdown_with_citations
from articles.models import AudienceLevel, ReviewStatus
from articles.services import revision_create_draft, revision_edit
from editorial import anchoring, comments, workflow
from editorial.highlights import passages_highlight
from editorial.models import ReviewComment
from tests.editorial.test_api import API, client_for
from tests.factories import BoardMemberFactory, ReferenceFactory, RevisionFactory
from tests.xss import SCRIPT, SHORT, active_payloads

TEXT = (
    "## What helps\n\n"
    "Most people recover with **rest and graded loading** of the tendon [@kim2013].\n\n"
    "- Ice *for* pain\n- Paracetamol when needed\n"
)
# The same text as the review page shows it: headings, bold and list items are text only.
READ = (
    "What helps Most people recover with rest and graded loading of the tendon 1. "
    "Ice for pain Paracetamol when needed"
)
ACROSS = "graded loading of the tendon 1.\n\nIce for"  # bold, a citation, a list item


class _Marks(HTMLParser):
    """The text inside the <mark> elements of each thread, and the tags they sit in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {}
        self.parents: dict[str, set[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("br", "hr"):
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        threads = [a["data-thread"] for t, a in self.stack if t == "mark" and a.get("data-thread")]
        outside = [t for t, _ in self.stack if t != "mark"]
        for thread in threads:
            assert thread is not None
            self.text[thread] = self.text.get(thread, "") + data
            self.parents.setdefault(thread, set()).add(outside[-1] if outside else "")


def marks_in(html: str) -> _Marks:
    found = _Marks()
    found.feed(html)
    found.close()
    return found


@pytest.fixture
def revision(editor, reviewer, second_reviewer, reach):
    ReferenceFactory(key="kim2013", actor=editor)
    return reach(
        RevisionFactory(author=editor, canonical_body=TEXT),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )


@pytest.fixture
def canonical(db) -> AudienceLevel:
    return AudienceLevel.objects.get(is_canonical=True)


def test_the_text_of_a_body_is_what_readers_read(revision, canonical):
    assert anchoring.revision_body_text(revision=revision, audience=canonical) == READ
    assert anchoring.revision_body_text(revision=revision, audience=AudienceLevel(pk=0)) is None


def test_the_one_rule_finds_a_passage_whatever_formatting_or_whitespace_it_crosses():
    assert anchoring.passage_find(text=READ, quote=ACROSS) == READ.index("graded loading")
    assert anchoring.passage_find(text=READ, quote="  Ice  for\tpain ") == READ.index("Ice for")
    assert anchoring.passage_find(text=READ, quote="**rest and graded loading**") is None
    assert anchoring.passage_find(text=READ, quote="[@kim2013]") is None
    assert anchoring.passage_find(text=READ, quote=" ") is None
    # Repeated passages: the nearest to the offset, else the first.
    assert anchoring.passage_find(text="a b a b", quote="a", offset=5) == 4
    assert anchoring.passage_find(text="a b a b", quote="a") == 0


def _post_workspace(client, revision, user, quote):  # type: ignore[no-untyped-def]
    client.force_login(user)
    data = {
        "audience": AudienceLevel.objects.get(is_canonical=True).pk,
        "quoted_text": quote,
        "offset": 40,
        "severity": "accuracy",
        "body": "Say how graded.",
    }
    url = reverse("editorial:comment_create", kwargs={"pk": revision.pk})
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.text


def _post_api(client, revision, user, quote):  # type: ignore[no-untyped-def]
    data = {
        "revision": revision.pk,
        "audience": AudienceLevel.objects.get(is_canonical=True).slug,
        "quoted_text": quote,
        "offset": 40,
        "severity": "accuracy",
        "body": "Say how graded.",
    }
    response = client_for(user).post(f"{API}/comments/", data, format="json")
    assert response.status_code in (201, 400)
    return response.json()["quoted_text" if response.status_code == 201 else "detail"]


@pytest.mark.parametrize("door", [_post_workspace, _post_api], ids=["workspace", "api"])
def test_both_doors_anchor_with_the_same_rule(door, client, revision, reviewer, monkeypatch):
    asked = []
    real = anchoring.passage_find

    def spy(**kwargs):  # type: ignore[no-untyped-def]
        asked.append(kwargs["quote"])
        return real(**kwargs)

    monkeypatch.setattr(comments, "passage_find", spy)

    door(client, revision, reviewer, ACROSS)
    refused = door(client, revision, reviewer, "**rest and graded loading**")

    thread = ReviewComment.objects.get()
    assert thread.quoted_text == "graded loading of the tendon 1. Ice for"
    assert thread.offset == READ.index("graded loading")
    assert "quoted passage is not in the Healthcare professional version" in refused
    assert asked == ["graded loading of the tendon 1. Ice for", "**rest and graded loading**"]


def test_the_review_page_highlights_open_threads_across_formatting(
    client, revision, reviewer, editor, canonical
):
    across = comments.comment_create(
        revision=revision, actor=reviewer, audience=canonical, quoted_text=ACROSS, body="Weeks?"
    )
    inside = comments.comment_create(
        revision=revision, actor=editor, audience=canonical, quoted_text="rest and", body="Ok"
    )
    resolved = comments.comment_create(
        revision=revision, actor=editor, audience=canonical, quoted_text="Paracetamol", body="Dose"
    )
    comments.comment_resolve(comment=resolved, actor=editor)

    client.force_login(reviewer)
    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text

    marks = marks_in(page)
    assert marks.text == {
        str(across.pk): "graded loading of the tendon 1.Ice for",
        str(inside.pk): "rest and",
    }
    # Bold, a citation's link, a list item and emphasis in it.
    assert marks.parents[str(across.pk)] == {"strong", "p", "a", "li", "em"}
    assert page.count(f'id="passage-{across.pk}"') == 1  # the first of its marks
    assert f'<a class="quote-link" href="#passage-{across.pk}"' in page  # margin -> text
    assert f'<a class="passage-link" href="#comment-{across.pk}"' in page  # text -> margin
    assert f'id="comment-{across.pk}"' in page
    assert f'href="#passage-{resolved.pk}"' not in page  # resolved: listed, not highlighted


def test_highlights_keep_the_text_and_never_nest_a_link_in_a_link(db):
    html, _ = markdown_with_citations(TEXT, citable={"kim2013"})
    ending_in_citation = ReviewComment(
        pk=1, quoted_text="the tendon 1", offset=0, severity="note", author=BoardMemberFactory()
    )
    overlapping = ReviewComment(
        pk=2, quoted_text="tendon 1. Ice", offset=0, severity="safety", author=BoardMemberFactory()
    )

    highlighted = passages_highlight(html=html, threads=[ending_in_citation, overlapping])

    assert anchoring.html_text(highlighted.html) == READ
    assert highlighted.located == {1, 2}
    marks = marks_in(highlighted.html)
    assert marks.text == {"1": "the tendon 1", "2": "tendon 1.Ice"}
    # The back-link of a passage ending on a citation number comes after the citation's link.
    assert '1</mark></mark></a><a class="passage-link" href="#comment-1"' in highlighted.html
    assert re.search(r"<a [^>]*>(?:(?!</a>).)*<a ", highlighted.html, re.S) is None


def test_stored_quotes_of_the_markdown_still_show(client, revision, reviewer, canonical):
    """Comments made before anchoring on the rendered text quoted the Markdown, at its offset."""
    plain = ReviewComment.objects.create(
        revision=revision,
        first_revision=revision,
        audience=canonical,
        quoted_text="graded loading",
        offset=TEXT.index("graded loading"),
        author=reviewer,
        body="Old but found",
    )
    marked_up = ReviewComment.objects.create(
        revision=revision,
        first_revision=revision,
        audience=canonical,
        quoted_text="**rest and graded loading**",
        offset=TEXT.index("**rest"),
        author=reviewer,
        body="Old, quoting asterisks",
    )

    client.force_login(reviewer)
    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text

    assert marks_in(page).text == {str(plain.pk): "graded loading"}
    assert "Old, quoting asterisks" in page
    assert f'id="comment-{marked_up.pk}"' in page
    assert "(not found in the text)" in page


def test_markup_in_the_text_a_quote_or_a_name_stays_text_inside_highlights(
    client, editor, reviewer, second_reviewer, reach, canonical
):
    revision = reach(
        RevisionFactory(author=editor, canonical_body=f"Before {SCRIPT} **after** it."),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    named = BoardMemberFactory(first_name=SHORT)
    comments.comment_create(
        revision=revision,
        actor=editor,
        audience=canonical,
        quoted_text=f"{SCRIPT} after",
        body=SCRIPT,
    )
    thread = ReviewComment.objects.get()
    ReviewComment.objects.filter(pk=thread.pk).update(author=named)

    client.force_login(reviewer)
    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text

    assert active_payloads(page) == []
    assert marks_in(page).text == {str(thread.pk): f"{SCRIPT} after"}
    assert (
        f'data-thread="{thread.pk}" id="passage-{thread.pk}" tabindex="-1">'
        "&lt;script&gt;window.__xss=1&lt;/script&gt; </mark>"
    ) in page
    assert 'aria-label="Note comment by &quot;&gt;&lt;svg onload=' in page


def test_threads_move_on_when_their_passage_reads_the_same_whatever_its_markdown(
    revision, reviewer, editor, canonical
):
    thread = comments.comment_create(
        revision=revision, actor=reviewer, audience=canonical, quoted_text=ACROSS, body="Weeks?"
    )
    workflow.revision_request_changes(revision=revision, actor=editor, reason="See notes")
    draft = revision_create_draft(article=revision.article, author=editor)
    new_text = (
        "Nearly everyone recovers with rest and *graded loading of the tendon* [@kim2013].\n\n"
        "* Ice **for** pain\n"
    )
    revision_edit(revision=draft, editor=editor, bodies={canonical: new_text})
    workflow.revision_submit(revision=draft, actor=editor)

    thread.refresh_from_db()
    text = anchoring.revision_body_text(revision=draft, audience=canonical)
    assert text == (
        "Nearly everyone recovers with rest and graded loading of the tendon 1. Ice for pain"
    )
    assert (thread.revision, thread.offset) == (draft, text.index("graded loading"))
