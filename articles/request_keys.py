"""The keys that make a form's action happen once however often it is sent (a double click, a
browser's retry): made at each rendering of the form, checked when it comes back. The
workspace records them per person (editorial.idempotency); a reader's question, asked without
an account, keeps its own (articles.answers.follow_up_question_ask)."""

import re
import secrets

from django import forms
from django.core.validators import RegexValidator

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}\Z")
KEY_INVALID = "An idempotency key is 8 to 64 letters, digits, hyphens or underscores."


def request_key_new() -> str:
    """A fresh key for one rendering of a form."""
    return secrets.token_urlsafe(24)


def request_key_field() -> forms.CharField:
    """The hidden form field carrying the key: a fresh one at each rendering, checked when the
    form comes back."""
    return forms.CharField(
        required=False,
        initial=request_key_new,
        validators=[RegexValidator(KEY_PATTERN, KEY_INVALID)],
        widget=forms.HiddenInput,
    )
