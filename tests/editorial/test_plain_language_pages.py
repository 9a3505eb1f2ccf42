"""Plain language on the workspace's pages: the editor's live panel (the server's analysis,
fetched by htmx while typing) and its page, the review page, and the vocabulary's admin. The
rules themselves: tests/articles/test_plain_language.py; typing in a browser:
tests/browser/test_plain_language_browser.py."""

import re

import pytest
from django.urls import reverse

from articles.models import AudienceLevel, PlainTerm, Revision
from articles.services import revision_edit
from editorial import workflow
from tests.factories import RevisionFactory, assign_ready

DENSE = "Physicians recommend regular exercise for hypertension."
POOR = """## Background

Patients with plantar fasciitis frequently experience considerable discomfort, and clinicians
generally recommend a combination of stretching, appropriate footwear and analgesia.
"""


def _level(slug: str) -> AudienceLevel:
    return AudienceLevel.objects.get(slug=slug)


def _live(client, text: str, audience: str = "patient") -> str:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("editorial:readability_preview"),
        {"audience": audience, f"body_{audience}": text},
    )
    assert response.status_code == 200
    return response.text


def _list(html: str) -> list[str]:
    """The visible list of marks, item by item, as text (without their "Find in text")."""
    items = re.findall(r'<li id="why-[a-z]+-\d+"[^>]*>(.*?)</li>', html, re.S)
    items = [re.sub(r"<button .*?</button>", "", item, flags=re.S) for item in items]
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


# --- the editor's live panel ----------------------------------------------------------------


def test_the_live_panel_marks_the_text_being_typed_and_saves_nothing(client, editor, draft):
    client.force_login(editor)

    html = _live(client, DENSE)

    assert _list(html) == [
        "Physicians recommend regular exercise for hypertension. Reads at grade 20.2 on its "
        "own, above the target of 8: 5 long words (Physicians, recommend, regular, exercise, "
        "hypertension): use shorter, everyday words.",
        "Physicians → doctor. If you keep “Physicians”, explain it where it first appears. "
        "After CDC, Plain Language Thesaurus for Health Communications (public domain).",
        "hypertension → high blood pressure. If you keep “hypertension”, explain it where it "
        "first appears. After CDC, Plain Language Thesaurus for Health Communications (public "
        "domain).",
    ]
    # Each mark in the text says why in its title and points at its line in the list.
    assert (
        '<mark class="mark-term" title="“hypertension” has a plain equivalent: “high blood '
        'pressure”. If you keep “hypertension”, explain it where it first appears." '
        'aria-describedby="why-patient-3">hypertension<sup>3</sup></mark>'
    ) in html
    assert '<mark class="mark-sentence" title="Reads at grade 20.2' in html
    assert (
        '<button type="button" class="link-button find-mark" data-find="hypertension" '
        'data-for="id_body_patient">Find in text'
    ) in html
    assert 'data-check="terms"' in html  # the checklist beside the scores
    assert not draft.bodies.filter(audience__slug="patient").exists()


def test_a_level_not_in_plain_language_gets_sentence_marks_only(client, editor):
    client.force_login(editor)

    html = _live(client, "Physicians recommend regular exercise.", audience="student")

    assert [item.split(" Reads at")[0] for item in _list(html)] == [
        "Physicians recommend regular exercise."
    ]
    assert "data-check" not in html
    assert "mark-term" not in html


def test_the_professional_level_gets_no_panel(client, editor):
    client.force_login(editor)

    html = _live(client, DENSE, audience="professional")

    assert "plain-language" not in html
    assert '<span class="fk-grade">' in html


def test_typed_markup_is_shown_as_text_in_the_marks(client, editor):
    client.force_login(editor)
    text = 'Physicians give analgesia <img src=x onerror="alert(1)"> "quoted" & more.'

    html = _live(client, text)

    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "analgesia<sup>" in html  # marked, and the text around it escaped


@pytest.mark.parametrize("who", ["reviewer", "anonymous"])
def test_only_editors_get_the_analysis(client, reviewer, who):
    if who == "reviewer":
        client.force_login(reviewer)

    response = client.post(
        reverse("editorial:readability_preview"), {"audience": "patient", "body_patient": DENSE}
    )

    assert response.status_code == (403 if who == "reviewer" else 302)
    assert "high blood pressure" not in response.text


@pytest.mark.parametrize("size", [1, 40])
def test_the_live_panel_query_count_does_not_grow(size, client, editor, django_assert_num_queries):
    PlainTerm.objects.bulk_create(
        PlainTerm(term=f"dyscrasia{n}", plain=f"blood problem {n}") for n in range(size * 5)
    )
    text = "\n\n".join(f"You have dyscrasia{n} and hypertension." for n in range(size))
    client.force_login(editor)

    # Session, user, their groups (may edit); the level; the vocabulary.
    with django_assert_num_queries(5):
        html = _live(client, text)

    assert html.count('class="mark-term"') == 2 * size


