"""Published content for the public-site browser tests, reached through the real workflow.

Every page the accessibility, phone-width and print tests open is built here, so that they look
at the page a reader really gets: numbered citations and a reference list, reviewers with
credentials and a disclosure, the caution banner while under review, the fallback note.
"""

from dataclasses import dataclass

from django.conf import settings

from articles.models import Article, Revision
from editorial import review, workflow
from editorial.models import BoardProfile, User
from tests.factories import (
    BoardMemberFactory,
    EditorFactory,
    ReferenceFactory,
    RevisionFactory,
    assign_ready,
)

LONG_URL = "https://guidelines.example.org/musculoskeletal/heel-pain/plantar-fasciitis-management-2024-update.html"
BODY = f"""\
Plantar heel pain usually settles with simple care within a year [@a11y-guideline; @a11y-cohort].

## What helps most

- Calf and plantar-fascia stretches, twice a day.
- Supportive shoes with a cushioned heel.
- A short course of pain relief when needed [@a11y-cohort].

| Treatment | Typical time to benefit |
| --- | --- |
| Stretching | 6 to 8 weeks |
| Heel cups | 2 to 4 weeks |

The full guideline is online: [heel pain guideline]({LONG_URL}).
An unusually long word must still wrap on a phone: Pneumonoultramicroscopicsilicovolcanoconiosis.
"""


@dataclass(frozen=True)
class Scene:
    approved: Article  # approved, with two reviewers (one declared an interest) and references
    pending: Article  # published while under review: the caution banner
    editor: User
    reviewers: list[User]


def _references() -> None:
    ReferenceFactory(
        key="a11y-guideline",
        type="guideline",
        csl={
            "type": "webpage",
            "title": "Plantar heel pain in adults: assessment and management",
            "author": [{"literal": "National Guideline Group"}],
            "container-title": "Clinical guidelines",
            "URL": LONG_URL,
            "issued": {"date-parts": [[2024]]},
        },
    )
    ReferenceFactory(key="a11y-cohort", title="Stretching for plantar heel pain", year=2021)


def _reviewers() -> list[User]:
    first = BoardMemberFactory(first_name="Ada", last_name="Okafor")
    second = BoardMemberFactory(first_name="Lars", last_name="Lindqvist")
    BoardProfile.objects.filter(user=first).update(
        credentials="MD, FACP",
        specialty="Internal medicine",
        bio="Ada Okafor has looked after adults with long-term conditions for twenty years.",
    )
    BoardProfile.objects.filter(user=second).update(
        credentials="MD, PhD", specialty="Sports medicine", bio="Lars Lindqvist leads a clinic."
    )
    return [first, second]


def scene_build() -> Scene:
    """Two published articles and two board members; needs IMPRIMATUR_MIN_APPROVALS >= 2."""
    assert settings.IMPRIMATUR_MIN_APPROVALS == 2
    editor = EditorFactory(first_name="Edna", last_name="Editor")
    reviewers = _reviewers()
    _references()

    revision: Revision = RevisionFactory(
        author=editor,
        canonical_body=BODY,
        article__title="What helps plantar heel pain?",
        article__topic="Sports medicine",
    )
    workflow.revision_submit(revision=revision, actor=editor)
    first = assign_ready(revision, editor=editor, reviewer=reviewers[0])
    review.interests_declare(
        assignment=first,
        actor=reviewers[0],
        none=False,
        interests=[review.Interest("professional", "Advises a podiatry charity")],
    )
    assign_ready(revision, editor=editor, reviewer=reviewers[1])
    for reviewer in reviewers:
        workflow.revision_approve(revision=revision, actor=reviewer)
    approved = workflow.article_publish(revision=revision, actor=editor)

    pending_revision: Revision = RevisionFactory(
        author=editor,
        canonical_body="Rest, ice and graded loading help most people with Achilles pain.",
        article__title="How long does Achilles tendinopathy take to heal?",
        article__topic="Sports medicine",
    )
    workflow.revision_submit(revision=pending_revision, actor=editor)
    assign_ready(pending_revision, editor=editor, reviewer=reviewers[0])
    pending = workflow.article_publish(revision=pending_revision, actor=editor)
    return Scene(approved=approved, pending=pending, editor=editor, reviewers=reviewers)
