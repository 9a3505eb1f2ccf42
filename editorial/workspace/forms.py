"""Forms of the editorial workspace: they validate input; services and the workflow act."""

import json
from typing import Any

from django import forms
from django.urls import reverse

from articles.models import (
    READER_SUMMARY_MAX_LENGTH,
    Article,
    AudienceLevel,
    ChangeKind,
    FollowUpQuestion,
    Topic,
)
from articles.plain_input import LINE_BREAK_REFUSED, holds_line_break
from articles.request_keys import request_key_field
from editorial.models import BOARD_GROUP, InterestEntry, ReviewComment, User


def topic_choices(current: str = "") -> list[tuple[str, str]]:
    """The managed topics (admin "Topics"), and the article's own if it is not among them."""
    names = list(Topic.objects.values_list("name", flat=True))
    if current and current not in names:
        names.append(current)
    return [("", "No topic"), *((name, name) for name in sorted(names, key=str.casefold))]


class ArticleDetailsForm(forms.Form):
    """An article's title, topic and address: a new article's, or one editors change (its
    old address then redirects). The slug is made from the title when left empty."""

    title = forms.CharField(max_length=255, help_text="Usually the reader's question.")
    topic = forms.ChoiceField(
        required=False, help_text="Topics are kept in the admin's Topics list."
    )
    slug = forms.SlugField(
        max_length=120,
        required=False,
        label="Address",
        help_text="The page's address: /articles/<address>/. Made from the title when empty.",
    )
    review_interval_months = forms.IntegerField(
        min_value=1,
        max_value=120,
        required=False,
        label="Review every (months)",
        help_text="An approved article is due for re-review after this many months (24 when "
        "left empty on a new article).",
    )

    def __init__(self, *args: Any, current_topic: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = topic_choices(current_topic)  # type: ignore[attr-defined]

    def clean_title(self) -> str:
        # articles.services refuses it too; here the message lands on the title's field.
        title = str(self.cleaned_data["title"])
        if holds_line_break(title):
            raise forms.ValidationError(LINE_BREAK_REFUSED)
        return title

    def changes(self, article: Article) -> dict[str, object]:
        """The fields that differ from `article` (an empty address keeps the current one)."""
        data = dict(self.cleaned_data)
        data["slug"] = data["slug"] or article.slug
        if data["review_interval_months"] is None:
            data["review_interval_months"] = article.review_interval_months
        return {name: value for name, value in data.items() if getattr(article, name) != value}


class RevisionEditForm(forms.Form):
    """One Markdown textarea per audience level (the canonical one required) and a summary."""

    change_summary = forms.CharField(
        max_length=300,
        required=False,
        label="Change summary",
        help_text="What this save changes, in a few words. Left empty, the revision keeps the "
        "summary it has.",
    )

    def __init__(self, *args: Any, levels: list[AudienceLevel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.levels = levels
        for level in levels:
            self.fields[self.field_name(level)] = forms.CharField(
                label=f"{level.label}{' (required)' if level.is_canonical else ''}",
                help_text=level.description,
                required=level.is_canonical,
                strip=False,
                widget=forms.Textarea(
                    attrs={"rows": 14, "class": "markdown", **self.readability_attrs(level)}
                ),
            )
            # What the editor started from, to refuse a save over someone else's change.
            self.fields[self.seen_name(level)] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )
        # The summary goes last, after the bodies it describes.
        self.order_fields([*(self.field_name(level) for level in levels), "change_summary"])

    @staticmethod
    def readability_attrs(level: AudienceLevel) -> dict[str, str]:
        """htmx attributes: while typing, refresh the level's readability panel (not saving)."""
        return {
            "hx-post": reverse("editorial:readability_preview"),
            "hx-trigger": "input changed delay:600ms",
            "hx-target": f"#readability-{level.slug}",
            "hx-swap": "innerHTML",
            "hx-vals": json.dumps({"audience": level.slug}),
        }

    @staticmethod
    def field_name(level: AudienceLevel) -> str:
        return f"body_{level.slug}"

    @staticmethod
    def seen_name(level: AudienceLevel) -> str:
        return f"seen_{level.slug}"

    def bodies(self) -> dict[AudienceLevel, str]:
        """The cleaned text per level; call after is_valid()."""
        return {level: self.cleaned_data[self.field_name(level)] for level in self.levels}

    def seen(self) -> dict[int, str]:
        """Audience id -> fingerprint of the body the editor started from; call after is_valid()."""
        return {
            level.pk: self.cleaned_data[self.seen_name(level)]
            for level in self.levels
            if self.cleaned_data[self.seen_name(level)]
        }


class TransitionForm(forms.Form):
    """What a transition button sends: an optional note (the reason) and, to assign, a member."""

    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.filter(groups__name=BOARD_GROUP), required=False
    )
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # To submit: what the revision changes and what readers are told (the submit guard checks
    # both, and says what is missing).
    change_kind = forms.ChoiceField(
        choices=[("", "Choose…"), *ChangeKind.choices], required=False, label="Kind of change"
    )
    reader_summary = forms.CharField(
        required=False,
        max_length=READER_SUMMARY_MAX_LENGTH,
        label="What changed, for readers",
        widget=forms.Textarea,
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DeclarationForm(forms.Form):
    """No conflict of interest, or up to three typed interests with details."""

    ROWS = 3
    none = forms.BooleanField(required=False, label="I have no conflict of interest to declare")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(self.ROWS):
            self.fields[f"kind_{index}"] = forms.ChoiceField(
                choices=[("", "—"), *InterestEntry.Kind.choices],
                required=False,
                label=f"Interest {index + 1}: type",
            )
            self.fields[f"details_{index}"] = forms.CharField(
                required=False, max_length=2000, label=f"Interest {index + 1}: details"
            )

    @classmethod
    def initial_from(cls, previous: tuple[bool, list[Any]] | None) -> dict[str, Any]:
        """Initial values from editorial.review.interests_previous."""
        if previous is None:
            return {}
        none, entries = previous
        initial: dict[str, Any] = {"none": none}
        for index, entry in enumerate(entries[: cls.ROWS]):
            initial[f"kind_{index}"] = entry.kind
            initial[f"details_{index}"] = entry.details
        return initial

    def interests(self) -> list[tuple[str, str]]:
        rows = []
        for index in range(self.ROWS):
            kind = self.cleaned_data.get(f"kind_{index}") or ""
            details = (self.cleaned_data.get(f"details_{index}") or "").strip()
            if kind or details:
                rows.append((kind or "other", details))
        return rows


class SentOnceForm(forms.Form):
    """A form whose action is done once however often it is sent (a double click): a key
    made at each rendering, which the view passes on (editorial.workspace.common.done_once)."""

    idempotency_key = request_key_field()


class PublishForm(SentOnceForm):
    note = forms.CharField(required=False)


class CommentForm(SentOnceForm):
    """A comment on a passage of one audience version, the one it sits under on the review
    page: selected in the text (the script fills the passage and where it starts) or copied."""

    audience = forms.ModelChoiceField(
        queryset=AudienceLevel.objects.all(), empty_label=None, widget=forms.HiddenInput
    )
    quoted_text = forms.CharField(
        max_length=2000,
        label="Passage (quote it exactly)",
        help_text="As it reads in the text above: select it there, or copy it here.",
    )
    offset = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    severity = forms.ChoiceField(choices=ReviewComment.Severity.choices)
    body = forms.CharField(
        max_length=5000, label="Comment", widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def for_audience(cls, audience: AudienceLevel) -> "CommentForm":
        """An empty form for one version's section of the review page (ids of its own)."""
        return cls(initial={"audience": audience.pk}, auto_id=f"comment-{audience.slug}-%s")


class ReplyForm(forms.Form):
    body = forms.CharField(max_length=5000, label="Reply", widget=forms.Textarea(attrs={"rows": 2}))


class QuestionFilterForm(forms.Form):
    """Which readers' questions to list: one state (default new)."""

    state = forms.ChoiceField(choices=FollowUpQuestion.State.choices, required=False)

    def state_or_default(self) -> str:
        if self.is_valid() and self.cleaned_data["state"]:
            return str(self.cleaned_data["state"])
        return FollowUpQuestion.State.NEW


class QuestionMarkForm(forms.Form):
    """Mark a question answered or spam, or reopen it; where to go back to in the list."""

    state = forms.ChoiceField(choices=FollowUpQuestion.State.choices)
    return_state = forms.ChoiceField(choices=FollowUpQuestion.State.choices, required=False)
    page = forms.IntegerField(min_value=1, required=False)


class QuestionAnswerForm(forms.Form):
    """An editor's answer to a reader's question, for the article's next revision."""

    answer = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        min_length=10,
        help_text=(
            "Added with the question to the “Questions readers asked” section of the article's "
            "next revision (its open draft, else a new one); reviewed with it."
        ),
    )
