"""Readers' follow-up questions: a small document the article page frames.

The article page is the same bytes for every anonymous reader (articles.public.page_cache), so the
form with its CSRF token lives in this separate document, which only our own origin may
frame. It is also a usable page of its own, for a reader who opens its address directly.
"""

from typing import cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods

from articles.forms import FollowUpQuestionForm
from articles.public.throttles import TRY_LATER, over_limit, wait_words
from articles.public.views import article_published_or_404, article_request_get
from articles.questions import follow_up_question_create
from articles.selectors import audience_from_slug

QUESTIONS = "questions-client"  # the rate in IMPRIMATUR_RATES
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
    if over_limit(request, QUESTIONS):
        context["rate_limited"] = TRY_LATER.format(wait=wait_words(QUESTIONS))
        return render(request, "articles/question_form.html", context, status=429)
    follow_up_question_create(
        article=found.article,
        audience=audience,
        question=form.cleaned_data["question"],
        email=form.cleaned_data["email"],
    )
    return redirect("articles:question_thanks", slug=found.article.slug)


@xframe_options_sameorigin
@csp_override(FRAME_DOCUMENT_CSP)
@require_GET
def article_question_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """The thank-you document, in the frame where the question was asked."""
    article = article_published_or_404(slug=slug)
    return render(request, "articles/question_thanks.html", {"article": article})
