"""A benchmark data set written in bulk: published, approved articles with a body for each
audience level, pinned references and two approvals each; one in ten of them with a second
revision under review by two of the board (one member for every hundred articles), its audit
event and the reviewers' notifications; one reader's question for every ten articles (used by
bench/run.py).

The per-object workflow would take minutes for thousands of articles; this writes the same
rows with bulk_create in a few seconds. Bodies come in VARIANTS texts per level, each rendered
once (the stored HTML the workflow would have written at submission) and shared.
"""

import time
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from knox.models import AuthToken

from articles.models import (
    Article,
    AudienceBody,
    AudienceLevel,
    FollowUpQuestion,
    ReferenceVersion,
    ReviewStatus,
    Revision,
    RevisionCitation,
)
from articles.references.rendering import body_render
from articles.references.services import reference_create
from articles.services import body_rendered_values
from articles.status_counts import article_status_counts_fold
from bench.seed_references import references_seed
from bench.seed_search import search_write
from editorial.events import AuditAction
from editorial.models import (
    BOARD_GROUP,
    EDITORS_GROUP,
    AuditEvent,
    BoardProfile,
    InterestDeclaration,
    Notification,
    ReviewAssignment,
    ReviewDecision,
    User,
)

REFERENCES = 120
IN_REVIEW_EVERY = 10  # one article in ten has a revision under review
ARTICLES_PER_REVIEWER = 100  # 1,000 board members at 100,000 articles
QUESTION_EVERY = 10  # one reader's question for every ten articles
LATE_EVERY = 5  # one review in five is overdue
BATCH = 2000
RARE_WORD = "sarcoidosis"  # in the title of one article in RARE_EVERY: a rare search word
RARE_EVERY = 500
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


