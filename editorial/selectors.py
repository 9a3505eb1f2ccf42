"""Reads scoped to the person asking: editors see everything, board members what they review."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone

from articles.models import (
    NEEDS_AN_EDITOR,
    UNSUBMITTED_DRAFT,
    Article,
    FollowUpQuestion,
    Revision,
)
from articles.references.flags import FlaggedCitation, citations_flagged
from articles.selectors import (
    article_writers,
    articles_with_status,
    articles_with_status_joined,
)
from editorial.events import (
    DECLARED_INTERESTS,
    DECLARED_NO_INTERESTS,
    NO_INTERESTS_NOTE,
    AuditAction,
    Read,
    actions_read_by,
)
from editorial.models import (
    AWAITING_DECISION,
    BOARD_GROUP,
    DONE_OR_CLOSED,
    AuditEvent,
    Notification,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
    User,
)
from editorial.permissions import can_view_revision, is_board_member, is_editor


def articles_for_user(*, user: User, annotated: bool = True) -> QuerySet[Article]:
    """Articles the user may open in the workspace, annotated with their newest status; with
    `annotated=False` read through a join for a list's page (articles_with_status_joined)."""
    base = articles_with_status() if annotated else articles_with_status_joined()
    articles = base.order_by("title", "pk")
    if is_editor.test(user):
        return articles
    if is_board_member.test(user):
        assigned = ReviewAssignment.objects.filter(
            revision__article=OuterRef("pk"),
            reviewer=user,
            state__in=ReviewAssignment.ACTIVE_STATES,
        )
        return articles.filter(Exists(assigned))
    return articles.none()


def revisions_for_user(*, user: User) -> QuerySet[Revision]:
    """Revisions the user may read: all for editors, the assigned ones for board members."""
    revisions = Revision.objects.select_related("article", "author", "last_edited_by")
    if is_editor.test(user):
        return revisions
    if is_board_member.test(user):
        return revisions.filter(
            assignments__reviewer=user, assignments__state__in=ReviewAssignment.ACTIVE_STATES
        )
    return revisions.none()


def assignments_for_user(*, user: User) -> QuerySet[ReviewAssignment]:
    """Review assignments: all for editors, a board member's own otherwise."""
    assignments = ReviewAssignment.objects.select_related(
        "revision__article", "reviewer", "assigned_by"
    )
    if is_editor.test(user):
        return assignments
    return assignments.filter(reviewer=user) if user.is_authenticated else assignments.none()


def assignments_as_seen_by(*, user: User) -> QuerySet[ReviewAssignment]:
    """Assignments with their reviewer and declaration, each with `private_shown`: whether
    `user` may read its decline reason and the details of its declared interests (editors, and
    the reviewer their own; the other reviewers read only whether interests were declared).
    Filter it, or prefetch through it, only where the user may read the revision."""
    private = Value(True) if is_editor.test(user) else Q(reviewer=user)
    return (
        ReviewAssignment.objects.select_related("reviewer", "assigned_by", "declaration")
        .prefetch_related("declaration__entries")
        .annotate(private_shown=ExpressionWrapper(private, output_field=BooleanField()))
        .order_by("assigned_at", "pk")
    )


def revision_assignments_visible(*, user: User, revision: Revision) -> QuerySet[ReviewAssignment]:
    """The revision's reviewers as `user` may see them (assignments_as_seen_by): none unless
    they may read the revision (editors, its invited and accepted reviewers)."""
    if not can_view_revision.test(user, revision):
        return ReviewAssignment.objects.none()
    return assignments_as_seen_by(user=user).filter(revision=revision)


def revision_decisions_visible(*, user: User, revision: Revision) -> QuerySet[ReviewDecision]:
    """The revision's decisions, for those who may read the revision (their reasons included;
    the `editors_note` is for the editors, which the pages and the API ask separately)."""
    if not can_view_revision.test(user, revision):
        return ReviewDecision.objects.none()
    return revision.decisions.select_related("reviewer")


def decisions_for_user(*, user: User) -> QuerySet[ReviewDecision]:
    decisions = ReviewDecision.objects.select_related("revision__article", "reviewer")
    if is_editor.test(user):
        return decisions
    return decisions.filter(reviewer=user) if user.is_authenticated else decisions.none()


