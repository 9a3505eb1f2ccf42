"""Readers' follow-up questions: a small document the article page frames.

The article page is the same bytes for every anonymous reader (articles.public.page_cache), so the
form with its CSRF token lives in this separate document, which only our own origin may
frame. It is also a usable page of its own, for a reader who opens its address directly.
"""

from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods

from articles.forms import FollowUpQuestionForm
from articles.public.views import article_published_or_404, article_request_get
from articles.questions import follow_up_question_create
from articles.selectors import audience_from_slug

QUESTION_RATE_LIMIT = 5  # questions per client per window
QUESTION_RATE_WINDOW = 60 * 60  # seconds
QUESTION_RATE_KEY = "follow-up-questions:{client}"
TOO_MANY_QUESTIONS = "You have sent several questions in a short time: please try again later."
# django-stubs types project settings loosely; the policy is a directive -> sources mapping.
FRAME_DOCUMENT_CSP = cast(dict[str, list[str]], settings.FRAME_DOCUMENT_CSP)


def question_rate_exceeded(request: HttpRequest) -> bool:
    """Count this client's question; True past QUESTION_RATE_LIMIT in the window (the cache)."""
    key = QUESTION_RATE_KEY.format(client=request.META.get("REMOTE_ADDR", ""))
    cache.add(key, 0, QUESTION_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, QUESTION_RATE_WINDOW)
        count = 1
    return count > QUESTION_RATE_LIMIT


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
    if question_rate_exceeded(request):
        context["rate_limited"] = TOO_MANY_QUESTIONS
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
