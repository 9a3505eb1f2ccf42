"""The public facts the article page and the board page show, read from editorial's tables.

Configured as IMPRIMATUR_PUBLIC_FACTS; see articles.public.facts for the interface.
"""

from collections.abc import Iterable

from django.db.models import prefetch_related_objects

from articles.models import Revision
from articles.public.facts import PublicApprover, PublicBoardMember
from editorial.models import BoardProfile, InterestDeclaration, ReviewDecision, User

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


def _disclosures(declaration: InterestDeclaration | None) -> tuple[str, ...]:
    if declaration is None or not declaration.has_interests:
        return ()
    return tuple(
        f"{entry.get_kind_display()}: {entry.details}" for entry in declaration.entries.all()
    )


class EditorialPublicFacts:
    def revision_approvers(self, *, revision: Revision) -> list[PublicApprover]:
        """The approvals of the round that approved `revision` (one query, any number; a
        second for the declared interests when an approver declared any)."""
        decisions = (
            ReviewDecision.objects.filter(
                revision=revision,
                review_round=revision.review_round,
                verdict=ReviewDecision.Verdict.APPROVE,
            )
            .select_related("reviewer__board_profile", "assignment__declaration")
            .order_by("decided_at", "pk")
        )
        # The declared interests only of those who declared any: most declare none, and then
        # the page costs no second query.
        declared = [
            declaration
            for decision in decisions
            if (declaration := getattr(decision.assignment, "declaration", None)) is not None
            and declaration.has_interests
        ]
        prefetch_related_objects(declared, "entries")
        approvers = []
        for decision in decisions:
            profile = getattr(decision.reviewer, "board_profile", None)
            approvers.append(
                PublicApprover(
                    name=str(decision.reviewer),
                    credentials=profile.credentials if profile else "",
                    specialty=profile.specialty if profile else "",
                    approved_at=decision.decided_at,
                    disclosures=_disclosures(getattr(decision.assignment, "declaration", None)),
                )
            )
        return approvers

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
