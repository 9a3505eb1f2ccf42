"""The workspace's front page: what waits for the user (drafts, reviews, articles to act on,
citations to update, readers' questions) and every article they may open."""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from articles.models import (
    Article,
    FollowUpQuestion,
    ReviewStatus,
    Revision,
)
from articles.references.flags import FlaggedCitation
from editorial import permissions
from editorial.models import User
from editorial.selectors import (
    articles_for_user,
    articles_waiting_for_editors,
    assignments_for_user,
    citations_flagged_for_user,
    follow_up_question_weeks,
    follow_up_questions_for_user,
    follow_up_questions_missed,
    my_drafts,
    my_pending_reviews,
)
from editorial.workspace.common import workspace_user


@dataclass(frozen=True)
class ArticleRow:
    """An article from articles_with_status() with the label of its newest status."""

    article: Article
    status: str
    status_label: str


@dataclass(frozen=True)
class FlaggedArticle:
    """An article's flagged citations: all in one revision (its newest in review, approved or
    published), with the article's open draft if it has one."""

    revision: Revision
    flags: list[FlaggedCitation]

    @property
    def article(self) -> Article:
        return self.revision.article

    @property
    def draft_number(self) -> int | None:
        return self.flags[0].draft_number

    @property
    def is_published(self) -> bool:
        return self.article.published_revision_id == self.revision.pk


def flagged_by_article(flags: list[FlaggedCitation]) -> list[FlaggedArticle]:
    """Group citations_flagged() (ordered by article) per article; no query."""
    return [
        FlaggedArticle(revision=group[0].revision, flags=group)
        for group in (list(g) for _, g in groupby(flags, key=lambda f: f.article.pk))
    ]


# Each list of the dashboard shows this many at most; the board, the queue and the article
# pages show the rest.
DASHBOARD_LIST = 20
FLAGGED_SHOWN = 50  # citations to update shown on the dashboard


@dataclass(frozen=True)
class Shown:
    """The first DASHBOARD_LIST items of a list, and whether there are more (no count query)."""

    items: list[Any]
    more: bool


def _first(queryset: QuerySet[Any], *, rows: bool = False) -> Shown:
    items = list(queryset[: DASHBOARD_LIST + 1])
    shown = items[:DASHBOARD_LIST]
    return Shown(_rows(shown) if rows else shown, len(items) > DASHBOARD_LIST)


def _rows(articles: Iterable[Article]) -> list[ArticleRow]:
    rows = []
    for article in articles:
        status = getattr(article, "status", None) or ""
        label = ReviewStatus(status).label if status else "No revision"
        rows.append(ArticleRow(article=article, status=status, status_label=label))
    return rows


def _flagged(user: User) -> Shown:
    """The first articles with citations to update (FLAGGED_SHOWN citations at most), and
    whether there are more: an article cut short is left for its own page."""
    flags = citations_flagged_for_user(user=user, limit=FLAGGED_SHOWN + 1)
    groups = flagged_by_article(flags[:FLAGGED_SHOWN])
    more = len(flags) > FLAGGED_SHOWN
    if more and len(groups) > 1 and flags[FLAGGED_SHOWN].article.pk == groups[-1].article.pk:
        groups = groups[:-1]
    return Shown(groups, more)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = workspace_user(request)
    is_editor = permissions.is_editor.test(user)
    is_board_member = permissions.is_board_member.test(user)
    context = {
        "is_editor": is_editor,
        "is_board_member": is_board_member,
        "today": timezone.localdate(),
        "shown": DASHBOARD_LIST,
        "drafts": _first(my_drafts(user=user)) if is_editor else Shown([], False),
        "waiting_articles": (
            _first(articles_waiting_for_editors(), rows=True) if is_editor else Shown([], False)
        ),
        "pending_reviews": (
            _first(my_pending_reviews(user=user)) if is_board_member else Shown([], False)
        ),
        "assignments": (
            _first(assignments_for_user(user=user).filter(reviewer=user).order_by("-assigned_at"))
            if is_board_member
            else Shown([], False)
        ),
        "articles": _first(articles_for_user(user=user).order_by("-updated_at", "-pk"), rows=True),
        "flagged": _flagged(user) if is_editor else Shown([], False),
        "question_weeks": follow_up_question_weeks(user=user) if is_editor else [],
        "questions_missed": follow_up_questions_missed(user=user) if is_editor else [],
        "new_questions": (
            follow_up_questions_for_user(user=user, state=FollowUpQuestion.State.NEW).count()
            if is_editor
            else None
        ),
    }
    return render(request, "editorial/dashboard.html", context)
