"""Plain language: the marks and the checklist of fixed texts, checked by hand against the
Flesch-Kincaid formula (CMU dictionary syllables), and the shipped vocabulary."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from articles.models import AudienceLevel, PlainTerm
from articles.plain_language import (
    EMPTY_VOCABULARY,
    PlainLanguage,
    plain_language_review,
    vocabulary_for,
)
from articles.plain_language.marks import REASON_DENSE
from articles.readability import Report, score_text

SHIPPED = Path(__file__).resolve().parents[2] / "articles" / "data" / "plain_terms.csv"

# Sentence 1: Phy-si-cians 3, rec-om-mend 3, reg-u-lar 3, ex-er-cise 3: 4 words, 12 syllables,
# grade 0.39 * 4 + 11.8 * 12 / 4 - 15.59 = 21.37. Sentence 2: pa-tients 2, tol-er-ate 3,
# med-i-ca-tion 4, well 1: 4 words, 10 syllables, grade 1.56 + 29.5 - 15.59 = 15.47.
# The whole text: 18.42 (tests/articles/test_readability.py).
DENSE = "Physicians recommend regular exercise. Patients tolerate medication well."
# 25 words of one syllable: grade 0.39 * 25 + 11.8 - 15.59 = 5.96, and so is the text's.
LONG = (
    "The cat sat on the mat and the dog ran to the park and the boy hid in the shed by the "
    "big red barn."
)
# Monosyllables, 6 words: grade 0.39 * 6 + 11.8 - 15.59 = -1.45.
SIMPLE = "The cat sat on the mat."


def _level(slug: str) -> AudienceLevel:
    return AudienceLevel.objects.get(slug=slug)


def _review(text: str, level: AudienceLevel) -> PlainLanguage | None:
    report = Report(audience=level, scores=score_text(text), target=level.target_grade)
    return plain_language_review(report=report, markdown=text, vocabulary=vocabulary_for([level]))


def _marks(review: PlainLanguage | None) -> list[tuple[int, str, str]]:
    assert review is not None
    return [(mark.number, mark.kind, mark.text) for mark in review.marks]


def _checks(review: PlainLanguage | None) -> dict[str, tuple[bool, str]]:
    assert review is not None
    return {check.name: (check.passed, check.detail) for check in review.checklist}


# --- sentences above the target -----------------------------------------------------------


def test_each_sentence_reading_above_the_target_is_marked_with_its_grade_and_long_words(db):
    student = _level("student")  # target 12, not written in plain language: no terms marked
    review = _review(DENSE, student)

    assert _marks(review) == [
        (1, "sentence", "Physicians recommend regular exercise."),
        (2, "sentence", "Patients tolerate medication well."),
    ]
    assert review is not None
    assert review.marks[0].explanation == (
        "Reads at grade 21.4 on its own, above the target of 12: 4 long words (Physicians, "
        "recommend, regular, exercise): use shorter, everyday words."
    )
    assert review.marks[1].explanation == (
        "Reads at grade 15.5 on its own, above the target of 12: 2 long words (tolerate, "
        "medication): use shorter, everyday words."
    )
    assert review.checklist == []  # the checklist is for plain-language versions


def test_a_long_sentence_of_short_words_is_marked_as_long(db):
    easy = AudienceLevel.objects.create(slug="easy", label="Easy", target_grade=Decimal("4"))
    review = _review(LONG, easy)

    assert _marks(review) == [(1, "sentence", LONG)]
    assert review is not None
    assert review.marks[0].explanation == (
        "Reads at grade 6.0 on its own, above the target of 4: 25 words long (aim for 20 or "
        "fewer): split it or cut words."
    )


def test_within_its_target_a_text_has_no_sentence_marked(db):
    # DENSE and SIMPLE together: 14 words, 28 syllables, 3 sentences: grade 1.82 + 23.6 -
    # 15.59 = 9.83, within 12, although two of its sentences read above 12 on their own.
    text = f"{DENSE} {SIMPLE}"
    assert score_text(text).fk_grade == pytest.approx(9.83, abs=0.01)

    assert _marks(_review(text, _level("student"))) == []


def test_in_plain_language_a_sentence_over_25_words_is_marked_even_within_the_target(db):
    # 28 words of one syllable: grade 0.39 * 28 + 11.8 - 15.59 = 7.13, within 8.
    text = LONG.replace("barn.", "barn and the cow.")
    assert score_text(text).fk_grade == pytest.approx(7.13, abs=0.01)

    review = _review(text, _level("patient"))

    assert _marks(review) == [(1, "sentence", text)]
    assert review is not None
    assert review.marks[0].explanation == (
        "28 words long: in plain language, keep each sentence to 25 words or fewer. Split it."
    )
    assert _checks(review)["sentences"] == (
        False,
        "Average 28 words a sentence (aim for 20 or fewer); 1 sentence over 25 words.",
    )
    # Not written in plain language, and within its target: nothing to mark.
    assert _marks(_review(text, _level("student"))) == []


def test_a_sentence_of_two_syllable_words_says_so():
    # Not in the vocabulary, no word of three syllables: 0.39 * 3 + 11.8 * 6 / 3 - 15.59 = 9.18.
    level = AudienceLevel(slug="strict", label="Strict", target_grade=Decimal("2"))
    text = "Doctors suggest rhubarb."
    report = Report(audience=level, scores=score_text(text), target=level.target_grade)

    review = plain_language_review(report=report, markdown=text, vocabulary=EMPTY_VOCABULARY)

    assert review is not None
    assert review.marks[0].explanation.endswith(f"target of 2: {REASON_DENSE}.")


def test_a_level_without_target_or_plain_language_gets_nothing(db):
    assert _review(DENSE, _level("professional")) is None
    assert _review("[@only-a-citation]", _level("patient")) is None


# --- medical terms ------------------------------------------------------------------------


def test_terms_are_marked_with_their_plain_words_whole_words_any_case_and_plural(db):
    patient = _level("patient")  # target 8, written in plain language
    text = (
        "You may have Hypertension. Your doctor can help with analgesia. "
        "Take NSAIDs with food. You may feel hypertensive."
    )
    review = _review(text, patient)

    assert review is not None
    assert [(m.kind, m.text, m.suggestion) for m in review.marks] == [
        ("term", "Hypertension", "high blood pressure"),
        ("term", "analgesia", "pain relief"),
        ("term", "NSAIDs", "anti-inflammatory painkiller, such as ibuprofen"),
    ]  # "hypertensive" is another word
    first = review.marks[0]
    assert first.explanation == (
        "“Hypertension” has a plain equivalent: “high blood pressure”. If you keep "
        "“Hypertension”, explain it where it first appears."
    )
    assert first.source == (
        "After CDC, Plain Language Thesaurus for Health Communications (public domain)"
    )
    # In the text with its marks, the term is marked where it stands.
    pieces = review.blocks[0].sentences[0].pieces
    assert [(p.text, p.mark is not None) for p in pieces] == [
        ("You may have ", False),
        ("Hypertension", True),
        (".", False),
    ]


def test_the_longest_term_wins(db):
    review = _review("You may get a deep vein thrombosis on a long flight.", _level("patient"))

    assert [(m.text, m.suggestion) for m in (review.marks if review else [])] == [
        ("deep vein thrombosis", "blood clot in a deep vein, usually in the leg")
    ]


@pytest.mark.parametrize(
    "explained",
    [
        "You may have hypertension (high blood pressure) for years.",
        "You may have hypertension, or high blood pressure, for years.",
        "You may have high blood pressure, called hypertension, for years.",
        "You may have hypertension, which means your blood pressure stays high.",
        "Hypertension means your blood pressure is high.",
    ],
)
def test_a_term_explained_where_first_used_is_not_marked(db, explained):
    review = _review(f"{explained} Your hypertension can be treated.", _level("patient"))

    assert review is not None
    assert [m for m in review.marks if m.kind == "term"] == []
    assert _checks(review)["terms"] == (True, "Explained where first used: hypertension.")


def test_a_term_not_explained_where_first_used_is_marked_everywhere(db):
    text = "Your hypertension can be treated. Hypertension (high blood pressure) is common."
    review = _review(text, _level("patient"))

    assert [(n, text) for n, _, text in _marks(review)] == [
        (1, "hypertension"),
        (2, "Hypertension"),
    ]


def test_marks_never_change_the_text(db):
    text = "Physicians recommend analgesia & <b>rest</b> for hypertension [@nice2020]."
    review = _review(text, _level("patient"))

    assert review is not None
    shown = "".join(
        s.space + "".join(p.text for p in s.pieces) for b in review.blocks for s in b.sentences
    )
    assert shown == "Physicians recommend analgesia & <b>rest</b> for hypertension."


# --- the checklist of a version written in plain language ----------------------------------

GOOD = """## Key points

