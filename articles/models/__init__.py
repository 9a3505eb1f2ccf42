"""The articles app's models: content, what readers and administrators keep, what the code
derives, and the reference library (articles/references/models.py)."""

from articles.models.content import (
    NEEDS_AN_EDITOR,
    READER_SUMMARY_MAX_LENGTH,
    REVISION_LOCKED,
    Article,
    ArticleOldSlug,
    AudienceBody,
    AudienceLevel,
    ChangeKind,
    ReviewStatus,
    Revision,
    Topic,
    text_hash,
)
from articles.models.derived import (
    ArticlePassage,
    ArticleSearchDocument,
    FailedTask,
    OutboxMessage,
    PageGeneration,
    StoredPage,
)
from articles.models.site import QUESTION_MAX_LENGTH, FollowUpQuestion, ReaderPreference, SitePage
from articles.models.vocabulary import PlainTerm
from articles.references.models import (
    EvidenceLevel,
    IdentifierScheme,
    ImportUpload,
    Reference,
    ReferenceIdentifier,
    ReferenceStatus,
    ReferenceType,
    ReferenceVersion,
    RevisionCitation,
)

__all__ = [
    "NEEDS_AN_EDITOR",
    "QUESTION_MAX_LENGTH",
    "READER_SUMMARY_MAX_LENGTH",
    "REVISION_LOCKED",
    "Article",
    "ArticleOldSlug",
    "ArticlePassage",
    "ArticleSearchDocument",
    "AudienceBody",
    "AudienceLevel",
    "ChangeKind",
    "EvidenceLevel",
    "FailedTask",
    "FollowUpQuestion",
    "IdentifierScheme",
    "ImportUpload",
    "OutboxMessage",
    "PageGeneration",
    "PlainTerm",
    "ReaderPreference",
    "Reference",
    "ReferenceIdentifier",
    "ReferenceStatus",
    "ReferenceType",
    "ReferenceVersion",
    "ReviewStatus",
    "Revision",
    "RevisionCitation",
    "SitePage",
    "StoredPage",
    "Topic",
    "text_hash",
]
