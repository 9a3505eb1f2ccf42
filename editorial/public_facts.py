"""The public facts the article page and the board page show, read from editorial's tables.

Configured as IMPRIMATUR_PUBLIC_FACTS; see articles.public.facts for the interface.
"""

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from articles.models import Revision
from articles.public.facts import (
    PAGE_REVISIONS,
    ApprovalsQuery,
    PublicApprover,
    PublicBoardMember,
)
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


# What an approval shows, each column as (its table's alias, its field): read by
# revision_approvers, and by approvals_query after the approval's revision and its own id.
_DECIDED_AT = ReviewDecision._meta.get_field("decided_at")
_HAS_INTERESTS = InterestDeclaration._meta.get_field("has_interests")
_SHOWN: tuple[tuple[str, Any], ...] = (
    ("person", User._meta.get_field("first_name")),
    ("person", User._meta.get_field("last_name")),
    ("person", User._meta.get_field("username")),
    ("profile", BoardProfile._meta.get_field("credentials")),
    ("profile", BoardProfile._meta.get_field("specialty")),
    ("decision", _DECIDED_AT),
    ("declaration", InterestDeclaration._meta.pk),
    ("declaration", _HAS_INTERESTS),
)
_LEADING: tuple[tuple[str, Any], ...] = (
    ("decision", ReviewDecision._meta.get_field("revision")),
    ("decision", ReviewDecision._meta.pk),
)
# Where an approvals_query row has its approval's id and decision time (the page's order).
_ID_AT = len(_LEADING) - 1
_DECIDED_AT_IN_ROW = len(_LEADING) + [field for _, field in _SHOWN].index(_DECIDED_AT)


def _columns(columns: Sequence[tuple[str, Any]]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(str(field.column))}" for alias, field in columns)


def _approvals_from() -> str:
    quote = connection.ops.quote_name
    return f"""FROM {quote(ReviewDecision._meta.db_table)} decision
JOIN {quote(User._meta.db_table)} person ON person.id = decision.reviewer_id
LEFT JOIN {quote(BoardProfile._meta.db_table)} profile ON profile.user_id = person.id
LEFT JOIN {quote(InterestDeclaration._meta.db_table)} declaration
  ON declaration.assignment_id = decision.assignment_id"""


def _approvals_sql() -> str:
    return f"""
SELECT {_columns(_SHOWN)}
{_approvals_from()}
WHERE decision.revision_id = %s AND decision.review_round = %s AND decision.verdict = %s
ORDER BY decision.decided_at, decision.id
"""


@functools.cache
def _approvals_query(vendor: str) -> ApprovalsQuery:
    """approvals_query's statement (per database vendor): the approvals of each of the page's
    revisions in its current round, each led by its revision and its own id (for the order)."""
    columns = (*_LEADING, *_SHOWN)
    sql = f"""SELECT {_columns(columns)}
{_approvals_from()}
JOIN {PAGE_REVISIONS} page_revision ON page_revision.id = decision.revision_id
  AND page_revision.review_round = decision.review_round
WHERE decision.verdict = %s"""
    return ApprovalsQuery(
        sql=sql,
        nulls=", ".join(f"CAST(NULL AS {field.cast_db_type(connection)})" for _, field in columns),
        params=(ReviewDecision.Verdict.APPROVE.value,),
    )


@functools.cache
def _approvals_converters() -> list[tuple[Any, list[Converter]]]:
    """Per process (one database): what a queryset would convert decided_at and the flag with."""
    return [
        field_converters(_DECIDED_AT, alias="decision"),
        field_converters(_HAS_INTERESTS, alias="declaration"),
    ]


def _approvers(rows: Sequence[Sequence[Any]]) -> list[PublicApprover]:
    """The approvers from rows of _APPROVAL_COLUMNS, in their order; the declared interests
    only of those who declared any (then one query: most declare none, and the page costs no
    second query)."""
    decided: list[tuple[Any, ...]] = []
    declared: list[int] = []
    for first, last, username, credentials, specialty, at, declaration, has in rows:
        at, has = values_converted([at, has], _approvals_converters())
        if declaration is not None and has:
            declared.append(declaration)
        # The name as the workspace shows it (User.__str__).
        name = str(User(first_name=first, last_name=last, username=username))
        decided.append((name, credentials, specialty, at, declaration if has else None))
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


class EditorialPublicFacts:
    def revision_approvers(self, *, revision: Revision) -> list[PublicApprover]:
        """The approvals of the round that approved `revision` (one query, any number; a
        second for the declared interests when an approver declared any). Written as SQL: the
        queryset cost more to build than the statement to run. (The article page reads them
        with its own statement: approvals_query.)"""
        with connection.cursor() as cursor:
            cursor.execute(
                _approvals_sql(),
                [revision.pk, revision.review_round, ReviewDecision.Verdict.APPROVE.value],
            )
            rows = cursor.fetchall()
        return _approvers(rows)

    def approvals_query(self) -> ApprovalsQuery:
        return _approvals_query(connection.vendor)

    def approvers_of_rows(self, rows: Sequence[Sequence[Any]]) -> list[PublicApprover]:
        """revision_approvers' answer from the rows of approvals_query for one revision: in
        the order they approved (then of the approvals' ids), as revision_approvers orders
        them (SQLite's dates are ISO text, which sorts as the dates do)."""
        ordered = sorted(rows, key=lambda row: (row[_DECIDED_AT_IN_ROW], row[_ID_AT]))
        return _approvers([row[len(_LEADING) :] for row in ordered])

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
