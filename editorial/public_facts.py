"""The public facts the article page and the board page show, read from editorial's tables.

Configured as IMPRIMATUR_PUBLIC_FACTS; see articles.public.facts for the interface.
"""

import functools
from collections.abc import Iterable
from typing import Any

from django.db import connection

from articles.models import Revision
from articles.public.facts import PublicApprover, PublicBoardMember
from articles.sql_rows import Converter, field_converters, values_converted
from editorial.models import (
    BoardProfile,
    InterestDeclaration,
    InterestEntry,
    ReviewDecision,
    User,
)

# What the article pages show of a person (revision_approvers: str(user), which is the full
# name or else the username, and the profile's credentials and specialty). A change of any
# other field (e-mail, password, last login, roles, bio...) retires no page.
PUBLIC_PERSON_FIELDS = frozenset(
    {"first_name", "last_name", "username", "credentials", "specialty"}
)


def person_change_shows_on_pages(*, user: User, changed: Iterable[str]) -> bool:
    """Whether a change of `changed` fields of `user` or their board profile alters an article
    page: a field pages show, of someone who approved a revision (one query at most)."""
    if not PUBLIC_PERSON_FIELDS.intersection(changed):
        return False
    return ReviewDecision.objects.filter(
        reviewer=user, verdict=ReviewDecision.Verdict.APPROVE
    ).exists()


def _approvals_sql() -> str:
    quote = connection.ops.quote_name
    return f"""
SELECT person.first_name, person.last_name, person.username, profile.credentials,
       profile.specialty, decision.decided_at, declaration.id, declaration.has_interests
FROM {quote(ReviewDecision._meta.db_table)} decision
JOIN {quote(User._meta.db_table)} person ON person.id = decision.reviewer_id
LEFT JOIN {quote(BoardProfile._meta.db_table)} profile ON profile.user_id = person.id
LEFT JOIN {quote(InterestDeclaration._meta.db_table)} declaration
  ON declaration.assignment_id = decision.assignment_id
WHERE decision.revision_id = %s AND decision.review_round = %s AND decision.verdict = %s
ORDER BY decision.decided_at, decision.id
"""  # noqa: S608 (table names from our models; every value a parameter)


@functools.cache
def _approvals_converters() -> list[tuple[Any, list[Converter]]]:
    """Per process (one database): what a queryset would convert decided_at and the flag with."""
    decided = ReviewDecision._meta.get_field("decided_at")
    flag = InterestDeclaration._meta.get_field("has_interests")
    return [
        field_converters(decided, alias="decision"),
        field_converters(flag, alias="declaration"),
    ]


class EditorialPublicFacts:
    def revision_approvers(self, *, revision: Revision) -> list[PublicApprover]:
        """The approvals of the round that approved `revision` (one query, any number; a
        second for the declared interests when an approver declared any). Written as SQL: the
        article page built from the database reads it, and the queryset cost more to build
        than the statement to run."""
        with connection.cursor() as cursor:
            cursor.execute(
                _approvals_sql(),
                [revision.pk, revision.review_round, ReviewDecision.Verdict.APPROVE.value],
            )
            rows = cursor.fetchall()
        decided: list[tuple[Any, ...]] = []
        declared: list[int] = []
        for first, last, username, credentials, specialty, at, declaration, has in rows:
            at, has = values_converted([at, has], _approvals_converters())
            if declaration is not None and has:
                declared.append(declaration)
            # The name as the workspace shows it (User.__str__).
            name = str(User(first_name=first, last_name=last, username=username))
            decided.append((name, credentials, specialty, at, declaration if has else None))
        # The declared interests only of those who declared any: most declare none, and then
        # the page costs no second query.
        entries: dict[int, list[InterestEntry]] = {}
        if declared:
            for entry in InterestEntry.objects.filter(declaration_id__in=declared).order_by("pk"):
                entries.setdefault(entry.declaration_id, []).append(entry)
        return [
            PublicApprover(
                name=name,
                credentials=credentials or "",
                specialty=specialty or "",
                approved_at=at,
                disclosures=tuple(
                    f"{entry.get_kind_display()}: {entry.details}"
                    for entry in entries.get(declaration, [])
                )
                if declaration is not None
                else (),
            )
            for name, credentials, specialty, at, declaration in decided
        ]

    def board_members_listed(self) -> list[PublicBoardMember]:
        """Listed profiles of active accounts (one query)."""
        profiles = BoardProfile.objects.filter(is_listed=True, user__is_active=True).select_related(
            "user"
        )
        return [
            PublicBoardMember(
                name=str(profile.user),
                credentials=profile.credentials,
                specialty=profile.specialty,
                bio=profile.bio,
            )
            for profile in profiles
        ]
