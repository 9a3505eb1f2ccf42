"""People and process: users, board profiles, review assignments, decisions, audit, inbox."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from articles.models import Article, AudienceLevel, ReviewStatus, Revision
from editorial.events import AuditAction, event_sentence

EDITORS_GROUP = "Editors"
BOARD_GROUP = "Advisory board"


class User(AbstractUser):
    """An account; roles come from the groups "Editors" and "Advisory board"."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class BoardProfile(models.Model):
    """What the public and the editors know of an advisory-board member."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_profile"
    )
    credentials = models.CharField(max_length=100, help_text='For example "MD, FACP".')
    specialty = models.CharField(max_length=100)
    bio = models.TextField(blank=True, help_text="A short biography.")
    is_listed = models.BooleanField(default=True, help_text="Shown on the public advisory board.")

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.user}, {self.credentials}"


# An assignment whose review is open: invited or accepted, on a revision under review.
OPEN_REVIEW = models.Q(state__in=["invited", "accepted"], revision_status="under_review")
# An open review whose reviewer has not decided the revision's current round: the columns the
# database keeps (migration 0013) say it without reading the revision or the decisions.
AWAITING_DECISION = OPEN_REVIEW & models.Q(decided_round__lt=models.F("revision_round"))
# An active assignment that waits for nothing from its reviewer now: decided this round, or the
# revision no longer under review (the rest of their queue).
DONE_OR_CLOSED = models.Q(state__in=["invited", "accepted"]) & ~AWAITING_DECISION


class ReviewAssignment(models.Model):
    """A board member invited to review one revision; they accept or decline."""

    class State(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REMOVED = "removed", "Removed"

    # States in which the reviewer may read the revision.
    ACTIVE_STATES = (State.INVITED, State.ACCEPTED)

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.INVITED)
    due_date = models.DateField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    # Each reminder goes out at most once per assignment: set in the reminder's transaction.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_sent_at = models.DateTimeField(null=True, blank=True)
    editors_told_overdue_at = models.DateTimeField(null=True, blank=True)
    # The revision's status, kept by the database (triggers, migration 0012): with the state,
    # it says whether the review is still open without reading the revision, so that a
    # reviewer's open reviews are a range of an index however many they did before.
    revision_status = models.CharField(  # noqa: DJ001 (null: set by the database)
        max_length=20, choices=ReviewStatus.choices, null=True, blank=True, editable=False
    )
    # Kept by the database too (triggers, migration 0013): the revision's review round, and the
    # latest round the reviewer decided (0 before any decision). An open review awaits a
    # decision while the second is below the first (AWAITING_DECISION).
    revision_round = models.PositiveSmallIntegerField(default=0, editable=False)
    decided_round = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        indexes = [
            # A reviewer's open reviews, soonest due first: the top of their queue and their
            # dashboard's (editorial.selectors.my_pending_reviews).
            models.Index(
                fields=["reviewer", "due_date", "assigned_at", "id"],
                condition=OPEN_REVIEW,
                name="assignment_open",
            ),
            # The reviews awaiting a decision by due date: the late ones on the board and their
            # count (editorial.selectors.late_assignments), the reminders' (editorial.schedule).
            models.Index(
                fields=["due_date", "id"], condition=AWAITING_DECISION, name="assignment_awaiting"
            ),
            # Their assignments on the dashboard, newest first.
            models.Index(fields=["reviewer", "-assigned_at", "-id"], name="assignment_newest"),
            # Their queue's reviews decided or closed, newest first, and their count, from the
            # index alone (editorial.selectors.reviews_done_or_closed).
            models.Index(
                fields=["reviewer", "-assigned_at", "-id"],
                condition=DONE_OR_CLOSED,
                name="assignment_done",
            ),
        ]
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "reviewer"], name="one_assignment_each"),
            models.CheckConstraint(
                condition=~models.Q(state="declined") | ~models.Q(decline_reason=""),
                name="decline_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews {self.revision}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES


class InterestDeclaration(models.Model):
    """A reviewer's conflicts of interest for one assignment: none, or typed entries."""

    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.CASCADE, related_name="declaration"
    )
    has_interests = models.BooleanField(default=False)
    declared_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Interests of {self.assignment}"


class InterestEntry(models.Model):
    class Kind(models.TextChoices):
        FINANCIAL = "financial", "Financial"
        PERSONAL = "personal", "Personal"
        PROFESSIONAL = "professional", "Professional"
        OTHER = "other", "Other"

    declaration = models.ForeignKey(
        InterestDeclaration, on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    details = models.TextField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.details[:40]}"


