"""Comments on the review page: each audience version's text with its open threads
highlighted, and the threads beside it; commenting on a passage selected in that text (or
copied into the version's form without JavaScript), replying, resolving and reopening.

With htmx each answer is the version's threads, its text again (the highlights follow) and,
after a comment, a fresh form; without, a redirect to the thread. Thin: one service acts.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from articles.models import AudienceBody, AudienceLevel, ReferenceVersion, Revision
from articles.plain_language import PlainLanguage
from articles.references.rendering import (
    ListedReference,
    body_render,
    revision_cited_versions,
)
from articles.selectors import BodyStatus
from editorial import comments, permissions, workflow
from editorial.highlights import passages_highlight
from editorial.models import ReviewComment
from editorial.selectors import comment_threads, comments_for_user, revisions_for_user
from editorial.workspace.common import done_once, workspace_user
from editorial.workspace.forms import CommentForm, ReplyForm

DONE = {
    "comment": "Comment added.",
    "reply": "Reply added.",
    "resolve": "Comment resolved.",
    "reopen": "Comment reopened.",
}


@dataclass(frozen=True)
class BodyView:
    """One audience body as readers will read it: numbered citations linked to its list of
    the cited (pinned) versions, its open threads highlighted, and the threads beside it."""

    audience: AudienceLevel
    html: SafeString
    references: list[ListedReference]
    threads: list[ReviewComment]
    located: frozenset[int]  # threads whose passage is highlighted (the margin links to it)
    status: BodyStatus | None = None  # out-of-date mark and readability against the target
    plain: PlainLanguage | None = None  # marks, and the checklist of a plain-language version
    comment_form: CommentForm | None = None


def body_view(
    *,
    body: AudienceBody,
    versions: dict[str, ReferenceVersion],
    threads: list[ReviewComment],
    status: BodyStatus | None = None,
    plain: PlainLanguage | None = None,
    can_comment: bool = False,
) -> BodyView:
    """`body` rendered with its references and the highlights of its threads among `threads`
    (with their authors). No query."""
    audience = body.audience
    rendered = body_render(text=body.body, versions=versions, anchor_prefix=f"ref-{audience.slug}-")
    mine = [thread for thread in threads if thread.audience_id == audience.pk]
    highlighted = passages_highlight(html=rendered.html, threads=mine)
    return BodyView(
        audience=audience,
        html=highlighted.html,
        references=rendered.references,
        threads=mine,
        located=highlighted.located,
        status=status,
        plain=plain,
        comment_form=CommentForm.for_audience(audience) if can_comment else None,
    )


def _review_url(revision_pk: int) -> str:
    return reverse("editorial:review", kwargs={"pk": revision_pk})


def _is_htmx(request: HttpRequest) -> bool:
    """Sent by htmx: answer with a fragment of the review page instead of a redirect."""
    return request.headers.get("HX-Request") == "true"


def _threads_answer(
    request: HttpRequest,
    *,
    revision: Revision,
    audience: AudienceLevel,
    notice: str = "",
    error: str = "",
    new_thread: ReviewComment | None = None,
) -> HttpResponse:
    """For htmx: the threads beside one audience body, and out of band its text with the
    highlights as they are now (and, after a new thread, an empty form)."""
    user = workspace_user(request)
    threads = list(comment_threads(revision=revision).filter(audience=audience))
    body = revision.bodies.select_related("audience").filter(audience=audience).first()
    view = (
        body_view(body=body, versions=revision_cited_versions(revision=revision), threads=threads)
        if body is not None
        else None
    )
    context = {
        "revision": revision,
        "audience": audience,
        "threads": threads,
        "located": view.located if view else frozenset(),
        "can_comment": permissions.can_comment.test(user, revision),
        "is_editor": permissions.is_editor.test(user),
        "thread_notice": notice,
        "thread_error": error,
        "new_thread": new_thread,
    }
    html = render_to_string("editorial/partials/thread_list.html", context, request=request)
    if view is not None:
        html += render_to_string(
            "editorial/partials/review_text.html", {"body": view, "oob": True}, request=request
        )
    if new_thread is not None:
        html += render_to_string(
            "editorial/partials/comment_form.html",
            {
                "revision": revision,
                "audience": audience,
                "comment_form": CommentForm.for_audience(audience),
                "oob": True,
            },
            request=request,
        )
    response = HttpResponse(html)
    return reswap(retarget(response, f"#threads-{audience.slug}"), "outerHTML")


def _form_error(message: str) -> HttpResponse:
    # 200, not 400: htmx swaps only successful answers, and this one is shown in the form.
    return HttpResponse(format_html('<p class="field-error" role="alert">{}</p>', message))


@login_required
@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A thread on a passage of one audience version (the form of its section says which)."""
    user = workspace_user(request)
    revision = get_object_or_404(revisions_for_user(user=user), pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        if _is_htmx(request):
            return _form_error("Check the comment: " + form.errors.as_text())
        messages.error(request, "Check the comment: " + form.errors.as_text())
        return redirect(_review_url(revision.pk))
    data = form.cleaned_data

    def comment() -> int:
        return comments.comment_create(
            revision=revision,
            actor=user,
            audience=data["audience"],
            quoted_text=data["quoted_text"],
            offset=data["offset"],
            body=data["body"],
            severity=data["severity"],
        ).pk

    try:
        # Sent twice (a double click): one comment, both answered with it.
        done = done_once(request, action="comment", perform=comment)
    except workflow.WorkflowError as exc:
        if _is_htmx(request):
            return _form_error(str(exc))
        messages.error(request, str(exc))
        return redirect(_review_url(revision.pk))
    if _is_htmx(request):
        return _threads_answer(
            request,
            revision=revision,
            audience=data["audience"],
            notice=DONE["comment"],
            new_thread=ReviewComment.objects.get(pk=done.object_id),
        )
    messages.success(request, DONE["comment"])
    return redirect(_review_url(revision.pk) + f"#comment-{done.object_id}")


def _comment(request: HttpRequest, pk: int) -> ReviewComment:
    return get_object_or_404(comments_for_user(user=workspace_user(request)), pk=pk)


@login_required
@require_POST
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _comment(request, pk)
    form = ReplyForm(request.POST)

    def reply() -> int:
        return comments.comment_reply(
            parent=parent, actor=workspace_user(request), body=form.data.get("body", "")
        ).pk

    try:
        done_once(request, action=f"reply-{parent.pk}", perform=reply)  # a double click: once
    except workflow.WorkflowError as exc:
        if _is_htmx(request):
            return _threads_answer(
                request, revision=parent.revision, audience=parent.audience, error=str(exc)
            )
        messages.error(request, str(exc))
    else:
        if _is_htmx(request):
            return _threads_answer(
                request, revision=parent.revision, audience=parent.audience, notice=DONE["reply"]
            )
        messages.success(request, DONE["reply"])
    return redirect(_review_url(parent.revision_id) + f"#comment-{parent.pk}")


@login_required
@require_POST
def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve the thread, or reopen it (`reopen=1`): its highlight goes or comes back."""
    comment = _comment(request, pk)
    reopen = request.POST.get("reopen") == "1"
    action = comments.comment_reopen if reopen else comments.comment_resolve
    done = DONE["reopen" if reopen else "resolve"]

    def act() -> int:
        action(comment=comment, actor=workspace_user(request))
        return comment.pk

    try:  # a double click: resolved (or reopened) once
        done_once(request, action=f"{'reopen' if reopen else 'resolve'}-{pk}", perform=act)
    except workflow.WorkflowError as exc:
        if _is_htmx(request):
            return _threads_answer(
                request, revision=comment.revision, audience=comment.audience, error=str(exc)
            )
        messages.error(request, str(exc))
    else:
        if _is_htmx(request):
            return _threads_answer(
                request, revision=comment.revision, audience=comment.audience, notice=done
            )
        messages.success(request, done)
    return redirect(_review_url(comment.revision_id) + f"#comment-{comment.pk}")
