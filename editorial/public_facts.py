"""The public facts the article page and the board page show, read from editorial's tables.

Configured as IMPRIMATUR_PUBLIC_FACTS; see articles.public.facts for the interface.
"""

from articles.models import Revision
from articles.public.facts import PublicApprover, PublicBoardMember
from editorial.models import BoardProfile, InterestDeclaration, ReviewDecision


def _disclosures(declaration: InterestDeclaration | None) -> tuple[str, ...]:
    if declaration is None or not declaration.has_interests:
        return ()
    return tuple(
        f"{entry.get_kind_display()}: {entry.details}" for entry in declaration.entries.all()
    )


class EditorialPublicFacts:
    def revision_approvers(self, *, revision: Revision) -> list[PublicApprover]:
        """The approvals of the round that approved `revision` (two queries, any number)."""
        decisions = (
            ReviewDecision.objects.filter(
                revision=revision,
                review_round=revision.review_round,
                verdict=ReviewDecision.Verdict.APPROVE,
            )
            .select_related("reviewer__board_profile", "assignment__declaration")
            .prefetch_related("assignment__declaration__entries")
            .order_by("decided_at", "pk")
        )
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
