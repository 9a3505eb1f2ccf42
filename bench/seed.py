"""A benchmark data set written in bulk: published, approved articles with a body for each
audience level, pinned references and two approvals each (used by bench/run.py).

The per-object workflow would take minutes for thousands of articles; this writes the same
rows with bulk_create in a few seconds. Bodies come in VARIANTS texts per level, each rendered
once (the stored HTML the workflow would have written at submission) and shared.
"""

import time
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from knox.models import AuthToken

from articles.models import (
    Article,
    AudienceBody,
    AudienceLevel,
    ReferenceVersion,
    ReviewStatus,
    Revision,
    RevisionCitation,
)
from articles.references.rendering import body_render, citation_work
from articles.references.services import reference_create
from editorial.models import (
    BOARD_GROUP,
    EDITORS_GROUP,
    BoardProfile,
    InterestDeclaration,
    ReviewAssignment,
    ReviewDecision,
    User,
)

REFERENCES = 120
VARIANTS = 20
CITED_PER_BODY = 6
TOPICS = ["Sports medicine", "Cardiology", "Dermatology", "Endocrinology", "Orthopaedics"]
SUBJECTS = ["tendon pain", "heart rhythm", "eczema", "thyroid", "knee cartilage", "back pain"]
PARAGRAPH = (
    "Most people with {subject} improve with {plan} over {weeks} weeks{cite}. Keep a record of "
    "symptoms, sleep and activity, and raise any new or worsening problem with your clinician. "
    "Pain that wakes you at night, fever or weight loss needs prompt review{cite2}."
)
PROFESSIONAL_EXTRA = (
    "\n\n## Evidence\n\n| Intervention | Effect | Certainty |\n|---|---|---|\n"
    "| Structured loading | moderate | moderate |\n| Injection | short-term | low |\n\n"
    "Consider referral when imaging and examination disagree{cite}."
)


def _text(variant: int, level: AudienceLevel, keys: list[str]) -> str:
    subject = SUBJECTS[variant % len(SUBJECTS)]
    cite = [f" [@{key}]" for key in keys]
    paragraphs = [
        PARAGRAPH.format(
            subject=subject,
            plan="graded exercise" if n % 2 else "rest and education",
            weeks=6 + n,
            cite=cite[n % len(cite)],
            cite2=f" [@{keys[(n + 1) % len(keys)]}; @{keys[(n + 2) % len(keys)]}]",
        )
        for n in range(6 if level.is_canonical else 4)
    ]
    text = f"## About {subject}\n\n" + "\n\n".join(paragraphs)
    if level.is_canonical:
        text += PROFESSIONAL_EXTRA.format(cite=cite[-1])
    return text


def _user(username: str, group: str, **names: str) -> User:
    user = User.objects.create_user(username=username, email=f"{username}@example.org", **names)
    user.groups.add(Group.objects.get(name=group))
    return user


