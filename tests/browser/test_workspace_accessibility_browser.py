"""The workspace for the people who work in it all day: axe-core finds no serious or critical
violation on any of its pages, at 1280 and at 375 px, with and without open comment threads,
and no page scrolls sideways on a phone. Screenshots in test-artifacts/screenshots/."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page

from articles.models import AudienceLevel, Revision
from articles.references.importing.previewing import import_file_upload, import_preview_run
from articles.references.models import ImportState, ImportUpload
from articles.references.services import reference_create
from articles.services import revision_create_draft, revision_edit
from editorial import comments, workflow
from editorial.models import User
from tests.browser.conftest import DESKTOP, NARROW_PHONE
from tests.browser.tools import axe_report, axe_violations, overflowing, screenshot_save
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory, assign_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TEXT = (
    "## What helps\n\nMost people recover with **rest and graded loading** of the tendon "
    "[@kim2013-loading].\n\n- Ice for pain\n- Paracetamol when needed\n"
)


@dataclass
class Desk:
    editor: User
    reviewer: User
    revision: Revision  # under review, with an open thread
    quiet: Revision  # under review, no thread
    draft: Revision  # in the editor, beside its preview


@pytest.fixture
def desk(db) -> Desk:
    editor = EditorFactory(username="desk-editor", first_name="Edna", last_name="Editor")
    reviewer = BoardMemberFactory(username="desk-reviewer", first_name="Rhea")
    second = BoardMemberFactory(username="desk-second")
    reference_create(
        key="kim2013-loading",
        actor=editor,
        type="research",
        csl={
            "type": "article-journal",
            "title": "Graded loading of the Achilles tendon",
            "author": [{"family": "Kim", "given": "Wan-Hee"}],
            "container-title": "Am J Sports Med",
            "issued": {"date-parts": [[2013]]},
        },
        doi="10.1177/0363546513483448",
    )
    revisions = []
    for title in ("How is Achilles tendinopathy treated?", "What is a heel spur?"):
        revision = RevisionFactory(author=editor, article__title=title, canonical_body=TEXT)
        patient = AudienceLevel.objects.get(slug="patient")
        revision_edit(revision=revision, editor=editor, bodies={patient: "Rest, then load."})
        workflow.revision_submit(revision=revision, actor=editor)
        for member in (reviewer, second):
            assign_ready(revision, editor=editor, reviewer=member)
        revisions.append(Revision.objects.get(pk=revision.pk))
    body = revisions[0].bodies.get(audience__is_canonical=True)
    comments.comment_create(
        revision=revisions[0],
        actor=reviewer,
        audience=body.audience,
        quoted_text="rest and graded loading",
        offset=body.body.index("rest and graded loading"),
        body="Say for how many weeks.",
        severity="safety",
    )
    draft = RevisionFactory(author=editor, article__title="What is a stress fracture?")
    revision_edit(
        revision=draft,
        editor=editor,
        bodies={
            AudienceLevel.objects.get(is_canonical=True): TEXT,
            AudienceLevel.objects.get(slug="patient"): "Rest [@kim2013-loading], then load.",
        },
    )
    return Desk(
        editor=editor, reviewer=reviewer, revision=revisions[0], quiet=revisions[1], draft=draft
    )


@pytest.fixture
def open_as(browser: Browser, live_server) -> Iterator[Callable[[User, dict[str, int]], Page]]:
    """`open_as(user, viewport)`: a page logged in as `user` (axe needs bypass_csp)."""
    contexts = []

    def opened(user: User, viewport: dict[str, int]) -> Page:
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        contexts.append(context)
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield opened
    for context in contexts:
        context.close()


def _changed(desk: Desk) -> Revision:
    """A draft revision 2 whose heading, list and paragraph differ from revision 1's: what the
    compare page shows, and a draft to preview."""
    first = RevisionFactory(
        author=desk.editor, article__title="Does ice help?", canonical_body=TEXT, number=1
    )
    workflow.revision_submit(revision=first, actor=desk.editor)
    draft = revision_create_draft(article=first.article, author=desk.editor)
    text = TEXT.replace("What helps", "What helps most").replace("- Ice for pain\n", "")
    canonical = AudienceLevel.objects.get(is_canonical=True)
    revision_edit(revision=draft, editor=desk.editor, bodies={canonical: text + "- Rest\n"})
    return draft


def _pages(desk: Desk) -> dict[str, tuple[User, str]]:
    article = desk.revision.article_id
    changed = _changed(desk)
    reference = desk.revision.citations.get().reference_id
    return {
        "dashboard": (desk.editor, reverse("editorial:dashboard")),
        "article": (desk.editor, reverse("editorial:article", args=[article])),
        "details": (desk.editor, reverse("editorial:article_details", args=[article])),
        "editor": (desk.editor, reverse("editorial:article_edit", args=[desk.quiet.article_id])),
        "editor (draft, preview)": (
            desk.editor,
            reverse("editorial:article_edit", args=[desk.draft.article_id]),
        ),
        "publish": (desk.editor, reverse("editorial:publish_confirm", args=[article])),
        "review (threads)": (desk.reviewer, reverse("editorial:review", args=[desk.revision.pk])),
        "review (no thread)": (desk.reviewer, reverse("editorial:review", args=[desk.quiet.pk])),
        "review (editor)": (desk.editor, reverse("editorial:review", args=[desk.revision.pk])),
        "decide": (
            desk.reviewer,
            reverse("editorial:decide", args=[desk.quiet.pk, "request-changes"]),
        ),
        "queue": (desk.reviewer, reverse("editorial:queue")),
        "board": (desk.editor, reverse("editorial:board")),
        "board, one state": (desk.editor, reverse("editorial:board") + "?status=under_review"),
        "history": (desk.editor, reverse("editorial:history", args=[article])),
        "compare": (desk.editor, reverse("editorial:compare", args=[changed.article_id])),
        "restore": (desk.editor, reverse("editorial:restore", args=[changed.article_id, 1])),
        "preview (draft)": (desk.editor, reverse("editorial:preview", args=[changed.pk])),
        "preview (reviewer, patient)": (
            desk.reviewer,
            reverse("editorial:preview", args=[desk.revision.pk]) + "?audience=patient",
        ),
        "inbox": (desk.reviewer, reverse("editorial:inbox")),
        "questions": (desk.editor, reverse("editorial:questions")),
        "references": (desk.editor, reverse("editorial:references")),
        "reference": (desk.editor, reverse("editorial:reference", args=[reference])),
        "reference form": (desk.editor, reverse("editorial:reference_create")),
        "import": (desk.editor, reverse("editorial:reference_import")),
        "lookup (found)": (
            desk.editor,
            reverse("editorial:reference_lookup") + "?identifier=18812414",
        ),
        "import under way": (
            desk.editor,
            reverse("editorial:reference_import_job", args=[_import_running(desk.editor)]),
        ),
        "import preview": (
            desk.editor,
            reverse("editorial:reference_import_job", args=[_import_previewed(desk.editor)]),
        ),
    }


def _import_previewed(editor) -> str:  # type: ignore[no-untyped-def]
    """A file read by its preview task: new records, a possible duplicate of the library's
    reference (beside it), one that cannot be read; more than a page of them."""
    text = "".join(
        f"TY  - JOUR\nAU  - Author{n}, A\nTI  - Loading outcome {n}\nPY  - 2020\nER  - \n\n"
        for n in range(1, 60)
    )
    text += "TY  - JOUR\nTI  - Graded loading of the Achilles tendon\nPY  - 2013\nER  - \n\n"
    text += "TY  - JOUR\nTI  - Broken\nDO  - not-a-doi\nER  - \n"
    upload = import_file_upload(actor=editor, format="ris", filename="long.ris", text=text)
    import_preview_run(upload_id=upload.pk)  # the worker (the outbox does not send it here)
    return str(upload.token)


def _import_running(editor) -> str:  # type: ignore[no-untyped-def]
    """A confirmed import halfway through (its page polls its progress)."""
    job = ImportUpload.objects.create(
        created_by=editor,
        format="ris",
        filename="scopus.ris",
        state=ImportState.RUNNING,
        records_total=1000,
        records_read=500,
        records_imported=480,
        records_refused=3,
    )
    return str(job.token)


@pytest.mark.parametrize(
    ("width", "viewport"), [("1280", DESKTOP), ("375", NARROW_PHONE)], ids=["1280", "375"]
)
def test_every_workspace_page_passes_axe_and_fits(
    live_server, open_as, desk, width, viewport, lookup_replay
):
    failures = []
    for name, (user, path) in _pages(desk).items():
        page = open_as(user, viewport)
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, f"{name}: {response.status}"
        if violations := axe_violations(page):
            failures.append(f"{name} at {width}px:\n{axe_report(violations)}")
        if width == "375" and (wide := overflowing(page, 375)):
            failures.append(f"{name} scrolls sideways at 375px: {wide}")
        screenshot_save(page, f"workspace-{name.replace(' ', '-')}-{width}")
        page.context.close()
    assert failures == [], "\n\n".join(failures)
