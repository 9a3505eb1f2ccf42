"""The editorial workspace: dashboard, article overview, editing and the transition buttons.

Views validate input, read through the user-scoped selectors and call one service or workflow
action; permission is asked of editorial.permissions, never decided here.
"""

from dataclasses import dataclass
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.markdown import markdown_to_html
from articles.models import Article, AudienceLevel, FollowUpQuestion, ReviewStatus, Revision
from articles.readability import Report, score_text
from articles.selectors import BodyStatus, revision_body_statuses
from articles.services import ContentError, article_create, revision_create_draft, revision_edit
from editorial import permissions, workflow
from editorial.forms import ArticleCreateForm, RevisionEditForm, TransitionForm
from editorial.models import User
from editorial.selectors import (
    articles_for_user,
    articles_waiting_for_editors,
    assignments_for_user,
    audit_events_for_user,
    board_members_assignable,
    follow_up_questions_for_user,
    my_drafts,
    my_pending_reviews,
    revisions_for_user,
)

ACTION_LABELS = {
    "submit": "Submit",
    "assign-reviewer": "Assign reviewer",
    "approve": "Approve",
    "request-changes": "Request changes",
    "withdraw": "Withdraw",
    workflow.PUBLISH: "Publish",
}
TRANSITION_DONE = "{label}: done for revision {number}."
REVISION_SAVED = "Revision {number} saved."
DRAFT_STARTED = "Revision {number} started as a new draft."
ARTICLE_CREATED = "Article created with an empty first draft: write it below."
NO_REVISION = "This article has no revision yet."


@dataclass(frozen=True)
class ArticleRow:
    """An article from articles_with_status() with the label of its newest status."""

    article: Article
    status: str
    status_label: str


@dataclass(frozen=True)
class RenderedBody:
    audience: AudienceLevel
    html: str
    status: BodyStatus


@dataclass(frozen=True)
class EditorTab:
    """One audience level in the editor: its textarea, out-of-date mark and live readability."""

    level: AudienceLevel
    field: object
    may_be_out_of_date: bool
    readability: Report
    has_errors: bool


def _user(request: HttpRequest) -> User:
    # Only called behind login_required: the user is authenticated.
    return cast(User, request.user)


def _rows(articles: QuerySet[Article]) -> list[ArticleRow]:
    rows = []
    for article in articles:
        status = getattr(article, "status", None) or ""
        label = ReviewStatus(status).label if status else "No revision"
        rows.append(ArticleRow(article=article, status=status, status_label=label))
    return rows


