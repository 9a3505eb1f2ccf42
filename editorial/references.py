"""Changes to the reference library made from the workspace or the API.

The articles service writes the version; what the editorial side does after a change (telling
the editors whose articles cite it) hangs here, so that every caller gets it.
"""

from typing import Any

from articles.references import services
from articles.references.models import Reference
from editorial.models import User


def reference_revise(
    *, reference: Reference, actor: User, **fields: Any
) -> services.VersionWritten:
    """Add the next version of `reference` (fields as `reference_version_create` takes them).

    Raises ReferenceInvalid as that service does.
    """
    return services.reference_version_create(reference=reference, actor=actor, **fields)
