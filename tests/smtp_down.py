"""An e-mail backend standing for an SMTP server that hangs up: SMTP is outside the project,
so a backend that raises what smtplib raises is the fault, not a mock of our code."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend

REFUSING = {"default": {"BACKEND": "tests.smtp_down.RefusingEmailBackend"}}
WORKING = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class CountingRefusingEmailBackend(RefusingEmailBackend):
    """Refuses too, and counts the tries (one connection per try)."""

    tries = 0

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        CountingRefusingEmailBackend.tries += 1
        super().send_messages(email_messages)


class FlakyEmailBackend(locmem.EmailBackend):
    """Delivers (to django.core.mail.outbox), except the sends numbered in `refused` (from 1),
    where the server hangs up: SMTP dropping in the middle of a round of e-mails."""

    refused: set[int] = set()
    sends = 0

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        FlakyEmailBackend.sends += 1
        if FlakyEmailBackend.sends in self.refused:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)
