"""Answers to readers' questions from reviewed text: passages of published articles.

Nothing is generated: a question is answered, at once, with the passages (top-level paragraphs
and list items, articles.markdown.passage_ranges) of published articles that best match it, at
the reader's level, else the canonical text, saying so. The passage index follows the search
documents (articles.search_documents calls `passages_write`): only published revisions are in
it. Ranking: PostgreSQL full text (websearch_to_tsquery over the words, any of them, ranked by
ts_rank) on a bounded set of candidates; elsewhere word overlap on a crude stem.

The reader then says whether the passages answered the question: yes closes it (counted), no
sends it, with the passages offered, to the editors' queue (as does a question for which none
was found).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from articles.errors import Reason, ReasonKind, refuse_if
from articles.models import (
    Article,
    ArticlePassage,
    AudienceLevel,
    FollowUpQuestion,
    ReviewStatus,
    Revision,
)
from articles.questions import follow_up_question_create, follow_up_question_mark
from articles.search_documents import SEARCH_CONFIG
from articles.selectors import article_review_dates, revision_newest
from articles.services import revision_create_draft, revision_edit

ANSWER_LIMIT = 3  # passages shown
ANSWER_CANDIDATES = 200  # passages ranked at most, whatever the number of matches
ANSWER_MAX_WORDS = 12
CAUTION_PENDING = "Exercise caution: this content is pending review by our advisory board."
CAUTION_NOT_APPROVED = "Exercise caution: this content has not been approved by our advisory board."
QUESTION_OUTCOME_NOT_OFFERED = "This question has already been {outcome}."

Outcome = FollowUpQuestion.Outcome
_WORD = re.compile(r"[^\W_]+")
# Words that say nothing of the topic: left out of the word-overlap fallback (PostgreSQL's
# english configuration drops its own stop words).
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "too",
        "up",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)


@dataclass(frozen=True)
class Answers:
    """The passages found for a question: `fallback` when they are of the canonical text
    because none at the reader's level matched."""

    passages: list[dict[str, Any]]
    fallback: bool


def _query_words(question: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(question)]
    return list(dict.fromkeys(w for w in words if w not in STOP_WORDS))[:ANSWER_MAX_WORDS]


def _stem(word: str) -> str:
    """A crude stem for the fallback: "pregnant" and "pregnancy" meet at "pregn"."""
    return word[:5] if len(word) > 5 else word.rstrip("s")


def uses_full_text() -> bool:
    """PostgreSQL full text, unless IMPRIMATUR_SEARCH asks for the simple word search (the
    same switch as the site's search, articles.public.search)."""
    return settings.IMPRIMATUR_SEARCH != "simple" and connection.vendor == "postgresql"


def _published_passages(audience: AudienceLevel) -> QuerySet[ArticlePassage]:
    # The index holds only published revisions; the join says so again, cheaply.
    return ArticlePassage.objects.filter(
        audience=audience, article__published_revision_id=F("revision_id")
    )


def _ranked_postgres(audience: AudienceLevel, words: list[str]) -> list[int]:
    """Any of the words (websearch `or`), stemmed by the english configuration, ranked by
    ts_rank among a bounded set of candidates from the GIN index."""
    search = SearchQuery(" or ".join(words), search_type="websearch", config=SEARCH_CONFIG)
    candidates = (
        _published_passages(audience)
        .filter(search_vector=search)
        .order_by()
        .values("pk")[:ANSWER_CANDIDATES]
    )
    return list(
        ArticlePassage.objects.filter(pk__in=candidates)
        .annotate(rank=SearchRank(F("search_vector"), search))
        .order_by("-rank", "article_id", "position")
        .values_list("pk", flat=True)[:ANSWER_LIMIT]
    )


def _ranked_fallback(audience: AudienceLevel, words: list[str]) -> list[int]:
    """Passages sharing the most stems with the question, among a bounded set of candidates
    containing any of them."""
    stems = {_stem(w) for w in words}
    match = Q()
    for stem in stems:
        match |= Q(text__icontains=stem)
    candidates = _published_passages(audience).filter(match).order_by("pk")[:ANSWER_CANDIDATES]
    scored = []
    for pk, text in candidates.values_list("pk", "text"):
        found = {_stem(w.lower()) for w in _WORD.findall(text)} & stems
        if found:
            scored.append((-len(found), pk))
    return [pk for _, pk in sorted(scored)[:ANSWER_LIMIT]]


