"""Readers' follow-up questions: a small document the article page frames.

The article page is the same bytes for every anonymous reader (articles.public.page_cache), so the
form with its CSRF token lives in this separate document, which only our own origin may
frame. It is also a usable page of its own, for a reader who opens its address directly.
"""

from typing import cast

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods, require_safe

from articles.answers import (
    follow_up_question_ask,
    follow_up_question_asked,
    follow_up_question_settle,
    follow_up_question_settle_blockers,
)
from articles.errors import ActionRefused
from articles.forms import FollowUpQuestionForm
from articles.models import FollowUpQuestion
from articles.public.throttles import TRY_LATER, over_limit, wait_words
from articles.public.views import article_published_or_404, article_request_get
from articles.selectors import audience_from_slug

QUESTIONS = "questions-client"  # the rate in IMPRIMATUR_RATES
# The answer page's address carries the question signed: only the reader who asked has it.
ANSWER_SALT = "articles.question-answer"
ANSWER_CHOICE_INVALID = "Choose yes or no."
# django-stubs types project settings loosely; the policy is a directive -> sources mapping.
FRAME_DOCUMENT_CSP = cast(dict[str, list[str]], settings.FRAME_DOCUMENT_CSP)


@never_cache  # the form carries the reader's CSRF token
@xframe_options_sameorigin
@csp_override(FRAME_DOCUMENT_CSP)
@require_http_methods(["GET", "POST"])
def article_question_ask(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the question form for the level `?audience=` names. POST: validated, rate-limited
    per client, stored, then the thanks document; else the form again with the reader's text
    (400, or 429 past the rate limit)."""
    found = article_request_get(request, slug)
    if found is None:
        raise Http404("No published article here.")
    audience = audience_from_slug(found.levels, request.POST.get("audience")) or found.audience
    form = FollowUpQuestionForm(request.POST if request.method == "POST" else None)
    context: dict[str, object] = {"article": found.article, "audience": audience, "form": form}
    if request.method == "GET":
        return render(request, "articles/question_form.html", context)
    if not form.is_valid():
        return render(request, "articles/question_form.html", context, status=400)
    request_key = form.cleaned_data["idempotency_key"]
    # The same form sent again (a double tap, a retry) asked nothing new: it is not counted
    # against the reader's rate, and is answered as the first time.
    question = follow_up_question_asked(request_key=request_key)
    if question is None:
        if over_limit(request, QUESTIONS):
            context["rate_limited"] = TRY_LATER.format(wait=wait_words(QUESTIONS))
            return render(request, "articles/question_form.html", context, status=429)
        question = follow_up_question_ask(
            article=found.article,
            audience=audience,
            question=form.cleaned_data["question"],
            email=form.cleaned_data["email"],
            request_key=request_key,
        )
    if question.outcome == FollowUpQuestion.Outcome.OFFERED:
        return redirect(
            "articles:question_answer", slug=found.article.slug, token=answer_token(question)
        )
    return redirect("articles:question_thanks", slug=found.article.slug)


def answer_token(question: FollowUpQuestion) -> str:
    """The answer page's part of the address for `question`."""
    return signing.dumps(question.pk, salt=ANSWER_SALT)


def _question_from_token(slug: str, token: str) -> FollowUpQuestion:
    try:
        pk = signing.loads(token, salt=ANSWER_SALT)
    except signing.BadSignature:
        raise Http404("No such question.") from None
    question = (
        FollowUpQuestion.objects.select_related("article", "audience")
        .filter(pk=pk, article__slug=slug)
        .first()
    )
    if question is None:
        raise Http404("No such question.")
    return question


@never_cache
@xframe_options_sameorigin
@csp_override(FRAME_DOCUMENT_CSP)
@require_http_methods(["GET", "POST"])
def article_question_answer(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """GET: the passages offered for the reader's question, and "Did this answer your
    question?". POST `answered=yes|no`: yes closes it, no sends it to the editors with the
    passages offered (articles.answers.follow_up_question_settle); then the thanks document.
    Only the address the reader was sent to opens it (a signed question id)."""
    question = _question_from_token(slug, token)
    context: dict[str, object] = {
        "question": question,
        "article": question.article,
        "may_say": not follow_up_question_settle_blockers(question=question),
    }
    if request.method == "GET":
        return render(request, "articles/question_answer.html", context)
    choice = request.POST.get("answered")
    if choice not in {"yes", "no"}:
        context["error"] = ANSWER_CHOICE_INVALID
        return render(request, "articles/question_answer.html", context, status=400)
    try:
        follow_up_question_settle(question=question, answered=choice == "yes")
    except ActionRefused as exc:
        context["error"] = str(exc)
        return render(request, "articles/question_answer.html", context, status=409)
    if choice == "yes":
        return redirect("articles:question_answered", slug=question.article.slug)
    return redirect("articles:question_thanks", slug=question.article.slug)


@xframe_options_sameorigin
@csp_override(FRAME_DOCUMENT_CSP)
@require_safe
def article_question_answered(request: HttpRequest, slug: str) -> HttpResponse:
    """After "yes": glad it helped, in the frame."""
    article = article_published_or_404(slug=slug)
    return render(request, "articles/question_answered.html", {"article": article})


@xframe_options_sameorigin
@csp_override(FRAME_DOCUMENT_CSP)
@require_safe
def article_question_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """The thank-you document, in the frame where the question was asked."""
    article = article_published_or_404(slug=slug)
    return render(request, "articles/question_thanks.html", {"article": article})
