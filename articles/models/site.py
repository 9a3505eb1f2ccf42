"""What readers leave and administrators edit: a reader's level, site pages, follow-up
questions."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from articles.models.content import Article, AudienceLevel, Revision


class ReaderPreference(models.Model):
    """The audience level a logged-in reader chose on the public site."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_preference"
    )
    audience = models.ForeignKey(AudienceLevel, on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} reads as {self.audience}"


class SitePage(models.Model):
    """A public page whose text administrators edit (Markdown, sanitised when shown); a page
    without a row shows its built-in text."""

    EDITORIAL_POLICY = "editorial-policy"

    slug = models.SlugField(
        unique=True, choices=[(EDITORIAL_POLICY, "Editorial policy")], default=EDITORIAL_POLICY
    )
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown. Raw HTML is shown as text.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:editorial_policy")


QUESTION_MAX_LENGTH = 2000


class FollowUpQuestion(models.Model):
    """A reader's question about an article, from the form on its page; editors answer them."""

    class State(models.TextChoices):
        NEW = "new", "New"
        ANSWERED = "answered", "Answered"
        SPAM = "spam", "Spam"

    class Outcome(models.TextChoices):
        """What came of the passages offered at once (articles.answers)."""

        OFFERED = "offered", "Passages offered, awaiting the reader"
        ANSWERED = "answered", "Answered at once"
        QUEUED = "queued", "Sent to editors"
        # The reader left without saying whether the passages answered (articles.answers).
        UNSAID = "unsaid", "Sent to editors: the reader did not say"

    # Where the editors' list of questions reads from.
    SENT_TO_EDITORS = (Outcome.QUEUED, Outcome.UNSAID)

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="questions")
    revision = models.ForeignKey(Revision, on_delete=models.SET_NULL, null=True, related_name="+")
    audience = models.ForeignKey(AudienceLevel, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(max_length=QUESTION_MAX_LENGTH)
    email = models.EmailField(blank=True, help_text="Only to answer the reader; never shown.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor who last marked it answered, spam or new.",
    )
    # Only QUEUED questions are in the editors' queue; those from before answers were offered
    # were all sent there.
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.QUEUED)
    outcome_at = models.DateTimeField(null=True, blank=True)
    # The passages the reader was offered, as shown (a snapshot: the page may change later).
    offered = models.JSONField(default=list, blank=True)
    # How many: 0 is a search that found nothing (the editors' dashboard lists them).
    offered_count = models.PositiveSmallIntegerField(default=0)
    offered_fallback = models.BooleanField(
        default=False, help_text="The passages offered are of the canonical text."
    )
    # An editor's answer, added to the "Questions readers asked" section of the article's
    # next revision (articles.answers.follow_up_question_to_article), reviewed with it.
    answer = models.TextField(blank=True)
    answer_revision = models.ForeignKey(
        Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # The key of the form that asked it: sent again (a double tap), the question asked is
    # answered instead of a second one (articles.answers.follow_up_question_ask).
    request_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request_key"],
                condition=~models.Q(request_key=""),
                name="question_asked_once",
            )
        ]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="question_state_newest"),
            models.Index(fields=["created_at"], name="question_created"),
            # The questions still awaiting their reader, oldest first (articles.answers).
            models.Index(
                fields=["created_at"],
                name="question_awaiting_reader",
                condition=models.Q(outcome="offered"),
            ),
        ]

    def __str__(self) -> str:
        return f"Question on {self.article}"
