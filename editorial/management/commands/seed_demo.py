"""Create the demo accounts and articles; safe to run again (nothing is duplicated)."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article, AudienceLevel
from articles.services import article_create, revision_edit
from editorial import review, workflow
from editorial.demo_content import ARTICLES
from editorial.models import BOARD_GROUP, EDITORS_GROUP, BoardProfile, User

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


class Command(BaseCommand):
    help = "Create demo accounts (one per role) and articles in several review states."

    def handle(self, *args: Any, **options: Any) -> None:
        with_passwords = getattr(settings, "IMPRIMATUR_DEMO_PASSWORDS", False)
        with transaction.atomic():
            users = {row[0]: self._account(*row, with_passwords) for row in ACCOUNTS}
            created = [self._article(spec, users) for spec in ARTICLES]
        made = sum(1 for c in created if c)
        self.stdout.write(f"Demo content: {made} article(s) created, {len(ARTICLES) - made} kept.")
        if with_passwords:
            self.stdout.write("Demo accounts (log in at http://127.0.0.1:8000/accounts/login/):")
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

    def _article(self, spec: dict[str, Any], users: dict[str, User]) -> bool:
        if Article.objects.filter(slug=spec["slug"]).exists():
            return False
        editor, board = users["editor"], [users["dr.okafor"], users["dr.lindqvist"]]
        article = article_create(
            slug=spec["slug"], title=spec["title"], topic=spec["topic"], author=editor
        )
        revision = article.revisions.get()
        levels = {level.slug: level for level in AudienceLevel.objects.all()}
        revision_edit(
            revision=revision,
            editor=editor,
            bodies={levels[slug]: text for slug, text in spec["bodies"].items()},
            change_summary="First version",
        )
        state = spec["state"]
        if state == "draft":
            return True
        workflow.revision_submit(revision=revision, actor=editor)
        if state == "submitted":
            return True
        for reviewer in board:
            assignment = workflow.revision_assign_reviewer(
                revision=revision, actor=editor, reviewer=reviewer
            )
            review.assignment_accept(assignment=assignment, actor=reviewer)
            review.interests_declare(assignment=assignment, actor=reviewer, none=True, interests=[])
        if state == "approved-published":
            for reviewer in board:
                workflow.revision_approve(
                    revision=revision, actor=reviewer, note="Accurate and well sourced."
                )
        workflow.article_publish(revision=revision, actor=editor)
        return True
