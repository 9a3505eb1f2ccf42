"""What the public site shows of people and process: a revision's approvers and the board.

`articles` never imports `editorial`, yet the article page names its reviewers. The data comes
from a source object named by the IMPRIMATUR_PUBLIC_FACTS setting, which implements
PublicFactsSource (editorial.public_facts.EditorialPublicFacts in this project); articles owns
the interface and the plain records, editorial owns the queries.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from articles.models import Revision


@dataclass(frozen=True)
class PublicApprover:
    """A board member who approved a revision, as readers may see them."""

    name: str
    credentials: str
    specialty: str
    approved_at: datetime
    disclosures: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicBoardMember:
    name: str
    credentials: str
    specialty: str
    bio: str


# The common table expression of the article page's statement (articles.public.page_reads) an
# ApprovalsQuery reads: the page's revisions, with their `id` and `review_round` columns.
PAGE_REVISIONS = "page_revisions"


@dataclass(frozen=True)
class ApprovalsQuery:
    """The approvals of the page's revisions, read by the article page's own statement
    (articles.public.page_reads) rather than by a statement of their own: `sql` selects
    approvals joined to PAGE_REVISIONS, the revision's id first; `nulls`, as many NULLs of its
    columns' types (the statement's other rows); `params`, its parameters. The source makes
    the approvers of the rows of one revision (approvers_of_rows)."""

    sql: str
    nulls: str
    params: tuple[Any, ...] = ()


class PublicFactsSource(Protocol):
    def revision_approvers(self, *, revision: Revision) -> list[PublicApprover]:
        """Who approved `revision` in its approving round, in the order they approved."""
        ...

    def approvals_query(self) -> ApprovalsQuery | None:
        """The approvals as the article page's statement reads them (None: it does not, and
        the page asks revision_approvers)."""
        ...

    def approvers_of_rows(self, rows: Sequence[Sequence[Any]]) -> list[PublicApprover]:
        """revision_approvers of a revision, from the rows of approvals_query for it."""
        ...

    def board_members_listed(self) -> list[PublicBoardMember]:
        """The board members the public may see, in display order."""
        ...


class NoPublicFacts:
    """The source when none is configured: nobody to show."""

    def revision_approvers(self, *, revision: Revision) -> list[PublicApprover]:
        return []

    def approvals_query(self) -> ApprovalsQuery | None:
        return None

    def approvers_of_rows(self, rows: Sequence[Sequence[Any]]) -> list[PublicApprover]:
        return []

    def board_members_listed(self) -> list[PublicBoardMember]:
        return []


@functools.cache
def _source(path: str) -> PublicFactsSource:
    source: PublicFactsSource = import_string(path)() if path else NoPublicFacts()
    return source


def public_facts() -> PublicFactsSource:
    """The configured source (IMPRIMATUR_PUBLIC_FACTS, a dotted path to a class)."""
    return _source(getattr(settings, "IMPRIMATUR_PUBLIC_FACTS", ""))
