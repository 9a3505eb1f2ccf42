"""Readers' follow-up questions: stored from the public page's frame, handled by editors.

One table says what an editor may do with a question in each state, with the words of its
button; the action and the editors' page both read it.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from articles.errors import Reason, ReasonKind, refuse_if
from articles.models import Article, AudienceLevel, FollowUpQuestion

QUESTION_STATE_NOT_ALLOWED = "This question is already {state}: it cannot be marked {target}."

State = FollowUpQuestion.State


@dataclass(frozen=True)
class QuestionMove:
    target: str  # the state it moves the question to
    label: str  # its button


# What an editor may do with a question in each state.
QUESTION_MOVES: dict[str, list[QuestionMove]] = {
    State.NEW: [
        QuestionMove(State.ANSWERED, "Mark answered"),
        QuestionMove(State.SPAM, "Mark spam"),
    ],
    State.ANSWERED: [QuestionMove(State.NEW, "Reopen")],
    State.SPAM: [QuestionMove(State.NEW, "Reopen")],
}


def follow_up_question_create(
    *, article: Article, audience: AudienceLevel, question: str, email: str = "", **more: Any
) -> FollowUpQuestion:
    """Store a reader's question on the article's published revision, read at `audience`,
    with `more` of its fields (what was offered, the form's key: articles.answers)."""
    return FollowUpQuestion.objects.create(
        article=article,
        revision_id=article.published_revision_id,
        audience=audience,
        question=question,
        email=email,
        **more,
    )


def follow_up_question_mark_blockers(*, question: FollowUpQuestion, state: str) -> list[Reason]:
    """Why the question cannot be marked `state` from the state it is in (empty: it can)."""
    if state in {move.target for move in QUESTION_MOVES.get(question.state, [])}:
        return []
    target = State(state).label.lower() if state in State.values else state
    message = QUESTION_STATE_NOT_ALLOWED.format(
        state=question.get_state_display().lower(), target=target
    )
    return [Reason("question-state", message, kind=ReasonKind.STATE)]


def follow_up_question_mark(*, question: FollowUpQuestion, state: str, actor) -> FollowUpQuestion:  # type: ignore[no-untyped-def]
    """Mark a reader's question answered or spam, or reopen it (back to new).

    Callers check that `actor` is an editor (editorial.permissions.can_handle_questions).
    Raises a state refusal (QUESTION_STATE_NOT_ALLOWED) when the question's current state does
    not allow it; nothing changes then.
    """
    with transaction.atomic():
        question = FollowUpQuestion.objects.select_for_update().get(pk=question.pk)
        refuse_if(follow_up_question_mark_blockers(question=question, state=state))
        question.state = state
        question.state_changed_at = timezone.now()
        question.state_changed_by = actor
        question.save(update_fields=["state", "state_changed_at", "state_changed_by"])
    return question
