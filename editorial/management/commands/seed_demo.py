"""Create the demo accounts, reference library and articles; safe to run again (nothing is
duplicated). The content is built through the real actions: editorial.demo."""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Topic
from editorial.demo import TOPICS, People, demo_build
from editorial.models import BOARD_GROUP, EDITORS_GROUP, BoardProfile, Notification, User

ACCOUNTS = [
    # username, first, last, role, password, board profile
    ("admin", "Ada", "Administrator", "admin", "admin-demo-2026", None),
    ("editor", "Elena", "Marsh", EDITORS_GROUP, "editor-demo-2026", None),
    (
        "dr.okafor",
        "Chidi",
        "Okafor",
        BOARD_GROUP,
        "okafor-demo-2026",
        ("MD, FACP", "Internal medicine", "General internist with an interest in falls."),
    ),
    (
        "dr.lindqvist",
        "Maja",
        "Lindqvist",
        BOARD_GROUP,
        "lindqvist-demo-2026",
        ("MD, PhD", "Sports medicine", "Sports physician and tendon researcher."),
    ),
]


@contextmanager
def _quiet(quiet: bool) -> Iterator[None]:
    if not quiet:
        yield
        return
    celery_logger = logging.getLogger("celery")
    level = celery_logger.level
    celery_logger.setLevel(logging.WARNING)
    try:
        with redirect_stdout(io.StringIO()):
            yield
    finally:
        celery_logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Create demo accounts (one per role), a library of real references and articles in "
        "several review states."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--show-mail",
            action="store_true",
            help="Print the notification e-mails the demo's actions send (the console backend).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with_passwords = getattr(settings, "IMPRIMATUR_DEMO_PASSWORDS", False)
        sent_before = Notification.objects.count()
        # The demo's actions notify people as real ones do (their inboxes fill); the e-mails
        # the console backend would print, and the jobs' log lines, are kept out of the way.
        quiet = not options["show_mail"]
        with _quiet(quiet), transaction.atomic():
            users = {row[0]: self._account(*row, with_passwords) for row in ACCOUNTS}
            for topic in TOPICS:
                Topic.objects.get_or_create(name=topic)
            built = demo_build(
                people=People(
                    editor=users["editor"],
                    okafor=users["dr.okafor"],
                    lindqvist=users["dr.lindqvist"],
                )
            )
        made = len(built.articles)
        self.stdout.write(
            f"Demo content: {made} article(s) created; {built.references} reference(s) added "
            "to the library."
        )
        told = Notification.objects.count() - sent_before
        if told:
            self.stdout.write(f"{told} notification(s) in the demo accounts' inboxes.")
        if with_passwords:
            login = f"{settings.SITE_URL.rstrip('/')}/accounts/login/"
            self.stdout.write(f"Demo accounts (log in at {login}):")
            for username, _first, _last, role, password, _profile in ACCOUNTS:
                self.stdout.write(f"  {role:<16} {username:<14} password: {password}")
        else:
            self.stdout.write("Demo accounts have no usable password outside local settings.")

    def _account(
        self,
        username: str,
        first: str,
        last: str,
        role: str,
        password: str,
        profile: tuple[str, str, str] | None,
        with_passwords: bool,
    ) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            if with_passwords:
                user.set_password(password)
            else:
                user.set_unusable_password()
            if role == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
        if role != "admin":
            user.groups.add(Group.objects.get(name=role))
        if profile is not None:
            credentials, specialty, bio = profile
            BoardProfile.objects.get_or_create(
                user=user, defaults={"credentials": credentials, "specialty": specialty, "bio": bio}
            )
        return user