def audit_events_visible(*, user: User, article: Article | None = None) -> QuerySet[AuditEvent]:
    """The audit events `user` may read (of one article if given), each with `shown_note`: the
    note as this reader may read it. The rule is the events registry's `Read`
    (editorial.events): editors read everything; a board member reads only the events of the
    revisions they review now (invited or accepted), as each action's `Read` says; a declined
    or removed reviewer reads nothing more of that revision; anybody else reads nothing."""
    events = AuditEvent.objects.select_related("article", "revision", "actor", "subject_user")
    if article is not None:
        events = events.filter(article=article)
    if is_editor.test(user):
        return events.annotate(shown_note=F("note"))
    if not is_board_member.test(user):
        return events.none()
    party = Q(actor=user) | Q(subject_user=user)
    reviewed = ReviewAssignment.objects.filter(
        reviewer=user, state__in=ReviewAssignment.ACTIVE_STATES
    ).values("revision_id")
    return events.filter(
        Q(action__in=actions_read_by(Read.REVIEWERS, Read.SENTENCE))
        | (Q(action__in=actions_read_by(Read.PARTIES)) & party),
        revision__in=reviewed,
    ).annotate(
        shown_note=Case(
            When(party | Q(action__in=actions_read_by(Read.REVIEWERS)), then=F("note")),
            When(
                action=AuditAction.DECLARE,
                note=NO_INTERESTS_NOTE,
                then=Value(DECLARED_NO_INTERESTS),
            ),
            When(action=AuditAction.DECLARE, then=Value(DECLARED_INTERESTS)),
            default=Value(""),
            output_field=TextField(),
        )
    )


def my_drafts(*, user: User) -> QuerySet[Revision]:
    """Editable drafts the user wrote or last edited."""
    return (
        Revision.objects.filter(Q(author=user) | Q(last_edited_by=user), UNSUBMITTED_DRAFT)
        .select_related("article")
        .order_by("-created_at")
    )


def my_pending_reviews(*, user: User) -> QuerySet[ReviewAssignment]:
    """Active assignments on revisions under review where the user has not decided this round,
    soonest due first: the dashboard's and the top of their queue."""
    return (
        assignments_awaiting_decision()
        .filter(reviewer=user)
        .select_related("revision__article", "assigned_by")
        .order_by(F("due_date").asc(nulls_last=True), "assigned_at", "pk")
    )


def articles_waiting_for_editors() -> QuerySet[Article]:
    """Articles whose newest revision needs an editor: to assign, to revise or to publish (an
    approved revision that is already the public one needs nothing more). Read from the
    partial index on that condition (articles.models.NEEDS_AN_EDITOR)."""
    return articles_with_status().filter(NEEDS_AN_EDITOR).order_by("updated_at")