def _newest_revision(article: Article) -> Revision:
    revision = (
        article.revisions.select_related("article", "author", "last_edited_by")
        .order_by("-number")
        .first()
    )
    if revision is None:
        raise Http404(NO_REVISION)
    return revision


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    is_editor = permissions.is_editor.test(user)
    is_board_member = permissions.is_board_member.test(user)
    context = {
        "is_editor": is_editor,
        "is_board_member": is_board_member,
        "drafts": my_drafts(user=user) if is_editor else [],
        "waiting_articles": _rows(articles_waiting_for_editors()) if is_editor else [],
        "pending_reviews": my_pending_reviews(user=user) if is_board_member else [],
        "assignments": (
            assignments_for_user(user=user).filter(reviewer=user) if is_board_member else []
        ),
        "articles": _rows(articles_for_user(user=user)),
        "new_questions": (
            follow_up_questions_for_user(user=user, state=FollowUpQuestion.State.NEW).count()
            if is_editor
            else None
        ),
    }
    return render(request, "editorial/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.is_editor.test(user):
        raise PermissionDenied
    form = ArticleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        article = article_create(
            slug=form.cleaned_data["slug"],
            title=form.cleaned_data["title"],
            topic=form.cleaned_data["topic"],
            author=user,
        )
        messages.success(request, ARTICLE_CREATED)
        return redirect("editorial:article_edit", pk=article.pk)
    return render(request, "editorial/article_create.html", {"form": form})


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    revisions = revisions_for_user(user=user).filter(article=article).order_by("-number")
    newest = article.revisions.select_related("article").order_by("-number").first()
    context: dict[str, object] = {
        "article": article,
        "revisions": revisions,
        "newest": newest,
        "can_edit": permissions.can_edit.test(user),
        "audit_events": audit_events_for_user(user=user).filter(article=article),
    }
    if newest is not None:
        available = workflow.transitions_available(revision=newest, actor=user)
        can_view = permissions.can_view_revision.test(user, newest)
        statuses = revision_body_statuses(revision=newest) if can_view else []
        context |= {
            "can_view_newest": can_view,
            "bodies": [
                RenderedBody(s.body.audience, markdown_to_html(s.body.body), s) for s in statuses
            ],
            "assignments": newest.assignments.select_related("reviewer", "assigned_by"),
            "decisions": newest.decisions.select_related("reviewer"),
            "transitions": [(name, ACTION_LABELS[name]) for name in available],
            "eligible_reviewers": (
                board_members_assignable(revision=newest) if "assign-reviewer" in available else []
            ),
        }
    return render(request, "editorial/article_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not permissions.can_edit.test(user):
        raise PermissionDenied
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    revision = _newest_revision(article)
    levels = list(AudienceLevel.objects.all())
    if request.method == "POST":
        form = RevisionEditForm(request.POST, levels=levels)
        if form.is_valid():
            try:
                revision_edit(
                    revision=revision,
                    editor=user,
                    bodies=form.bodies(),
                    change_summary=form.cleaned_data["change_summary"],
                )
            except ContentError as exc:
                messages.error(request, str(exc))
                return redirect("editorial:article_edit", pk=article.pk)
            messages.success(request, REVISION_SAVED.format(number=revision.number))
            return redirect("editorial:article", pk=article.pk)
    else:
        initial = {RevisionEditForm.field_name(b.audience): b.body for b in revision.bodies.all()}
        initial["change_summary"] = revision.change_summary
        form = RevisionEditForm(initial=initial, levels=levels)
    context = {
        "article": article,
        "revision": revision,
        "form": form,
        "tabs": _editor_tabs(form, revision=revision, levels=levels),
    }
    return render(request, "editorial/article_edit.html", context)


def _editor_tabs(
    form: RevisionEditForm, *, revision: Revision, levels: list[AudienceLevel]
) -> list[EditorTab]:
    stale = {
        s.body.audience_id
        for s in revision_body_statuses(revision=revision)
        if s.may_be_out_of_date
    }
    tabs = []
    for level in levels:
        field = form[RevisionEditForm.field_name(level)]
        tabs.append(
            EditorTab(
                level=level,
                field=field,
                may_be_out_of_date=level.pk in stale,
                readability=_live_report(level, str(field.value() or "")),
                has_errors=bool(field.errors),
            )
        )
    return tabs


def _live_report(level: AudienceLevel, text: str) -> Report:
    return Report(
        audience=level,
        scores=score_text(text) if text.strip() else None,
        target=level.target_grade,
    )


@login_required
@require_POST
def readability_preview(request: HttpRequest) -> HttpResponse:
    """The readability partial for text being typed (not saved): the editor calls it with htmx.

    Reads `audience` (a level's slug) and that level's body field of the edit form.
    """
    if not permissions.can_edit.test(_user(request)):
        raise PermissionDenied
    level = get_object_or_404(AudienceLevel, slug=request.POST.get("audience", ""))
    text = request.POST.get(RevisionEditForm.field_name(level), "")
    return render(
        request,
        "editorial/partials/readability.html",
        {"report": _live_report(level, text), "live": True},
    )


@login_required
@require_POST
def revision_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not permissions.can_edit.test(user):
        raise PermissionDenied
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    try:
        draft = revision_create_draft(article=article, author=user)
    except ContentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, DRAFT_STARTED.format(number=draft.number))
    return redirect("editorial:article_edit", pk=article.pk)


@require_POST
@login_required
def transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Run one workflow action on the article's newest revision; refusals become messages."""
    if name not in workflow.ACTION_NAMES:
        raise Http404(f"No transition {name!r}.")
    user = _user(request)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    revision = _newest_revision(article)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, str(error))
        return redirect("editorial:article", pk=article.pk)
    try:
        workflow.run_action(
            name,
            revision=revision,
            actor=user,
            note=form.cleaned_data["note"],
            reviewer=form.cleaned_data["reviewer"],
            due_date=form.cleaned_data["due_date"],
        )
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        label = ACTION_LABELS[name]
        messages.success(request, TRANSITION_DONE.format(label=label, number=revision.number))
    return redirect("editorial:article", pk=article.pk)
