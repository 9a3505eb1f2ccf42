"""The approval policy: how many approvals, and which specialty, approve a revision; whether
one editor may publish an editorial change."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from articles.models import Article, Revision
from articles.selectors import article_writer_ids
from editorial.models import ApprovalPolicy, BoardProfile, ReviewAssignment, ReviewDecision, User


@dataclass(frozen=True)
class Policy:
    min_approvals: int
    required_specialty: str = ""
    # An editorial change (wording, links, typos) to a reviewed text may be published on one
    # editor's approval, without the board (editorial.workflow.guards.editorial_by_one_editor).
    editorial_by_one_editor: bool = False


@dataclass(frozen=True)
class QuorumState:
    policy: Policy
    approvals: int
    has_specialty: bool

    @property
    def reached(self) -> bool:
        return self.approvals >= self.policy.min_approvals and self.has_specialty

    def summary(self) -> str:
        text = f"{self.approvals} of {self.policy.min_approvals} approvals"
        if self.policy.required_specialty:
            missing = "" if self.has_specialty else " missing"
            text += f"; {self.policy.required_specialty} approver{missing}"
        return text


def policy_for(*, article: Article) -> Policy:
    """The active policy of the article's topic, else the default row, else the setting."""
    rows = {
        row.topic.casefold(): row
        for row in ApprovalPolicy.objects.filter(
            Q(topic="") | Q(topic__iexact=article.topic), is_active=True
        )
    }
    row = rows.get(article.topic.casefold()) or rows.get("")
    if row is None:
        return Policy(
            min_approvals=settings.IMPRIMATUR_MIN_APPROVALS,
            editorial_by_one_editor=settings.IMPRIMATUR_EDITORIAL_BY_ONE_EDITOR,
        )
    return Policy(
        min_approvals=row.min_approvals,
        required_specialty=row.required_specialty,
        editorial_by_one_editor=row.editorial_by_one_editor,
    )


def quorum_state(*, revision: Revision, approving: User | None = None) -> QuorumState:
    """Approvals that count on this revision in its current round; with `approving`, as they
    would be once that reviewer's approval is added (what their confirmation says).

    Nobody who wrote or edited any revision of the article counts, nor reviewers no longer
    accepted; a decision on another revision is not looked at.
    """
    policy = policy_for(article=revision.article)
    approver_ids = set(
        ReviewDecision.objects.filter(
            revision=revision,
            review_round=revision.review_round,
            verdict=ReviewDecision.Verdict.APPROVE,
            assignment__state=ReviewAssignment.State.ACCEPTED,
        ).values_list("reviewer_id", flat=True)
    )
    if approving is not None:
        approver_ids.add(approving.pk)
    approver_ids -= article_writer_ids(article_id=revision.article_id)
    has_specialty = True
    if policy.required_specialty:
        has_specialty = BoardProfile.objects.filter(
            user_id__in=approver_ids, specialty__iexact=policy.required_specialty
        ).exists()
    return QuorumState(policy=policy, approvals=len(approver_ids), has_specialty=has_specialty)