def seed(
    *, articles: int, references: int = REFERENCES, report: Callable[[str], object] = lambda _: None
) -> str:
    """Write the data set, with a library of `references` (at least REFERENCES, the ones the
    articles cite; the others in bulk: bench.seed_references); return the bench editor's API
    token."""
    now = timezone.now()
    started = time.perf_counter()
    if connection.vendor == "postgresql":  # a bulk load, not a request: no request's limit
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    editor = _user("bench-editor", EDITORS_GROUP, first_name="Bench", last_name="Editor")
    reviewers = [
        _user(f"bench-reviewer-{n}", BOARD_GROUP, first_name=name, last_name="Reviewer")
        for n, name in enumerate(["Ada", "Ben"])
    ]
    # The rest of the board in bulk (no login, so no password to hash for each).
    unusable = make_password(None)
    board = reviewers + User.objects.bulk_create(
        (
            User(
                username=f"bench-member-{n}",
                email=f"bench-member-{n}@example.org",
                first_name=f"Member{n}",
                last_name="Board",
                password=unusable,
            )
            for n in range(max(2, articles // ARTICLES_PER_REVIEWER - len(reviewers)))
        ),
        batch_size=BATCH,
    )
    group = Group.objects.get(name=BOARD_GROUP)
    User.groups.through.objects.bulk_create(
        (User.groups.through(user_id=user.pk, group_id=group.pk) for user in board[2:]),
        batch_size=BATCH,
    )
    BoardProfile.objects.bulk_create(
        (
            BoardProfile(user=user, credentials="MD", specialty=TOPICS[n % len(TOPICS)])
            for n, user in enumerate(board)
        ),
        batch_size=BATCH,
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

    report(f"  {REFERENCES} cited references: {time.perf_counter() - started:.1f} s")
    added = references_seed(count=references, editor_id=editor.pk)
    report(f"  {added} more references in bulk: {time.perf_counter() - started:.1f} s")
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
                **body_rendered_values(rendered),
                "rendered_at": now,
            }

    report(f"  {len(variants)} bodies rendered: {time.perf_counter() - started:.1f} s")
    created = Article.objects.bulk_create(
        Article(
            slug=f"bench-{n}",
            title=f"How is {SUBJECTS[n % len(SUBJECTS)]} treated? Question {n}"
            + (f" ({RARE_WORD})" if n % RARE_EVERY == 7 else ""),
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
            published_at=now - timedelta(days=n % 300),
        )
        for n, article in enumerate(created)
    )
    templates = _contents_write(revisions, levels=levels, variants=variants, pinned=pinned)
    # Two approvals of each revision 1, by SQL from the revisions (no object in Python).
    with connection.cursor() as cursor:
        cursor.execute(  # names from the models; values as parameters
            f"""
            INSERT INTO {ReviewAssignment._meta.db_table}
                (revision_id, reviewer_id, assigned_by_id, assigned_at, state, due_date,
                 responded_at, decline_reason)
            SELECT r.id, u.id, %(editor)s, %(now)s, %(state)s, %(today)s, %(now)s, ''
            FROM {Revision._meta.db_table} r CROSS JOIN unnest(%(reviewers)s) AS u(id)
            WHERE r.id = ANY(%(revisions)s)
            """,  # noqa: S608
            {
                "editor": editor.pk,
                "now": now,
                "today": now.date(),
                "state": ReviewAssignment.State.ACCEPTED,
                "reviewers": [user.pk for user in reviewers],
                "revisions": [revision.pk for revision in revisions],
            },
        )
        approvals = f"""
            FROM {ReviewAssignment._meta.db_table} a
            WHERE a.revision_id = ANY(%(revisions)s)
        """
        cursor.execute(
            f"INSERT INTO {InterestDeclaration._meta.db_table} "
            "(assignment_id, has_interests, declared_at) "
            f"SELECT a.id, false, %(now)s {approvals}",
            {"now": now, "revisions": [revision.pk for revision in revisions]},
        )
        cursor.execute(
            f"INSERT INTO {ReviewDecision._meta.db_table} (assignment_id, revision_id, "
            "reviewer_id, review_round, verdict, reason, editors_note, decided_at) "
            f"SELECT a.id, a.revision_id, a.reviewer_id, 1, %(verdict)s, '', '', %(now)s "
            f"{approvals}",
            {
                "now": now,
                "verdict": ReviewDecision.Verdict.APPROVE,
                "revisions": [revision.pk for revision in revisions],
            },
        )
    first = Revision.objects.filter(article=OuterRef("pk"), number=1).values("pk")[:1]
    Article.objects.filter(slug__startswith="bench-").update(published_revision=Subquery(first))
    report(f"  articles, bodies, pins, approvals: {time.perf_counter() - started:.1f} s")
    _in_review(articles=created[::IN_REVIEW_EVERY], editor=editor, board=board, templates=templates)
    report(f"  revisions under review: {time.perf_counter() - started:.1f} s")
    FollowUpQuestion.objects.bulk_create(
        (
            FollowUpQuestion(
                article=article,
                revision_id=revision.pk,
                audience=levels[n % len(levels)],
                question=f"Does {SUBJECTS[n % len(SUBJECTS)]} come back? Question {n}.",
                state=FollowUpQuestion.State.NEW if n % 3 else FollowUpQuestion.State.ANSWERED,
            )
            for n, (article, revision) in enumerate(
                zip(created[::QUESTION_EVERY], revisions[::QUESTION_EVERY], strict=True)
            )
        ),
        batch_size=BATCH,
    )
    report(f"  readers' questions: {time.perf_counter() - started:.1f} s")
    # The bulk seed skips the publish action, which keeps the search documents and passages.
    search_write(variants=VARIANTS)
    report(f"  search documents and passages: {time.perf_counter() - started:.1f} s")
    # As Celery beat does hourly: the +1 and -1 rows of every article seeded, one per status.
    article_status_counts_fold()
    _, token = AuthToken.objects.create(user=editor)
    return token


def _in_review(
    *,
    articles: list[Article],
    editor: User,
    board: list[User],
    templates: dict[int, int],
) -> None:
    """A revision 2 under review for each of `articles`, with its bodies and pins, two of the
    board assigned (one of five overdue), its submission in the audit trail and each reviewer's
    notification of it."""
    now = timezone.now()
    today = now.date()
    revisions = Revision.objects.bulk_create(
        (
            Revision(
                article=article,
                number=2,
                author=editor,
                last_edited_by=editor,
                change_summary="Bench: new evidence",
                status=ReviewStatus.UNDER_REVIEW,
                submitted_at=now - timedelta(days=n % 20),
                review_round=1,
            )
            for n, article in enumerate(articles)
        ),
        batch_size=BATCH,
    )
    _copy(AudienceBody, templates, [revision.pk for revision in revisions])
    _copy(RevisionCitation, templates, [revision.pk for revision in revisions])
    # Two reviewers each, taken in turn from the board past the two who approved everything.
    pool = board[2:]
    pairs = [
        (revision, pool[(2 * n + k) % len(pool)])
        for n, revision in enumerate(revisions)
        for k in range(2)
    ]
    assignments = ReviewAssignment.objects.bulk_create(
        (
            ReviewAssignment(
                revision=revision,
                reviewer=reviewer,
                assigned_by=editor,
                state=ReviewAssignment.State.ACCEPTED if n % 2 else ReviewAssignment.State.INVITED,
                due_date=today + timedelta(days=-3 if n % LATE_EVERY == 0 else 10 + n % 20),
                responded_at=now if n % 2 else None,
            )
            for n, (revision, reviewer) in enumerate(pairs)
        ),
        batch_size=BATCH,
    )
    InterestDeclaration.objects.bulk_create(
        (InterestDeclaration(assignment=a) for a in assignments if a.state == "accepted"),
        batch_size=BATCH,
    )
    events = AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                article_id=revision.article_id,
                revision=revision,
                actor=editor,
                action=AuditAction.SUBMIT,
                from_status=ReviewStatus.DRAFT,
                to_status=ReviewStatus.UNDER_REVIEW,
            )
            for revision in revisions
        ),
        batch_size=BATCH,
    )
    event_of = {event.revision_id: event for event in events}
    Notification.objects.bulk_create(
        (Notification(recipient=a.reviewer, event=event_of[a.revision_id]) for a in assignments),
        batch_size=BATCH,
    )