def seed(*, articles: int, report: Callable[[str], object] = lambda _: None) -> str:
    """Write the data set; return an API token for the bench editor."""
    now = timezone.now()
    started = time.perf_counter()
    editor = _user("bench-editor", EDITORS_GROUP, first_name="Bench", last_name="Editor")
    reviewers = [
        _user(f"bench-reviewer-{n}", BOARD_GROUP, first_name=name, last_name="Reviewer")
        for n, name in enumerate(["Ada", "Ben"])
    ]
    BoardProfile.objects.bulk_create(
        BoardProfile(user=user, credentials="MD", specialty=TOPICS[n])
        for n, user in enumerate(reviewers)
    )
    versions: list[ReferenceVersion] = []
    for n in range(REFERENCES):
        written = reference_create(
            key=f"bench{n}",
            actor=editor,
            type="guideline" if n % 4 == 0 else "research",
            csl={
                "type": "article-journal",
                "title": f"Outcomes of treatment in cohort {n}",
                "author": [
                    {"family": f"Author{n}", "given": "Ann"},
                    {"family": "Bo", "given": "C"},
                ],
                "container-title": "J Bench Med",
                "volume": str(n % 40),
                "page": f"{n}-{n + 9}",
                "issued": {"date-parts": [[1995 + n % 30]]},
                "DOI": f"10.5555/bench.{n}",
            },
        )
        versions.append(written.version)

    report(f"  {REFERENCES} references: {time.perf_counter() - started:.1f} s")
    levels = list(AudienceLevel.objects.all())
    # (variant, level) -> stored fields and the pinned keys
    variants: dict[tuple[int, int], dict[str, object]] = {}
    pinned: dict[int, list[ReferenceVersion]] = {}
    for variant in range(VARIANTS):
        cited = [
            versions[(variant * CITED_PER_BODY + i) % REFERENCES] for i in range(CITED_PER_BODY)
        ]
        pinned[variant] = cited
        by_key = {version.reference.key: version for version in cited}
        for level in levels:
            text = _text(variant, level, list(by_key))
            rendered = body_render(text=text, versions=by_key)
            variants[(variant, level.pk)] = {
                "body": text,
                "rendered_html": str(rendered.html),
                "rendered_references": render_to_string(
                    "articles/partials/reference_list.html", {"references": rendered.references}
                ).strip(),
                "rendered_citations": [citation_work(entry) for entry in rendered.references],
                "rendered_at": now,
            }

    report(f"  {len(variants)} bodies rendered: {time.perf_counter() - started:.1f} s")
    created = Article.objects.bulk_create(
        Article(
            slug=f"bench-{n}",
            title=f"How is {SUBJECTS[n % len(SUBJECTS)]} treated? Question {n}",
            topic=TOPICS[n % len(TOPICS)],
            published_at=now - timedelta(days=n % 300),
        )
        for n in range(articles)
    )
    revisions = Revision.objects.bulk_create(
        Revision(
            article=article,
            number=1,
            author=editor,
            last_edited_by=editor,
            change_summary="Bench",
            status=ReviewStatus.APPROVED,
            submitted_at=now - timedelta(days=30 + n % 300),
            review_round=1,
            approved_at=now - timedelta(days=n % 300),
        )
        for n, article in enumerate(created)
    )
    AudienceBody.objects.bulk_create(
        (
            AudienceBody(revision=revision, audience=level, **variants[(n % VARIANTS, level.pk)])  # type: ignore[arg-type]
            for n, revision in enumerate(revisions)
            for level in levels
        ),
        batch_size=1000,
    )
    RevisionCitation.objects.bulk_create(
        (
            RevisionCitation(
                revision=revision, reference_id=version.reference_id, version=version, order=order
            )
            for n, revision in enumerate(revisions)
            for order, version in enumerate(pinned[n % VARIANTS], start=1)
        ),
        batch_size=2000,
    )
    assignments = ReviewAssignment.objects.bulk_create(
        (
            ReviewAssignment(
                revision=revision,
                reviewer=reviewer,
                assigned_by=editor,
                state=ReviewAssignment.State.ACCEPTED,
                due_date=now.date(),
                responded_at=now,
            )
            for revision in revisions
            for reviewer in reviewers
        ),
        batch_size=2000,
    )
    InterestDeclaration.objects.bulk_create(
        (InterestDeclaration(assignment=assignment) for assignment in assignments), batch_size=2000
    )
    ReviewDecision.objects.bulk_create(
        (
            ReviewDecision(
                assignment=assignment,
                revision_id=assignment.revision_id,
                reviewer_id=assignment.reviewer_id,
                review_round=1,
                verdict=ReviewDecision.Verdict.APPROVE,
            )
            for assignment in assignments
        ),
        batch_size=2000,
    )
    first = Revision.objects.filter(article=OuterRef("pk")).values("pk")[:1]
    Article.objects.filter(slug__startswith="bench-").update(published_revision=Subquery(first))
    report(f"  articles, bodies, pins, approvals: {time.perf_counter() - started:.1f} s")
    _, token = AuthToken.objects.create(user=editor)
    return token