def _ranked(audience: AudienceLevel, words: list[str]) -> list[int]:
    if not words:
        return []
    if uses_full_text():
        return _ranked_postgres(audience, words)
    return _ranked_fallback(audience, words)


def _caution(revision: Any, approved: bool) -> str:
    """The article page's caution banner, word for word (articles/article_detail.html)."""
    if approved:
        return ""
    withdrawn = revision.status == ReviewStatus.DRAFT and bool(revision.submitted_at)
    return CAUTION_NOT_APPROVED if withdrawn or revision.submitted_at is None else CAUTION_PENDING


def _shown(pks: list[int], audience: AudienceLevel) -> list[dict[str, Any]]:
    """The passages as the answer page shows them (and the editors' queue later): with the
    article's title, link, review status and last-reviewed date. One query for the
    passages, one per article for its review dates (at most ANSWER_LIMIT)."""
    rows = {
        p.pk: p
        for p in ArticlePassage.objects.filter(pk__in=pks).select_related(
            "article__published_revision"
        )
    }
    dates: dict[int, Any] = {}
    shown = []
    for pk in pks:
        passage = rows[pk]
        article = passage.article
        if article.pk not in dates:
            dates[article.pk] = article_review_dates(article=article)
        reviewed = dates[article.pk].last_reviewed
        approved = dates[article.pk].reviewed is not None
        url = f"{article.get_absolute_url()}?audience={audience.slug}#{passage.anchor}"
        shown.append(
            {
                "article_id": article.pk,
                "title": article.title,
                "url": url,
                "references_url": article.get_absolute_url() + f"?audience={audience.slug}",
                "audience": audience.label,
                "text": passage.text,
                "references": passage.references,
                "approved": approved,
                "caution": _caution(article.published_revision, approved),
                "last_reviewed": reviewed.date().isoformat() if reviewed else "",
            }
        )
    return shown


def answers_find(*, question: str, audience: AudienceLevel) -> Answers:
    """The passages of published articles that best answer `question` at `audience`, else at
    the canonical level (`fallback`); none when nothing matches. Nothing is generated."""
    words = _query_words(question)
    pks = _ranked(audience, words)
    if pks or audience.is_canonical:
        return Answers(passages=_shown(pks, audience), fallback=False)
    canonical = AudienceLevel.objects.filter(is_canonical=True).first()
    if canonical is None:
        return Answers(passages=[], fallback=False)
    pks = _ranked(canonical, words)
    return Answers(passages=_shown(pks, canonical), fallback=bool(pks))


# The reader's question and its outcome ------------------------------------------------------


def follow_up_question_ask(
    *,
    article: Article,
    audience: AudienceLevel,
    question: str,
    email: str = "",
    request_key: str = "",
) -> FollowUpQuestion:
    """Store a reader's question with the passages offered at once; with none, it goes
    straight to the editors' queue. Asked again with the `request_key` of its form (a double
    tap, a retry), the question already asked is returned instead of a second one: the caller
    looks for it first (follow_up_question_asked, before counting the reader's rate), and the
    key's unique index answers a request sent at the same moment."""
    found = answers_find(question=question, audience=audience)
    try:
        with transaction.atomic():
            return follow_up_question_create(
                article=article,
                audience=audience,
                question=question,
                email=email,
                offered=found.passages,
                offered_count=len(found.passages),
                offered_fallback=found.fallback,
                outcome=Outcome.OFFERED if found.passages else Outcome.QUEUED,
                outcome_at=None if found.passages else timezone.now(),
                request_key=request_key,
            )
    except IntegrityError:  # the same form's other request, at the same moment
        if (earlier := follow_up_question_asked(request_key=request_key)) is None:
            raise
        return earlier


def follow_up_question_asked(*, request_key: str) -> FollowUpQuestion | None:
    """The question already asked with the form whose key is `request_key` (none without a
    key): sent again, the form is answered with it, and asks nothing more."""
    if not request_key:
        return None
    return FollowUpQuestion.objects.filter(request_key=request_key).first()


