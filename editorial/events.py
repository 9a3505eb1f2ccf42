"""What can happen, once: every audit action with its label, the sentence people read in the
audit trail, the inbox and the e-mail, the e-mail's subject and who is told.

Adding an action is one entry here plus the function that records it; tests fail when an
action lacks any of these. Sentences name the actor, the person concerned (`subject`) and the
revision's number; "Imprimatur" stands for the scheduler when nobody acted.
"""

from dataclasses import dataclass
from enum import StrEnum

SYSTEM_NAME = "Imprimatur"


class Told(StrEnum):
    """Who hears of an event (never its actor, never an inactive account)."""

    NOBODY = "nobody"
    EDITORS = "editors"  # everyone in the Editors group
    SUBJECT = "subject"  # the person the event concerns (invited, removed, reminded...)
    REVIEWERS = "reviewers"  # the revision's invited and accepted reviewers
    TEXT_OWNERS = "text-owners"  # the revision's author and last editor
    THREAD = "thread"  # who wrote in the comment's thread (still able to read it)
    COMMENT_AUTHOR = "comment-author"  # who started the thread


@dataclass(frozen=True)
class EventType:
    label: str  # a noun phrase, for lists and filters
    sentence: str  # past tense: "{actor} approved revision {number}"
    subject: str  # the e-mail subject after the article's title
    told: tuple[Told, ...]


class AuditAction(StrEnum):
    SUBMIT = "submit"
    REREVIEW = "re-review"
    REREVIEW_BLOCKED = "re-review-blocked"
    ASSIGN = "assign-reviewer"
    ACCEPT = "accept"
    DECLINE = "decline"
    REMOVE = "remove-reviewer"
    DECLARE = "declare-interests"
    DECISION = "decision"
    APPROVE = "approve"
    REQUEST_CHANGES = "request-changes"
    WITHDRAW = "withdraw"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    COMMENT = "comment"
    REPLY = "reply"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    REMINDER = "reminder"
    OVERDUE = "overdue"
    OVERDUE_EDITORS = "overdue-editors"
    REFERENCE_CHANGED = "reference-changed"
    RESTORE = "restore-revision"

    @property
    def type(self) -> EventType:
        return EVENT_TYPES[self]

    @property
    def label(self) -> str:
        return self.type.label


A = AuditAction
EVENT_TYPES: dict[AuditAction, EventType] = {
    A.SUBMIT: EventType(
        "Submitted for review",
        "{actor} submitted revision {number} for review",
        "submitted for review",
        (Told.EDITORS,),
    ),
    A.REREVIEW: EventType(
        "Re-review opened",
        "{actor} opened the scheduled re-review: revision {number} is submitted",
        "re-review opened",
        (Told.EDITORS,),
    ),
    A.REREVIEW_BLOCKED: EventType(
        "Re-review held back",
        "{actor} could not submit revision {number} for its scheduled re-review",
        "a re-review could not be submitted",
        (Told.EDITORS,),
    ),
    A.ASSIGN: EventType(
        "Reviewer invited",
        "{actor} invited {subject} to review revision {number}",
        "you are invited to review",
        (Told.SUBJECT,),
    ),
    A.ACCEPT: EventType(
        "Invitation accepted",
        "{actor} accepted to review revision {number}",
        "a reviewer accepted",
        (Told.SUBJECT,),
    ),
    A.DECLINE: EventType(
        "Invitation declined",
        "{actor} declined to review revision {number}",
        "a reviewer declined",
        (Told.SUBJECT,),
    ),
    A.REMOVE: EventType(
        "Reviewer removed",
        "{actor} removed {subject} from the review of revision {number}",
        "you were removed as a reviewer",
        (Told.SUBJECT,),
    ),
    A.DECLARE: EventType(
        "Interests declared",
        "{actor} declared their interests for revision {number}",
        "interests declared",
        (Told.NOBODY,),
    ),
    A.DECISION: EventType(
        "Approval given",
        "{actor} approved revision {number}",
        "a reviewer made a decision",
        (Told.TEXT_OWNERS,),
    ),
    A.APPROVE: EventType(
        "Approved",
        "{actor} gave the approval that approves revision {number}",
        "approved",
        (Told.TEXT_OWNERS, Told.REVIEWERS),
    ),
    A.REQUEST_CHANGES: EventType(
        "Changes requested",
        "{actor} requested changes to revision {number}",
        "changes requested",
        (Told.TEXT_OWNERS, Told.REVIEWERS),
    ),
    A.WITHDRAW: EventType(
        "Withdrawn from review",
        "{actor} withdrew revision {number} from review",
        "withdrawn from review",
        (Told.REVIEWERS,),
    ),
    A.PUBLISH: EventType(
        "Published",
        "{actor} published revision {number}",
        "published",
        (Told.TEXT_OWNERS,),
    ),
    A.UNPUBLISH: EventType(
        "Unpublished",
        "{actor} took revision {number} off the public site",
        "unpublished",
        (Told.TEXT_OWNERS,),
    ),
    A.COMMENT: EventType(
        "Comment",
        "{actor} commented on revision {number}",
        "a new comment",
        (Told.TEXT_OWNERS,),
    ),
    A.REPLY: EventType(
        "Reply",
        "{actor} replied in a thread on revision {number}",
        "a reply in your thread",
        (Told.THREAD,),
    ),
    A.RESOLVE: EventType(
        "Comment resolved",
        "{actor} resolved a comment on revision {number}",
        "your comment was resolved",
        (Told.COMMENT_AUTHOR,),
    ),
    A.REOPEN: EventType(
        "Comment reopened",
        "{actor} reopened a comment on revision {number}",
        "your comment was reopened",
        (Told.COMMENT_AUTHOR,),
    ),
    A.REMINDER: EventType(
        "Review due soon",
        "{actor} reminded {subject} that the review of revision {number} is due soon",
        "your review is due soon",
        (Told.SUBJECT,),
    ),
    A.OVERDUE: EventType(
        "Review overdue",
        "{actor} reminded {subject} that the review of revision {number} is overdue",
        "your review is overdue",
        (Told.SUBJECT,),
    ),
    A.OVERDUE_EDITORS: EventType(
        "Review a week overdue",
        "{actor} told the editors that {subject}'s review of revision {number} is a week overdue",
        "a review is a week overdue",
        (Told.EDITORS,),
    ),
    A.REFERENCE_CHANGED: EventType(
        "Cited reference changed",
        "{actor} changed a reference that revision {number} cites",
        "a cited reference changed",
        (Told.EDITORS,),
    ),
    A.RESTORE: EventType(
        "Earlier text restored",
        "{actor} started revision {number} as a new draft with the text of an earlier revision",
        "an earlier text was restored as a new draft",
        (Told.EDITORS,),
    ),
}


def event_sentence(
    action: str, *, actor: object | None, subject: object | None, number: int | None
) -> str:
    """The past-tense sentence of an event ("Rhea Reviewer approved revision 2")."""
    sentence = AuditAction(action).type.sentence.format(
        actor=actor or SYSTEM_NAME,
        subject=subject or "a reviewer",
        number=number if number is not None else "?",
    )
    return sentence[:1].upper() + sentence[1:]
