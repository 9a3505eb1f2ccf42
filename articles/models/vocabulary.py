"""The plain-language vocabulary: medical terms and the everyday words for them. The project
ships a few hundred (articles/data/plain_terms.csv, with its sources); editors add more in the
admin. articles.plain_language marks the terms in versions written in plain language."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

TERM_NEEDS_A_LETTER = "A term is a word or a few words: it needs at least one letter."


class PlainTerm(models.Model):
    """A medical term (a word or phrase, matched as whole words, in any case, and with a
    plural "s" or "es") and the plain words to suggest instead."""

    term = models.CharField(
        max_length=100,
        validators=[RegexValidator(r"[^\W\d_]", TERM_NEEDS_A_LETTER)],
        help_text="The word or phrase to mark, e.g. \u201chypertension\u201d.",
    )
    plain = models.CharField(
        max_length=200,
        verbose_name="plain words",
        help_text="What to write instead, e.g. \u201chigh blood pressure\u201d.",
    )
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the plain words come from (a guide, or your own style guide).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]
        verbose_name = "plain-language term"
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="plain_term_unique_ignoring_case",
                violation_error_message="This term is in the vocabulary already.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} \u2192 {self.plain}"