# A reader who has not said whether the passages answered within this long has left: their
# question goes to the editors all the same (follow_up_questions_unsaid_send).
READER_SAYS_WITHIN = timedelta(hours=1)


def follow_up_questions_unsaid_send(*, now: datetime | None = None) -> int:
    """Send the editors every question whose reader left without saying whether the passages
    offered answered it (READER_SAYS_WITHIN after it was asked): a question asked is never
    lost. The reader may still say afterwards (follow_up_question_settle). Returns how many
    went; one statement over the index of the questions awaiting their reader."""
    now = now or timezone.now()
    return FollowUpQuestion.objects.filter(
        outcome=Outcome.OFFERED, created_at__lt=now - READER_SAYS_WITHIN
    ).update(outcome=Outcome.UNSAID, outcome_at=now)


def follow_up_question_settle_blockers(*, question: FollowUpQuestion) -> list[Reason]:
    """Why the reader cannot say yes or no to the passages any more (empty: they can: while
    the passages await them, and once sent to the editors for want of their answer)."""
    if question.outcome in (Outcome.OFFERED, Outcome.UNSAID):
        return []
    outcome = "answered" if question.outcome == Outcome.ANSWERED else "sent to our editors"
    message = QUESTION_OUTCOME_NOT_OFFERED.format(outcome=outcome)
    return [Reason("question-outcome", message, kind=ReasonKind.STATE)]


def follow_up_question_settle(*, question: FollowUpQuestion, answered: bool) -> FollowUpQuestion:
    """The reader's "Did this answer your question?": yes closes the question (answered at
    once), no sends it to the editors' queue with the passages offered (where it may be
    already, the reader having been slow to say). Raises a state refusal when the reader
    already said."""
    with transaction.atomic():
        question = FollowUpQuestion.objects.select_for_update().get(pk=question.pk)
        refuse_if(follow_up_question_settle_blockers(question=question))
        question.outcome = Outcome.ANSWERED if answered else Outcome.QUEUED
        question.outcome_at = timezone.now()
        fields = ["outcome", "outcome_at"]
        if answered:
            question.state = FollowUpQuestion.State.ANSWERED
            question.state_changed_at = question.outcome_at
            fields += ["state", "state_changed_at"]
        question.save(update_fields=fields)
    return question


# An editor's answer into the article ----------------------------------------------------------

QUESTIONS_HEADING = "## Questions readers asked"


def questions_section_add(text: str, *, question: str, answer: str) -> str:
    """`text` with the question (a heading) and its answer at the end of its "Questions readers
    asked" section, which is added at the end when there is none."""
    entry = f"### {' '.join(question.split())}\n\n{answer.strip()}"
    lines = text.rstrip().split("\n") if text.strip() else []
    if QUESTIONS_HEADING not in lines:
        return "\n\n".join(part for part in (text.rstrip(), QUESTIONS_HEADING, entry) if part)
    start = lines.index(QUESTIONS_HEADING)
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(r"#{1,2} ", lines[i])), len(lines)
    )
    before = "\n".join(lines[:end]).rstrip()
    after = "\n".join(lines[end:]).strip()
    return "\n\n".join(part for part in (before, entry, after) if part)


def follow_up_question_to_article(
    *, question: FollowUpQuestion, answer: str, actor: Any
) -> Revision:
    """Add the question and `answer` to the "Questions readers asked" section of the
    article's canonical text in its next revision (its open draft, else a new one): the entry
    is reviewed like any other text. Marks the question answered. Callers check that `actor`
    is an editor (editorial.permissions.can_handle_questions)."""
    with transaction.atomic():
        article = question.article
        draft = revision_newest(article=article)
        if draft is None or not draft.is_editable:
            draft = revision_create_draft(article=article, author=actor)
        canonical = AudienceLevel.objects.get(is_canonical=True)
        body = draft.bodies.filter(audience=canonical).first()
        text = questions_section_add(
            body.body if body else "", question=question.question, answer=answer
        )
        revision_edit(revision=draft, editor=actor, bodies={canonical: text})
        if question.state == FollowUpQuestion.State.NEW:
            question = follow_up_question_mark(
                question=question, state=FollowUpQuestion.State.ANSWERED, actor=actor
            )
        question.answer = answer.strip()
        question.answer_revision = draft
        question.save(update_fields=["answer", "answer_revision"])
    return draft
