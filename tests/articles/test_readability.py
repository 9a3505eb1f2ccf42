"""Readability: stripping, scores checked against the formulas by hand, storage and the guard."""

import re

import pytest
from django.urls import reverse

from articles.models import AudienceBody, AudienceLevel, text_hash
from articles.readability import (
    SMOG_NOT_VALID,
    bodies_above_target,
    score_text,
    strip_for_scoring,
)
from articles.services import audience_body_score, revision_edit
from editorial import workflow

# Monosyllables only: 12 words, 12 syllables, 2 sentences, no word of 3+ syllables.
SIMPLE = "The cat sat on the mat. The dog ran to the park."
# CMU dictionary syllables: phy-si-cians 3, rec-om-mend 3, reg-u-lar 3, ex-er-cise 3,
# pa-tients 2, tol-er-ate 3, med-i-ca-tion 4, well 1: 8 words, 22 syllables, 2 sentences,
# 6 words of 3+ syllables.
DENSE = "Physicians recommend regular exercise. Patients tolerate medication well."
# SIMPLE again, dressed in Markdown, citations, a link and a reference list.
MARKED_UP = (
    "**The cat** sat on the *mat* [@smith2020].\n\n"
    "- The dog ran to the [park](https://example.org/park) [@a; @b].\n\n"
    "## References\n\n"
    "1. Smith J. Extraordinary considerations regarding veterinary epidemiology. 2020.\n"
)


def fk_grade(words: int, sentences: int, syllables: int) -> float:
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59


def reading_ease(words: int, sentences: int, syllables: int) -> float:
    return 206.835 - 1.015 * words / sentences - 84.6 * syllables / words


def smog(polysyllables: int, sentences: int) -> float:
    return 1.043 * (30 * polysyllables / sentences) ** 0.5 + 3.1291


# --- stripping -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "prose"),
    [
        ("Rest helps [@smith2020].", "Rest helps."),
        ("Ice helps [@a; @b] most people.", "Ice helps most people."),
        ("Loading works [see @nice-2021, p. 4].", "Loading works."),
        ("Read [the guideline](https://example.org/g) first.", "Read the guideline first."),
        ("See https://example.org/x for more.", "See for more."),
        ("# What helps\n\nRest **and** *ice*.", "What helps.\nRest and ice."),
        ("- Rest\n- Ice\n", "Rest.\nIce."),
        ("Take `ibuprofen` with food.", "Take ibuprofen with food."),
        ("Rest helps.\n\n## References\n\n1. Smith. Heel pain. 2020.", "Rest helps."),
        ("Rest helps.\n\n# Bibliography\n\nLong list.", "Rest helps."),
    ],
)
def test_stripping_keeps_only_the_prose(markdown, prose):
    assert strip_for_scoring(markdown) == prose


def test_stripping_keeps_a_bracketed_aside_that_is_no_citation():
    aside = "Rest (or [relative] rest) helps."
    assert strip_for_scoring(aside) == aside


# --- scores ----------------------------------------------------------------------------------


def test_scores_of_monosyllabic_text_match_the_formulas():
    scores = score_text(SIMPLE)
    assert scores.sentence_count == 2
    assert scores.word_count == 12
    assert scores.fk_grade == pytest.approx(fk_grade(12, 2, 12), abs=0.01)  # -1.45
    assert scores.reading_ease == pytest.approx(reading_ease(12, 2, 12), abs=0.01)  # 116.15
    assert scores.smog == pytest.approx(smog(0, 2), abs=0.01)  # 3.13


def test_scores_of_dense_text_match_the_formulas():
    scores = score_text(DENSE)
    assert scores.fk_grade == pytest.approx(fk_grade(8, 2, 22), abs=0.01)  # 18.42
    assert scores.reading_ease == pytest.approx(reading_ease(8, 2, 22), abs=0.01)  # -29.88
    assert scores.smog == pytest.approx(smog(6, 2), abs=0.01)  # 13.02


def test_markers_markdown_urls_and_references_do_not_count():
    assert score_text(MARKED_UP) == score_text(SIMPLE)


def test_smog_is_flagged_below_thirty_sentences():
    assert not score_text(SIMPLE).smog_is_valid
    assert score_text(SIMPLE).smog_note == SMOG_NOT_VALID.format(count=2)
    thirty = score_text("The cat sat on the mat. " * 30)
    assert thirty.sentence_count == 30
    assert thirty.smog_is_valid
    assert thirty.smog_note == ""


def test_empty_text_scores_zero():
    scores = score_text("[@only-a-citation]")
    assert (scores.fk_grade, scores.word_count, scores.sentence_count) == (0.0, 0, 0)


# --- stored in the background ----------------------------------------------------------------


def _levels() -> tuple[AudienceLevel, AudienceLevel]:
    return AudienceLevel.objects.get(slug="patient"), AudienceLevel.objects.get(is_canonical=True)


def test_saving_a_body_scores_it_after_commit(editor, draft, django_capture_on_commit_callbacks):
    patient, _ = _levels()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        revision_edit(revision=draft, editor=editor, bodies={patient: DENSE})
    body = AudienceBody.objects.get(revision=draft, audience=patient)
    assert body.fk_grade is None  # nothing before the commit
    assert len(callbacks) == 1

    callbacks[0]()  # the Celery task, eager in tests

    body.refresh_from_db()
    assert body.fk_grade == pytest.approx(18.42)
    assert body.smog == pytest.approx(13.02)
    assert body.reading_ease == pytest.approx(-29.87, abs=0.01)
    assert body.sentence_count == 2
    assert body.scored_hash == text_hash(DENSE)