- You can ease heel pain at home.

Rest your foot when it hurts. Wear shoes with a soft heel. Your doctor may suggest pain relief.
"""

# One sentence of 31 words.
POOR = """## Background

Patients with plantar fasciitis frequently experience considerable discomfort, and clinicians
generally recommend a combination of stretching, appropriate footwear and analgesia for a period
of several weeks before further treatment is considered.
"""


def test_a_plain_text_meets_every_check(db):
    assert _checks(_review(GOOD, _level("patient"))) == {
        "sentences": (True, "Average 6 words a sentence; none over 25."),
        "summary": (True, "Starts with “Key points”."),
        "you": (True, "3 of 4 sentences say “you” or “your”."),
        "terms": (True, "No term of the vocabulary is used."),
    }


def test_a_dense_text_meets_none_and_each_check_says_what_to_do(db):
    assert _checks(_review(POOR, _level("patient"))) == {
        "sentences": (
            False,
            "Average 31 words a sentence (aim for 20 or fewer); 1 sentence over 25 words.",
        ),
        "summary": (
            False,
            "Starts with the heading “Background”: put the main message first, in a few short "
            "sentences or under a heading such as “Key points”.",
        ),
        "you": (
            False,
            "0 of 1 sentences say “you” or “your”: write to the reader (“you can”, “your "
            "doctor”) in at least one sentence in four. The text says “patient” 1 time.",
        ),
        "terms": (
            False,
            "Used without an explanation: plantar fasciitis, frequently, clinician, analgesia. "
            "Use the plain words, or explain each term the first time (“hypertension (high "
            "blood pressure)”).",
        ),
    }


def test_headings_are_not_sentences_to_the_reader(db):
    # Counted as sentences, the headings would make it 1 of 5 (under one in four) and an
    # average of 4 words (3, 4 and 4: "Ice it." and "Wait." are too short to count).
    text = "Rest your foot.\n\n## What the doctor does\n\n## What the nurse does\n\nIce it. Wait."

    checks = _checks(_review(text, _level("patient")))

    assert checks["you"] == (True, "1 of 3 sentences say “you” or “your”.")
    assert checks["sentences"] == (True, "Average 3 words a sentence; none over 25.")


@pytest.mark.parametrize(
    ("text", "met", "detail"),
    [
        (
            "You can rest at home. Ice helps too.\n\n## Why\n\nMore words.",
            True,
            "Starts with a short paragraph (2 sentences, 8 words).",
        ),
        (
            "You can rest. " * 4,
            False,
            "The first paragraph has 4 sentences and 12 words: open with the main message in 3 "
            "sentences or fewer (60 words at most).",
        ),
        (
            "- Rest.\n- Ice.\n",
            False,
            "Starts with a list: open with a sentence or two that sum up the answer, or put the "
            "list under a heading such as “Key points”.",
        ),
        ("## In short\n\nRest.", True, "Starts with “In short”."),
    ],
)
def test_a_summary_first(db, text, met, detail):
    assert _checks(_review(text, _level("patient")))["summary"] == (met, detail)


# --- the vocabulary -----------------------------------------------------------------------


def test_the_shipped_vocabulary_is_loaded_with_its_sources(db):
    with SHIPPED.open(encoding="utf-8", newline="") as rows:
        shipped = {row["term"]: row["plain"] for row in csv.DictReader(rows)}

    assert len(shipped) >= 300
    assert dict(PlainTerm.objects.values_list("term", "plain")) == shipped
    assert PlainTerm.objects.get(term="analgesia").plain == "pain relief"
    assert not PlainTerm.objects.filter(source="").exists()
    assert _level("patient").plain_language
    assert not _level("student").plain_language


def test_the_vocabulary_is_read_once_and_only_for_plain_language(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert vocabulary_for([_level_unqueried("student")]) is EMPTY_VOCABULARY
    with django_assert_num_queries(1):
        vocabulary = vocabulary_for([_level_unqueried("patient"), _level_unqueried("student")])
    assert "hypertension" in vocabulary.words


def _level_unqueried(slug: str) -> AudienceLevel:
    return AudienceLevel(slug=slug, label=slug, plain_language=slug == "patient")
