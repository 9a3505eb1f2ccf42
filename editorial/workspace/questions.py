"""Readers' follow-up questions in the workspace: the editors' list and marking them.

Questions are asked in the public article page's frame (articles.public.question_views); here
editors read them with the article, audience and revision they came from, and mark each one
answered or spam, or reopen it (articles.questions).
"""

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.answers import follow_up_question_to_article
from articles.errors import ActionRefused
from articles.models import FollowUpQuestion, Revision
from articles.questions import QUESTION_MOVES, follow_up_question_mark
from articles.services import ContentError
from editorial import permissions
from editorial.models import User
from editorial.selectors import follow_up_question_counts, follow_up_questions_for_user
from editorial.workspace.common import done_once
from editorial.workspace.forms import QuestionAnswerForm, QuestionFilterForm, QuestionMarkForm

QUESTIONS_PAGE_SIZE = 20
QUESTION_MARKED = "Question on “{title}” marked {state}."
QUESTION_REOPENED = "Question on “{title}” reopened: it is new again."
QUESTION_MARK_INVALID = "Choose answered, spam or new for the question."
QUESTION_ANSWER_ADDED = (
    "Question and answer added to revision {number} of “{title}”: they will be reviewed with it."
)
# The buttons each state shows: (new state, label).


def _editor(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not permissions.can_handle_questions.test(user):
        raise PermissionDenied
    return user


@login_required
@require_GET
def questions(request: HttpRequest) -> HttpResponse:
    """Readers' questions in one state (default new), newest first, paginated."""
    user = _editor(request)
    state = QuestionFilterForm(request.GET).state_or_default()
    page = Paginator(follow_up_questions_for_user(user=user, state=state), QUESTIONS_PAGE_SIZE)
    page_obj = page.get_page(request.GET.get("page"))
    counts = follow_up_question_counts(user=user)
    context = {
        "state": state,
        "state_label": FollowUpQuestion.State(state).label,
        "filters": [
            (value, label, counts[value]) for value, label in FollowUpQuestion.State.choices
        ],
        "page": page_obj,
        "actions": QUESTION_MOVES[state],
    }
    return render(request, "editorial/questions.html", context)


@login_required
@require_POST
def question_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one question answered or spam, or reopen it; back to the list it was shown in."""
    user = _editor(request)
    question = get_object_or_404(follow_up_questions_for_user(user=user), pk=pk)
    form = QuestionMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, QUESTION_MARK_INVALID)
        return redirect("editorial:questions")
    target = form.cleaned_data["state"]

    def mark() -> int:
        follow_up_question_mark(question=question, state=target, actor=user)
        return question.pk

    try:  # sent twice (a double click): marked once, both answered alike
        done_once(request, action=f"question-mark-{question.pk}-{target}", perform=mark)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        title = question.article.title
        if target == FollowUpQuestion.State.NEW:
            messages.success(request, QUESTION_REOPENED.format(title=title))
        else:
            label = FollowUpQuestion.State(target).label.lower()
            messages.success(request, QUESTION_MARKED.format(title=title, state=label))
    back = {"state": form.cleaned_data["return_state"] or question.state}
    if form.cleaned_data["page"]:
        back["page"] = form.cleaned_data["page"]
    return HttpResponseRedirect(f"{reverse('editorial:questions')}?{urlencode(back)}")


@login_required
@require_http_methods(["GET", "POST"])
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the question with the passages it was offered, and a form for the answer. POST:
    the answer into the "Questions readers asked" section of the article's next revision
    (articles.answers.follow_up_question_to_article), then that revision's editor; a form
    error (400) keeps the text."""
    user = _editor(request)
    question = get_object_or_404(follow_up_questions_for_user(user=user), pk=pk)
    form = QuestionAnswerForm(request.POST if request.method == "POST" else None)
    context = {"question": question, "form": form}
    if request.method == "GET":
        return render(request, "editorial/question_answer.html", context)
    if not form.is_valid():
        return render(request, "editorial/question_answer.html", context, status=400)
    try:  # sent twice (a double click): added once, both answered alike
        done = done_once(
            request,
            action=f"question-answer-{question.pk}",
            perform=lambda: (
                follow_up_question_to_article(
                    question=question, answer=form.cleaned_data["answer"], actor=user
                ).pk
            ),
        )
    except (ActionRefused, ContentError) as exc:
        context["error"] = str(exc)
        return render(request, "editorial/question_answer.html", context, status=409)
    number = Revision.objects.values_list("number", flat=True).get(pk=done.object_id)
    messages.success(
        request, QUESTION_ANSWER_ADDED.format(number=number, title=question.article.title)
    )
    return redirect("editorial:article_edit", pk=question.article_id)