class ReviewDecision(models.Model):
    """A reviewer's verdict on the exact revision they read."""

    class Verdict(models.TextChoices):
        APPROVE = "approve", "Approve"
        REQUEST_CHANGES = "request_changes", "Request changes"

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.PROTECT, related_name="decisions"
    )
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_decisions"
    )
    review_round = models.PositiveSmallIntegerField()
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    reason = models.TextField(blank=True)
    editors_note = models.TextField(
        blank=True, help_text="For the editors only: never shown to other reviewers or readers."
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "review_round", "reviewer"], name="one_decision_per_round"
            ),
            models.CheckConstraint(
                condition=~models.Q(verdict="request_changes") | ~models.Q(reason=""),
                name="request_changes_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.get_verdict_display()} on {self.revision}"


def default_min_approvals() -> int:
    return settings.IMPRIMATUR_MIN_APPROVALS


class ApprovalPolicy(models.Model):
    """How many approvals approve a revision; a row per topic, or the default (empty topic)."""

    topic = models.CharField(
        max_length=100, blank=True, help_text="Empty: the default for every other topic."
    )
    min_approvals = models.PositiveSmallIntegerField(
        default=default_min_approvals,
        validators=[MinValueValidator(1)],
        help_text="Defaults to the IMPRIMATUR_MIN_APPROVALS setting.",
    )
    required_specialty = models.CharField(
        max_length=100,
        blank=True,
        help_text="If set, one approver's board specialty must be this (case ignored).",
    )
    editorial_by_one_editor = models.BooleanField(
        default=False,
        verbose_name="Editorial changes on one editor's approval",
        help_text="An editorial change (wording, links, typos) to a reviewed article may be "
        "published by one editor who did not write it, without the board. It never moves "
        'the article\'s "last reviewed" date.',
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "approval policies"
        ordering = ["topic"]
        constraints = [
            # Topics match ignoring case (editorial.policy), so "Cardiology" and "cardiology"
            # are the same topic here too.
            models.UniqueConstraint(
                Lower("topic"),
                condition=models.Q(is_active=True),
                name="one_active_policy",
                violation_error_message="An active policy for this topic exists already.",
            ),
            models.CheckConstraint(
                condition=models.Q(min_approvals__gte=1), name="policy_needs_an_approval"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic or 'Default'}: {self.min_approvals} approval(s)"


class ReviewComment(models.Model):
    """A comment on a quoted passage of one audience body of a revision, or a reply to one."""

    class Severity(models.TextChoices):
        NOTE = "note", "Note"
        ACCURACY = "accuracy", "Accuracy"
        SAFETY = "safety", "Safety"

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="comments")
    first_revision = models.ForeignKey(
        Revision,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Where the comment was written; it moves on with its passage.",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    audience = models.ForeignKey(AudienceLevel, on_delete=models.PROTECT, related_name="+")
    quoted_text = models.TextField(blank=True)
    offset = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_comments"
    )
    body = models.TextField()
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.NOTE)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["offset", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} by {self.author} on {self.revision}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def label(self) -> str:
        """How messages name the comment: its severity, author and passage."""
        quote = self.quoted_text if len(self.quoted_text) <= 60 else self.quoted_text[:57] + "..."
        return f'{self.get_severity_display()} comment by {self.author} on "{quote}"'


class AuditEvent(models.Model):
    """One row per workflow action, written in the action's transaction; never changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="audit_events")
    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="audit_events", null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person the action concerns, such as the reviewer assigned.",
    )
    comment = models.ForeignKey(
        ReviewComment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40, choices=[(a.value, a.label) for a in AuditAction])
    from_status = models.CharField(max_length=20, choices=ReviewStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReviewStatus.choices, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    recipients_recorded = models.BooleanField(
        default=True,
        help_text="Whether its inbox entries were made with it, by who was concerned then. "
        "Events recorded before migration 0015 were told whoever was concerned when sent.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on {self.article} by {self.actor}"

    @property
    def sentence(self) -> str:
        """What happened, as the audit trail, the inbox and the e-mails say it; reads the
        actor, subject and revision (select them with the event)."""
        return event_sentence(
            self.action,
            actor=self.actor,
            subject=self.subject_user,
            number=self.revision.number if self.revision is not None else None,
        )


class Notification(models.Model):
    """An inbox entry for one person about one audit event; also records the e-mail sent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="one_notification_each")
        ]
        indexes = [
            # The inbox, newest first, and the unread count every workspace page shows.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"To {self.recipient}: {self.event}"


class RequestKey(models.Model):
    """A form sent (or an API request with an Idempotency-Key) whose action was done: the same
    key from the same person again answers as the first did instead of acting twice
    (editorial.idempotency). Written in the action's own transaction."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    action = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField(help_text="What the action made or acted on.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="request_key_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.key} by {self.user_id}"