def board_members_assignable(*, revision: Revision) -> QuerySet[User]:
    """Active board members who may review this revision and do not review it now.

    The same rule as editorial.permissions.may_be_assigned (nobody who wrote or edited any
    revision of the article: articles.selectors.article_writers), in the same query.
    """
    return (
        User.objects.filter(groups__name=BOARD_GROUP, is_active=True)
        .exclude(pk__in=article_writers(article_id=revision.article_id))
        # A declined or removed reviewer may be invited again; an active one is assigned already.
        .exclude(
            Exists(
                ReviewAssignment.objects.filter(
                    revision=revision,
                    reviewer=OuterRef("pk"),
                    state__in=ReviewAssignment.ACTIVE_STATES,
                )
            )
        )
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


def comments_for_user(*, user: User) -> QuerySet[ReviewComment]:
    """Comments on the revisions the user may read."""
    return ReviewComment.objects.filter(
        revision__in=revisions_for_user(user=user).values("pk")
    ).select_related("author", "resolved_by", "audience", "revision")


def comment_threads(*, revision: Revision) -> QuerySet[ReviewComment]:
    """The threads (first comments, with their replies) on a revision, in passage order."""
    replies = ReviewComment.objects.select_related("author").order_by("created_at", "pk")
    return (
        ReviewComment.objects.filter(revision=revision, parent__isnull=True)
        .select_related("author", "resolved_by", "audience", "first_revision")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("audience__order", "offset", "created_at", "pk")
    )


def earlier_open_threads(*, revision: Revision, user: User) -> QuerySet[ReviewComment]:
    """Open threads left on earlier revisions of the article (their passage has gone), of the
    revisions `user` may read: a reviewer of this revision only reads none of another's."""
    replies = ReviewComment.objects.select_related("author").order_by("created_at", "pk")
    threads = ReviewComment.objects.all()
    if not is_editor.test(user):
        threads = threads.filter(revision__in=revisions_for_user(user=user).values("pk"))
    return (
        threads.filter(
            revision__article_id=revision.article_id,
            revision__number__lt=revision.number,
            parent__isnull=True,
            resolved_at__isnull=True,
        )
        .select_related("author", "audience", "revision")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("-revision__number", "offset", "pk")
    )


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's inbox, newest first."""
    return Notification.objects.filter(recipient=user).select_related(
        "event__article",
        "event__revision",
        "event__actor",
        "event__subject_user",
        "event__comment",
    )


def notifications_unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread (one query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def reviews_done_or_closed(*, user: User) -> QuerySet[ReviewAssignment]:
    """The board member's active assignments that wait for nothing from them now (decided this
    round, or the revision no longer under review), newest first: the rest of their queue."""
    return (
        ReviewAssignment.objects.filter(DONE_OR_CLOSED, reviewer=user)
        .select_related("revision__article", "assigned_by")
        .order_by("-assigned_at", "-pk")
    )


def assignments_awaiting_decision() -> QuerySet[ReviewAssignment]:
    """Active assignments on revisions under review whose reviewer has not decided this round.

    What the reminders and the editors' list of late reviews both start from. AWAITING_DECISION
    reads the columns the database keeps on the assignment (its revision's status and round, the
    round last decided): an index holds exactly these rows, so the late ones and their count
    are a range of it, whatever the number of reviews done.
    """
    return ReviewAssignment.objects.filter(AWAITING_DECISION)


def late_assignments() -> QuerySet[ReviewAssignment]:
    """Active assignments past their due date on revisions still under review, undecided."""
    return (
        assignments_awaiting_decision()
        .filter(due_date__lt=timezone.localdate())
        .select_related("revision__article", "reviewer")
        .order_by("due_date", "pk")
    )


def follow_up_questions_for_user(
    *, user: User, state: str | None = None
) -> QuerySet[FollowUpQuestion]:
    """Readers' questions sent to the editors (the reader said the passages offered did not
    answer or left without saying, or none was found: articles.answers), newest first, with
    article, revision and audience: editors only (nobody else gets any); `state` narrows them
    to one state."""
    if not is_editor.test(user):
        return FollowUpQuestion.objects.none()
    questions = (
        FollowUpQuestion.objects.filter(outcome__in=FollowUpQuestion.SENT_TO_EDITORS)
        .select_related("article", "revision", "audience", "state_changed_by", "answer_revision")
        .order_by("-created_at", "-pk")
    )
    return questions if state is None else questions.filter(state=state)


def follow_up_question_counts(*, user: User) -> dict[str, int]:
    """How many questions are in each state (every state present, 0 when none); one query."""
    counts = dict.fromkeys(FollowUpQuestion.State.values, 0)
    rows = (
        follow_up_questions_for_user(user=user)
        .order_by()
        .values_list("state")
        .annotate(count=Count("pk"))
    )
    counts.update({state: count for state, count in rows})
    return counts


QUESTION_WEEKS = 8  # weeks the dashboard counts readers' questions over
QUESTIONS_MISSED = 10  # questions nothing answered, listed on the dashboard


@dataclass(frozen=True)
class QuestionWeek:
    """Readers' questions of one week (from its Monday): asked, answered at once by the
    passages offered (articles.answers), sent to editors (the reader said no, or nothing was
    found), and for how many nothing was found."""

    week: date
    asked: int = 0
    answered_at_once: int = 0
    sent_to_editors: int = 0
    found_nothing: int = 0


def follow_up_question_weeks(
    *, user: User, weeks: int = QUESTION_WEEKS, today: date | None = None
) -> list[QuestionWeek]:
    """The last `weeks` weeks of readers' questions, newest first, every week present (zeros
    when none): editors only (nobody else gets any). One query."""
    if not is_editor.test(user):
        return []
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    Outcome = FollowUpQuestion.Outcome
    rows = (
        FollowUpQuestion.objects.filter(
            created_at__gte=timezone.make_aware(datetime.combine(first, time.min))
        )
        .annotate(week=TruncWeek("created_at"))
        .order_by()
        .values("week")
        .annotate(
            asked=Count("pk"),
            answered_at_once=Count("pk", filter=Q(outcome=Outcome.ANSWERED)),
            sent_to_editors=Count("pk", filter=Q(outcome__in=FollowUpQuestion.SENT_TO_EDITORS)),
            found_nothing=Count("pk", filter=Q(offered_count=0)),
        )
    )
    counted = {}
    for row in rows:
        started = row["week"]
        week = started.date() if isinstance(started, datetime) else started
        counted[week] = QuestionWeek(
            week=week,
            asked=row["asked"],
            answered_at_once=row["answered_at_once"],
            sent_to_editors=row["sent_to_editors"],
            found_nothing=row["found_nothing"],
        )
    shown = [monday - timedelta(weeks=n) for n in range(weeks)]
    return [counted.get(week, QuestionWeek(week=week)) for week in shown]


def follow_up_questions_missed(*, user: User, limit: int = QUESTIONS_MISSED) -> list[Any]:
    """The newest questions no passage of a published article matched: the topics readers
    are missing. Editors only. One query."""
    if not is_editor.test(user):
        return []
    return list(
        FollowUpQuestion.objects.filter(offered_count=0)
        .exclude(state=FollowUpQuestion.State.SPAM)
        .select_related("article")
        .order_by("-created_at", "-pk")[:limit]
    )


def citations_flagged_for_user(*, user: User, **filters: Any) -> list[FlaggedCitation]:
    """citations_flagged (articles.references.flags) among the articles `user` may open."""
    return citations_flagged(articles=flag_scope_for_user(user=user), **filters)


def flag_scope_for_user(*, user: User) -> QuerySet[Article] | None:
    """The articles whose flagged citations `user` sees; None: every article (editors)."""
    return None if is_editor.test(user) else articles_for_user(user=user)
