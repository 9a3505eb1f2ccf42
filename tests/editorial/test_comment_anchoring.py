"""Comments are anchored in the text as readers read it: one rule finds a passage whatever
formatting it crosses, for the workspace and the API alike (editorial.anchoring)."""

import pytest
from django.urls import reverse

from articles.models import AudienceLevel, ReviewStatus
from articles.services import revision_create_draft, revision_edit
from editorial import anchoring, comments, workflow
from editorial.models import ReviewComment
from tests.editorial.test_api import API, client_for
from tests.factories import ReferenceFactory, RevisionFactory

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
