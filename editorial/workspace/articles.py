"""The editorial workspace's article pages: creating one, its details, its overview and a new
draft (the editor itself is editorial.workspace.editor).

Views validate input, read through the user-scoped selectors and call one service or workflow
action; permission is asked of editorial.permissions, never decided here.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.errors import ActionRefused
from articles.markdown import markdown_to_html
from articles.models import AudienceLevel, ChangeKind, Revision
from articles.selectors import (
    BodyStatus,
    audience_levels,
    revision_body_statuses,
    revision_newest,
)
from articles.services import (
    ARTICLE_EDITABLE_FIELDS,
    ContentError,
    article_create,
    article_details_update,
    revision_create_draft,
)
from editorial import permissions, workflow
from editorial.selectors import (
    articles_for_user,
    audit_events_visible,
    board_members_assignable,
    citations_flagged_for_user,
    revision_assignments_visible,
    revision_decisions_visible,
    revisions_for_user,
)
from editorial.workspace.common import done_once, require, workspace_user
from editorial.workspace.dashboard import flagged_by_article
from editorial.workspace.forms import ArticleDetailsForm
from editorial.workspace.transitions import offered

DRAFT_STARTED = "Revision {number} started as a new draft."
ARTICLE_CREATED = "Article created with an empty first draft: write it below."
DETAILS_SAVED = "The article's details are saved."
DETAILS_UNCHANGED = "Nothing changed."
TRAIL_SHOWN = 10  # the article page's latest audit events; the history page has them all


@dataclass(frozen=True)
class RenderedBody:
    audience: AudienceLevel
    html: str
    status: BodyStatus


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    user = workspace_user(request)
    if not permissions.is_editor.test(user):
        raise PermissionDenied
    form = ArticleDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:  # sent twice (a double click): one article, both sent to its editor
            done = done_once(
                request,
                action="article-create",
                perform=lambda: article_create(author=user, **form.cleaned_data).pk,
            )
        except ActionRefused as exc:
            form.add_error("slug", str(exc))
        else:
            messages.success(request, ARTICLE_CREATED)
            return redirect("editorial:article_edit", pk=done.object_id)
    status = 400 if form.errors else 200
    return render(request, "editorial/article_create.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def article_details(request: HttpRequest, pk: int) -> HttpResponse:
    """An article's title, topic, address and review interval, changed by an editor; the old
    address then redirects to the new one."""
    user = require(request, permissions.can_edit)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    initial = {name: getattr(article, name) for name in ARTICLE_EDITABLE_FIELDS}
    form = ArticleDetailsForm(request.POST or None, initial=initial, current_topic=article.topic)
    if request.method == "POST" and form.is_valid():
        changes = form.changes(article)
        try:
            if changes:
                article_details_update(article=article, changes=changes)
        except ActionRefused as exc:
            form.add_error("slug", str(exc))
        else:
            messages.success(request, DETAILS_SAVED if changes else DETAILS_UNCHANGED)
            return redirect("editorial:article", pk=article.pk)
    old_slugs = list(article.old_slugs.values_list("slug", flat=True))
    context = {"article": article, "form": form, "old_slugs": old_slugs}
    return render(
        request, "editorial/article_details.html", context, status=400 if form.errors else 200
    )


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = workspace_user(request)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    revisions = revisions_for_user(user=user).filter(article=article).order_by("-number")
    newest = revision_newest(article=article)
    context: dict[str, object] = {
        "article": article,
        "revisions": revisions,
        "newest": newest,
        "can_edit": permissions.can_edit.test(user),
        "audit_events": audit_events_visible(user=user, article=article).order_by(
            "-created_at", "-pk"
        )[:TRAIL_SHOWN],
        "flagged": flagged_by_article(citations_flagged_for_user(user=user, article_id=article.pk)),
        "trail_shown": TRAIL_SHOWN,
    }
    if newest is not None:
        states = workflow.transitions_state(revision=newest, actor=user)
        available = [state.name for state in states if state.allowed]
        can_view = permissions.can_view_revision.test(user, newest)
        statuses = revision_body_statuses(revision=newest) if can_view else []
        context |= {
            "can_view_newest": can_view,
            "bodies": [
                RenderedBody(s.body.audience, markdown_to_html(s.body.body), s) for s in statuses
            ],
            "assignments": revision_assignments_visible(user=user, revision=newest),
            "decisions": revision_decisions_visible(user=user, revision=newest),
            # Unpublish acts on the whole article: its form stands apart from the buttons.
            "transitions": offered(states, exclude=(workflow.UNPUBLISH,)),
            "can_unpublish": workflow.UNPUBLISH in available,
            "can_publish_newest": workflow.PUBLISH in available,
            "eligible_reviewers": (
                board_members_assignable(revision=newest) if "assign-reviewer" in available else []
            ),
            # The last round's reviewers, to invite again in one step.
            "invite_again": (
                list(workflow.last_round_reviewers(revision=newest))
                if "assign-reviewer" in available
                else []
            ),
            # The submit form asks what the revision changes; before readers saw the article
            # it can only be new (the submit guard says so), so that is chosen for the editor.
            "change_kinds": ChangeKind.choices,
            # A summary per level where it differs, for readers of the other levels.
            "change_levels": (
                [level for level in audience_levels() if not level.is_canonical]
                if workflow.SUBMIT in available
                else []
            ),
            "change_suggested": (
                ChangeKind.NEW_ARTICLE
                if workflow.SUBMIT in available and not workflow.article_was_published(newest)
                else ""
            ),
        }
    return render(request, "editorial/article_detail.html", context)


@login_required
@require_POST
def revision_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = workspace_user(request)
    if not permissions.can_edit.test(user):
        raise PermissionDenied
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    try:  # sent twice (a double click): one draft, both answered alike
        done = done_once(
            request,
            action=f"revision-new-{article.pk}",
            perform=lambda: revision_create_draft(article=article, author=user).pk,
        )
    except ContentError as exc:
        messages.error(request, str(exc))
    else:
        number = Revision.objects.values_list("number", flat=True).get(pk=done.object_id)
        messages.success(request, DRAFT_STARTED.format(number=number))
    return redirect("editorial:article_edit", pk=article.pk)