# --- the editor's page, without JavaScript --------------------------------------------------


def test_the_editor_page_shows_the_saved_texts_marks(client, editor, draft):
    revision_edit(revision=draft, editor=editor, bodies={_level("patient"): POOR})
    client.force_login(editor)

    html = client.get(reverse("editorial:article_edit", kwargs={"pk": draft.article_id})).text

    assert 'data-plain-language="patient"' in html
    assert re.search(r'data-check="summary"><span class="check-state">To do</span>', html)
    assert "Used without an explanation: plantar fasciitis, frequently, clinician, analgesia" in (
        html
    )
    assert 'data-plain-language="professional"' not in html


# --- the review page ------------------------------------------------------------------------


def _under_review(editor, reviewer, text: str, scored) -> Revision:  # type: ignore[no-untyped-def]
    revision = RevisionFactory(author=editor)
    with scored(execute=True):  # the stored score, computed after commit
        revision_edit(revision=revision, editor=editor, bodies={_level("patient"): text})
    workflow.revision_submit(revision=revision, actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    return revision


def test_reviewers_see_the_checklist_and_marks_of_the_submitted_text(
    client, editor, reviewer, django_capture_on_commit_callbacks
):
    revision = _under_review(editor, reviewer, POOR, django_capture_on_commit_callbacks)
    client.force_login(reviewer)

    html = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text

    panel = html[html.index('data-plain-language="patient"') :]
    assert "Plain-language checklist: 4 checks, 3 to do" in panel
    assert "Starts with the heading “Background”" in panel
    assert "Find in text" not in panel  # there is no textarea here
    assert '<mark class="mark-term" title="“analgesia” has a plain equivalent' in panel
    # Its stored score is above the target: the sentences reading above it are marked too.
    assert '<mark class="mark-sentence" title="Reads at grade' in panel
    assert 'data-plain-language="professional"' not in html


@pytest.mark.parametrize("size", [1, 30])
def test_the_review_page_reads_the_vocabulary_once(
    size, client, editor, reviewer, django_assert_num_queries, django_capture_on_commit_callbacks
):
    PlainTerm.objects.bulk_create(
        PlainTerm(term=f"dyscrasia{n}", plain=f"blood problem {n}") for n in range(size * 5)
    )
    text = "\n\n".join(f"You have dyscrasia{n} and hypertension." for n in range(size))
    revision = _under_review(editor, reviewer, text, django_capture_on_commit_callbacks)
    client.force_login(reviewer)
    url = reverse("editorial:review", kwargs={"pk": revision.pk})

    # As tests/editorial/test_review_pages.py counts it, with one query for the vocabulary.
    with django_assert_num_queries(24) as queries:
        html = client.get(url).text

    assert [q["sql"] for q in queries.captured_queries if "plainterm" in q["sql"]] != []
    assert len([q for q in queries.captured_queries if "plainterm" in q["sql"]]) == 1
    assert html.count('class="mark-term"') == 2 * size


# --- the vocabulary's admin -----------------------------------------------------------------


def test_a_term_added_in_the_admin_is_marked_from_then_on(admin_client, client, editor):
    text = "You may have a tendo Achillis tear."
    client.force_login(editor)
    assert "mark-term" not in _live(client, text)

    response = admin_client.post(
        reverse("admin:articles_plainterm_add"),
        {"term": "Tendo Achillis", "plain": "Achilles tendon", "source": "Our style guide"},
    )
    assert response.status_code == 302

    html = _live(client, text)
    assert "tendo Achillis → Achilles tendon." in _list(html)[0]
    assert "Our style guide." in _list(html)[0]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"term": "HYPERTENSION", "plain": "raised blood pressure"}, "in the vocabulary already"),
        ({"term": "1234", "plain": "a number"}, "needs at least one letter"),
        ({"term": "rales", "plain": ""}, "This field is required"),
    ],
)
def test_the_admin_refuses_a_duplicate_or_empty_term(admin_client, data, error):
    before = PlainTerm.objects.count()

    response = admin_client.post(reverse("admin:articles_plainterm_add"), data)

    assert response.status_code == 200
    assert error in response.text
    assert PlainTerm.objects.count() == before
    assert PlainTerm.objects.get(term="hypertension").plain == "high blood pressure"


def test_the_admin_sets_which_levels_are_written_in_plain_language(admin_client, client, editor):
    student = _level("student")
    url = reverse("admin:articles_audiencelevel_change", args=[student.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["plain_language"] = "on"

    assert admin_client.post(url, data).status_code == 302

    client.force_login(editor)
    html = _live(client, "You may have hypertension.", audience="student")
    assert "hypertension<sup>1</sup>" in html
    assert 'data-check="you"' in html
