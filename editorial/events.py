"""What can happen, once: every audit action with its label, the sentence people read in the
audit trail, the inbox and the e-mail, the e-mail's subject and who is told.

Adding an action is one entry here plus the function that records it; tests fail when an
action lacks any of these. Sentences name the actor, the person concerned (`subject`) and the
revision's number; "Imprimatur" stands for the scheduler when nobody acted.
"""

from dataclasses import dataclass
from enum import StrEnum

SYSTEM_NAME = "Imprimatur"

# A declaration's note, as its reviewer and the editors read it ("financial: ..." or this).
NO_INTERESTS_NOTE = "No interests"
# What the other reviewers of the revision read instead (Read.SENTENCE): whether, not what.
DECLARED_NO_INTERESTS = "Declared no interests."
DECLARED_INTERESTS = "Declared interests (their details are for the editors)."


class Told(StrEnum):
    """Who hears of an event (never its actor, never an inactive account), as they are when
    it happens (editorial.notifications)."""

    NOBODY = "nobody"
    EDITORS = "editors"  # everyone in the Editors group
    SUBJECT = "subject"  # the person the event concerns (invited, removed, reminded...)
    REVIEWERS = "reviewers"  # the revision's invited and accepted reviewers
    TEXT_OWNERS = "text-owners"  # the revision's author and last editor
    THREAD = "thread"  # who wrote in the comment's thread (still able to read it)
    COMMENT_AUTHOR = "comment-author"  # who started the thread


class Read(StrEnum):
    """Who reads an event in the audit trail (history, article page, API) besides the editors,
    who read every event and every note. Only the reviewers of the event's revision (invited or
    accepted now) ever read it; the reviewers of other revisions of the article never do."""

    REVIEWERS = "reviewers"  # the revision's reviewers: the sentence and the note
    SENTENCE = "sentence"  # the revision's reviewers: the sentence; the note only its parties
    PARTIES = "parties"  # only its actor and its subject (the reviewer reminded)
    EDITORS = "editors"  # editors only


@dataclass(frozen=True)
class EventType:
    label: str  # a noun phrase, for lists and filters
    sentence: str  # past tense: "{actor} approved revision {number}"
    subject: str  # the e-mail subject after the article's title
    told: tuple[Told, ...]
    read: Read


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
        # Its reviewers, who are there only when it comes back to them (sent back for changes,
        # or withdrawn): a first submission has nobody reviewing it yet.
        (Told.EDITORS, Told.REVIEWERS),
        Read.REVIEWERS,
    ),
    A.REREVIEW: EventType(
        "Re-review opened",
        "{actor} opened the scheduled re-review: revision {number} is submitted",
        "re-review opened",
        (Told.EDITORS,),
        Read.REVIEWERS,
    ),
    A.REREVIEW_BLOCKED: EventType(
        "Re-review held back",
        "{actor} could not submit revision {number} for its scheduled re-review",
        "a re-review could not be submitted",
        (Told.EDITORS,),
        Read.EDITORS,
    ),
    A.ASSIGN: EventType(
        "Reviewer invited",
        "{actor} invited {subject} to review revision {number}",
        "you are invited to review",
        (Told.SUBJECT,),
        Read.SENTENCE,
    ),
    A.ACCEPT: EventType(
        "Invitation accepted",
        "{actor} accepted to review revision {number}",
        "a reviewer accepted",
        (Told.SUBJECT,),
        Read.REVIEWERS,
    ),
    A.DECLINE: EventType(
        "Invitation declined",
        "{actor} declined to review revision {number}",
        "a reviewer declined",
        (Told.SUBJECT,),
        Read.SENTENCE,
    ),
    A.REMOVE: EventType(
        "Reviewer removed",
        "{actor} removed {subject} from the review of revision {number}",
        "you were removed as a reviewer",
        (Told.SUBJECT,),
        Read.SENTENCE,
    ),
    A.DECLARE: EventType(
        "Interests declared",
        "{actor} declared their interests for revision {number}",
        "interests declared",
        (Told.NOBODY,),
        Read.SENTENCE,
    ),
    A.DECISION: EventType(
        "Approval given",
        "{actor} approved revision {number}",
        "a reviewer made a decision",
        (Told.TEXT_OWNERS,),
        Read.REVIEWERS,
    ),
    A.APPROVE: EventType(
        "Approved",
        "{actor} gave the approval that approves revision {number}",
        "approved",
        (Told.TEXT_OWNERS, Told.REVIEWERS),
        Read.REVIEWERS,
    ),
    A.REQUEST_CHANGES: EventType(
        "Changes requested",
        "{actor} requested changes to revision {number}",
        "changes requested",
        (Told.TEXT_OWNERS, Told.REVIEWERS),
        Read.REVIEWERS,
    ),
    A.WITHDRAW: EventType(
        "Withdrawn from review",
        "{actor} withdrew revision {number} from review",
        "withdrawn from review",
        (Told.REVIEWERS,),
        Read.REVIEWERS,
    ),
    A.PUBLISH: EventType(
        "Published",
        "{actor} published revision {number}",
        "published",
        (Told.TEXT_OWNERS,),
        Read.SENTENCE,
    ),
    A.UNPUBLISH: EventType(
        "Unpublished",
        "{actor} took revision {number} off the public site",
        "unpublished",
        (Told.TEXT_OWNERS,),
        Read.SENTENCE,
    ),
    A.COMMENT: EventType(
        "Comment",
        "{actor} commented on revision {number}",
        "a new comment",
        (Told.TEXT_OWNERS,),
        Read.REVIEWERS,
    ),
    A.REPLY: EventType(
        "Reply",
        "{actor} replied in a thread on revision {number}",
        "a reply in your thread",
        (Told.THREAD,),
        Read.REVIEWERS,
    ),
    A.RESOLVE: EventType(
        "Comment resolved",
        "{actor} resolved a comment on revision {number}",
        "your comment was resolved",
        (Told.COMMENT_AUTHOR,),
        Read.REVIEWERS,
    ),
    A.REOPEN: EventType(
        "Comment reopened",
        "{actor} reopened a comment on revision {number}",
        "your comment was reopened",
        (Told.COMMENT_AUTHOR,),
        Read.REVIEWERS,
    ),
    A.REMINDER: EventType(
        "Review due soon",
        "{actor} reminded {subject} that the review of revision {number} is due soon",
        "your review is due soon",
        (Told.SUBJECT,),
        Read.PARTIES,
    ),
    A.OVERDUE: EventType(
        "Review overdue",
        "{actor} reminded {subject} that the review of revision {number} is overdue",
        "your review is overdue",
        (Told.SUBJECT,),
        Read.PARTIES,
    ),
    A.OVERDUE_EDITORS: EventType(
        "Review a week overdue",
        "{actor} told the editors that {subject}'s review of revision {number} is a week overdue",
        "a review is a week overdue",
        (Told.EDITORS,),
        Read.EDITORS,
    ),
    A.REFERENCE_CHANGED: EventType(
        "Cited reference changed",
        "{actor} changed a reference that revision {number} cites",
        "a cited reference changed",
        (Told.EDITORS,),
        Read.REVIEWERS,
    ),
    A.RESTORE: EventType(
        "Earlier text restored",
        "{actor} started revision {number} as a new draft with the text of an earlier revision",
        "an earlier text was restored as a new draft",
        (Told.EDITORS,),
        Read.REVIEWERS,
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


def actions_read_by(*reads: Read) -> list[str]:
    """The actions whose events are read as `reads` say (for the audit trail's selector)."""
    return [action.value for action, type_ in EVENT_TYPES.items() if type_.read in reads]
