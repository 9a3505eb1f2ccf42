"""People and process: users, board profiles, review assignments, decisions, audit, inbox."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from articles.models import Article, ReviewStatus, Revision

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


class ReviewAssignment(models.Model):
    """A board member asked to review one revision."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "reviewer"], name="one_assignment_each")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews {self.revision}"


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
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=ReviewStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReviewStatus.choices, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} on {self.article} by {self.actor}"


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

    def __str__(self) -> str:
        return f"To {self.recipient}: {self.event}"
