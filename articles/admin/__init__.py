"""The content admin, one module per family; what each model allows is decided in its module.
Importing them registers them."""

from articles.admin import content, records, references
from articles.admin.content import SECOND_CANONICAL, AudienceLevelForm
from articles.admin.mixins import (
    ReadOnlyAdminMixin,
    RetiresArticlePages,
    ServiceAdmin,
    ServiceForm,
    UndeletableAdminMixin,
)

__all__ = [
    "SECOND_CANONICAL",
    "AudienceLevelForm",
    "ReadOnlyAdminMixin",
    "RetiresArticlePages",
    "ServiceAdmin",
    "ServiceForm",
    "UndeletableAdminMixin",
    "content",
    "records",
    "references",
]