def test_scoring_again_is_idempotent_and_follows_text_changes(
    editor, draft, django_capture_on_commit_callbacks, django_assert_num_queries
):
    patient, _ = _levels()
    with django_capture_on_commit_callbacks(execute=True):
        revision_edit(revision=draft, editor=editor, bodies={patient: DENSE})
    body = AudienceBody.objects.get(revision=draft, audience=patient)
    with django_assert_num_queries(1):  # reads the body, sees it scored, writes nothing
        audience_body_score(body_id=body.pk)

    with django_capture_on_commit_callbacks(execute=True):
        revision_edit(revision=draft, editor=editor, bodies={patient: SIMPLE})
    body.refresh_from_db()
    assert body.fk_grade == pytest.approx(-1.45)
    assert audience_body_score(body_id=0) is None  # a deleted body: nothing to do


def test_scores_may_land_after_submission(editor, draft, django_capture_on_commit_callbacks):
    patient, _ = _levels()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        revision_edit(revision=draft, editor=editor, bodies={patient: SIMPLE})
    workflow.revision_submit(revision=draft, actor=editor)
    for callback in callbacks:
        callback()
    assert AudienceBody.objects.get(revision=draft, audience=patient).fk_grade == pytest.approx(
        -1.45
    )


# --- the submission guard --------------------------------------------------------------------


def test_body_above_target_only_warns_by_default(editor, draft, settings):
    settings.IMPRIMATUR_READABILITY_BLOCKS_SUBMISSION = False
    patient, _ = _levels()
    revision_edit(revision=draft, editor=editor, bodies={patient: DENSE})
    assert [report.audience for report in bodies_above_target(draft)] == [patient]

    workflow.revision_submit(revision=draft, actor=editor)

    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_body_above_target_blocks_submission_when_configured(editor, draft, settings):
    settings.IMPRIMATUR_READABILITY_BLOCKS_SUBMISSION = True
    patient, professional = _levels()
    # The canonical level has no target: its dense text is fine.
    revision_edit(revision=draft, editor=editor, bodies={patient: DENSE, professional: DENSE})

    with pytest.raises(
        workflow.GuardFailed,
        match=r"Patient or caregiver version reads at grade 18\.4, above its target of 8",
    ):
        workflow.revision_submit(revision=draft, actor=editor)
    draft.refresh_from_db()
    assert draft.status == "draft"

    revision_edit(revision=draft, editor=editor, bodies={patient: SIMPLE})
    workflow.revision_submit(revision=draft, actor=editor)
    draft.refresh_from_db()
    assert draft.status == "submitted"


# --- what editors and reviewers see ----------------------------------------------------------


def test_editor_preview_scores_posted_text_without_saving(client, editor, draft):
    client.force_login(editor)
    response = client.post(
        reverse("editorial:readability_preview"), {"audience": "patient", "body_patient": DENSE}
    )
    assert response.status_code == 200
    assert '<span class="fk-grade">18.4</span>' in response.text
    assert "above the target of grade 8 or lower" in response.text
    assert SMOG_NOT_VALID.format(count=2) in response.text
    assert not AudienceBody.objects.filter(revision=draft, audience__slug="patient").exists()

    response = client.post(
        reverse("editorial:readability_preview"), {"audience": "patient", "body_patient": SIMPLE}
    )
    assert "within the target of grade 8 or lower" in response.text


def test_editor_preview_is_for_editors_only(client, reviewer):
    client.force_login(reviewer)
    url = reverse("editorial:readability_preview")
    assert client.post(url, {"audience": "patient", "body_patient": SIMPLE}).status_code == 403
    client.logout()
    assert client.post(url, {"audience": "patient"}).status_code == 302  # to the login page


def test_editor_page_wires_live_scores_with_htmx_under_the_csp(client, editor, draft):
    client.force_login(editor)
    response = client.get(reverse("editorial:article_edit", kwargs={"pk": draft.article_id}))
    html = response.text
    assert 'hx-post="/editorial/readability/"' in html
    assert 'hx-target="#readability-patient"' in html
    assert 'id="readability-patient"' in html
    # The htmx script is a file with the CSP nonce; no inline script or style.
    nonce = response.context["csp_nonce"]
    assert f'nonce="{nonce}"' in html
    assert "<script>" not in html
    assert "style=" not in html
    # One tab per level, the canonical one open.
    assert html.count('class="tab-radio"') == AudienceLevel.objects.count()
    assert re.search(r'id="tab-professional"[^>]*checked', html)
    assert not re.search(r'id="tab-patient"[^>]*checked', html)


@pytest.mark.parametrize("page", ["editorial:article", "editorial:review"])
def test_reviewers_see_stored_scores_on_the_workspace_and_review_pages(
    page, client, editor, draft, reviewer, django_capture_on_commit_callbacks
):
    patient, _ = _levels()
    with django_capture_on_commit_callbacks(execute=True):
        revision_edit(revision=draft, editor=editor, bodies={patient: DENSE})
    workflow.revision_submit(revision=draft, actor=editor)
    workflow.revision_assign_reviewer(revision=draft, actor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    pk = draft.article_id if page == "editorial:article" else draft.pk

    html = client.get(reverse(page, kwargs={"pk": pk})).text

    assert '<span class="fk-grade">18.4</span>' in html
    assert '<span class="smog">13.0</span>' in html
    assert "above the target of grade 8 or lower" in html
    assert "Above target grade" in html
    assert SMOG_NOT_VALID.format(count=2) in html
