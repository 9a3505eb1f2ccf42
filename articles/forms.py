"""Forms of the public site."""

from django import forms

from articles.models import QUESTION_MAX_LENGTH, FollowUpQuestion
from articles.request_keys import request_key_field

QUESTION_TOO_SHORT = "Please write your question in a few words (at least 10 characters)."
QUESTION_MIN_LENGTH = 10


class FollowUpQuestionForm(forms.ModelForm):
    question = forms.CharField(
        label="Your question",
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": QUESTION_MAX_LENGTH}),
        help_text=(
            f"Up to {QUESTION_MAX_LENGTH} characters. Please leave out personal health details."
        ),
    )
    email = forms.EmailField(
        label="Your e-mail (optional)",
        required=False,
        help_text="Only if you would like an answer; it is never shown.",
    )

    # Made at each rendering of the form (never cached): a double tap asks once.
    idempotency_key = request_key_field()

    class Meta:
        model = FollowUpQuestion
        fields = ["question", "email"]

    def clean_question(self) -> str:
        question: str = self.cleaned_data["question"].strip()
        if len(question) < QUESTION_MIN_LENGTH:
            raise forms.ValidationError(QUESTION_TOO_SHORT)
        return question
