"""What changed (issue 12, point 8): the diff keeps the text's structure, says "inserted" and
"deleted" in words, never lets a payload through, and one function serves the review page,
the compare page and the API."""

import pytest
from django.urls import reverse

from articles.models import AudienceLevel, ReviewStatus
from articles.services import revision_create_draft, revision_edit
from editorial import workflow
from editorial.changes import text_changes
from tests.factories import ReferenceFactory, RevisionFactory
from tests.xss import ALL, active_payloads

INSERTED = '<ins><span class="visually-hidden">inserted: </span>'
DELETED = '<del><span class="visually-hidden">deleted: </span>'

OLD = """## What helps

Most people recover with **rest and graded loading** of the tendon [@kim2013].

- Ice for pain
- Paracetamol when needed
- Stretching
"""
NEW = """## What helps most

Most people recover with **rest and slow loading** of the tendon [@kim2013].

- Ice for pain
- Stretching
- Shoes with a raised heel
"""


def test_a_changed_heading_stays_a_heading_with_its_words_marked():
    html = text_changes(OLD, NEW).html
    # "##" is the page's second level: the body's headings sit below the title, as readers see.
    assert f'<h3 class="diff-changed">What helps {INSERTED}most</ins></h3>' in html
    assert "##" not in html


def test_list_items_stay_items_of_their_list():
    html = text_changes(OLD, NEW).html
    assert html.count("<ul>") == 1
    assert "<li>Ice for pain</li>" in html
    assert f'<li class="diff-deleted">{DELETED}Paracetamol when needed</del></li>' in html
    assert f'<li class="diff-inserted">{INSERTED}Shoes with a raised heel</ins></li>' in html
    assert html.index("Ice for pain") < html.index("Paracetamol") < html.index("Stretching")


def test_words_are_marked_inside_the_markup_they_sit_in():
    html = text_changes(OLD, NEW).html
    assert f"<strong>rest and {DELETED}graded</del>{INSERTED}slow</ins> loading</strong>" in html
    assert "[@kim2013]" in html  # markers as written: the diff shows the text editors wrote


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Text.", "Text.\n\n## Dosage", f'<h3 class="diff-inserted">{INSERTED}Dosage</ins></h3>'),
        (
            "1. One\n2. Two",
            "1. One\n2. Two\n3. Three",
            f'<li class="diff-inserted">{INSERTED}Three</ins></li></ol>',
        ),
        ("3. Three\n4. Four", "3. Three\n4. Four!", '<ol start="3">'),
        (
            "| Drug | Dose |\n|---|---|\n| A | 5 mg |",
            "| Drug | Dose |\n|---|---|\n| A | 10 mg |",
            f'<tr class="diff-changed"><td>A</td><td>{DELETED}5</del>{INSERTED}10</ins> mg</td>',
        ),
        ("> Quoted once.", "> Quoted twice.", "<blockquote><p"),
        ("```\nrest 2 weeks\n```", "```\nrest 3 weeks\n```", "<pre class="),
        ("Rest *well*.", "Rest **well**.", "(formatting changed)"),
        ("Before.\n\n---\n\nAfter.", "Before.\n\nAfter.", "a dividing line</del>"),
    ],
    ids=["heading", "ordered item", "list start", "table cell", "quote", "code", "format", "hr"],
)
def test_each_kind_of_block_keeps_its_element(old, new, expected):
    assert expected in text_changes(old, new).html


def test_a_deleted_item_stays_in_its_nested_list():
    html = text_changes(
        "- Rest\n  - two weeks\n  - three weeks\n- Ice", "- Rest\n  - two weeks\n- Ice"
    ).html
    assert html.count("<ul>") == 2
    assert (
        f'<li>two weeks</li><li class="diff-deleted">{DELETED}three weeks</del></li></ul>' in html
    )


def test_unchanged_text_is_no_change():
    changes = text_changes(OLD, OLD)
    assert not changes.changed
    assert INSERTED not in changes.html
    assert DELETED not in changes.html


def test_payloads_in_either_text_stay_text():
    changes = text_changes(f"Old {ALL}\n\n- {ALL}", f"New {ALL} kept\n\n## {ALL}\n\n| {ALL} |\n|-|")
    assert changes.changed
    assert active_payloads(changes.html) == []
    assert "&lt;script&gt;" in changes.html


def _two_revisions(editor, reviewer, second_reviewer, reach):  # type: ignore[no-untyped-def]
    ReferenceFactory(key="kim2013")
    first = reach(
        RevisionFactory(author=editor, canonical_body=OLD),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    draft = revision_create_draft(article=first.article, author=editor)
    revision_edit(
        revision=draft, editor=editor, bodies={AudienceLevel.objects.get(is_canonical=True): NEW}
    )
    return first, draft


def test_the_review_page_shows_the_structure_and_a_legend(
    client, editor, reviewer, second_reviewer, reach
):
    first, draft = _two_revisions(editor, reviewer, second_reviewer, reach)
    client.force_login(editor)

    html = client.get(reverse("editorial:review", kwargs={"pk": draft.pk})).text

    assert f"What changed since revision {first.number}" in html
    assert f'<h3 class="diff-changed">What helps {INSERTED}most</ins></h3>' in html
    assert f'<li class="diff-deleted">{DELETED}Paracetamol when needed</del></li>' in html
    assert "Inserted words are underlined" in html
    assert "## What helps" not in html


def test_the_api_diff_gives_blocks_pieces_and_html(
    client, editor, reviewer, second_reviewer, reach
):
    _, draft = _two_revisions(editor, reviewer, second_reviewer, reach)
    client.force_login(editor)

    (body,) = client.get(f"/api/v1/revisions/{draft.pk}/diff/").json()["bodies"]

    assert [(b["op"], b["tag"]) for b in body["blocks"]] == [
        ("changed", "h3"),
        ("changed", "p"),
        ("equal", "p"),
        ("deleted", "p"),
        ("equal", "p"),
        ("inserted", "p"),
    ]
    assert {"op": "delete", "text": "graded"} in body["pieces"]
    assert {"op": "insert", "text": "slow"} in body["pieces"]
    assert INSERTED in body["html"]


def test_the_api_diff_compares_with_any_revision_of_the_same_article(
    client, editor, reviewer, second_reviewer, reach
):
    first, draft = _two_revisions(editor, reviewer, second_reviewer, reach)
    workflow.revision_submit(revision=draft, actor=editor)
    third = revision_create_draft(article=first.article, author=editor)
    other = RevisionFactory(author=editor)
    client.force_login(editor)
    url = f"/api/v1/revisions/{third.pk}/diff/"

    default = client.get(url).json()
    against_second = client.get(url, {"base": draft.pk}).json()
    elsewhere = client.get(url, {"base": other.pk})
    garbage = client.get(url, {"base": "two"})

    # By default against the last approved revision; on demand against revision 2, whose text
    # revision 3 copied.
    assert (default["base"], default["base_number"]) == (first.pk, first.number)
    assert default["bodies"][0]["changed"]
    assert (against_second["base"], against_second["bodies"]) == (draft.pk, [])
    assert elsewhere.status_code == 400
    assert "No revision" in elsewhere.json()["base"][0]
    assert garbage.status_code == 400