def _contents_write(
    revisions: list[Revision],
    *,
    levels: list[AudienceLevel],
    variants: dict[tuple[int, int], dict[str, object]],
    pinned: dict[int, list[ReferenceVersion]],
) -> dict[int, int]:
    """The bodies and pinned citations of `revisions`: variant `pk % VARIANTS` each. Written
    for one revision of each variant (the template), then copied by SQL to the others; returns
    {variant: template revision pk}."""
    templates: dict[int, int] = {}
    for revision in revisions:
        templates.setdefault(revision.pk % VARIANTS, revision.pk)
    AudienceBody.objects.bulk_create(
        AudienceBody(revision_id=pk, audience=level, **variants[(variant, level.pk)])  # type: ignore[arg-type]
        for variant, pk in templates.items()
        for level in levels
    )
    RevisionCitation.objects.bulk_create(
        RevisionCitation(
            revision_id=pk, reference_id=version.reference_id, version=version, order=order
        )
        for variant, pk in templates.items()
        for order, version in enumerate(pinned[variant], start=1)
    )
    _copy(AudienceBody, templates, [r.pk for r in revisions if r.pk not in templates.values()])
    _copy(RevisionCitation, templates, [r.pk for r in revisions if r.pk not in templates.values()])
    return templates


def _copy(
    model: type[AudienceBody | RevisionCitation], templates: dict[int, int], to: list[int]
) -> None:
    """Copy the template revision's rows of `model` (its bodies or its citations) to each
    revision of `to`: INSERT ... SELECT, the template chosen by the revision's pk."""
    columns = [
        str(field.column)
        for field in model._meta.concrete_fields
        if not field.primary_key and field.column != "revision_id"
    ]
    listed = ", ".join(connection.ops.quote_name(column) for column in columns)
    copied = ", ".join(f"t.{connection.ops.quote_name(column)}" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(  # names from the models; values as parameters
            f"""
            INSERT INTO {model._meta.db_table} (revision_id, {listed})
            SELECT r.id, {copied}
            FROM unnest(%(to)s) AS r(id)
            JOIN (SELECT unnest(%(variants)s) AS variant, unnest(%(templates)s) AS pk) AS v
                ON v.variant = r.id %% {VARIANTS}
            JOIN {model._meta.db_table} t ON t.revision_id = v.pk
            """,  # noqa: S608
            {"to": to, "variants": list(templates), "templates": list(templates.values())},
        )
