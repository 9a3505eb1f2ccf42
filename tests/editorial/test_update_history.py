"""What changed, told to readers (issue 16, part 2): the kind of change said on submitting, the
update history, "last reviewed" (an editorial change never moves it) on the page and in its
JSON-LD, the editorial change published on one editor's approval, and the Atom feeds.
States are reached through editorial.workflow; the clock is Django's, moved by the test."""

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, AudienceLevel, ChangeKind, ReviewStatus, Revision, Topic
from articles.services import revision_create_draft, revision_edit
from editorial import workflow
from editorial.models import ApprovalPolicy, User
from tests.factories import ArticleFactory, EditorFactory, RevisionFactory, assign_ready
from tests.plans import assert_served_by

ATOM = "{http://www.w3.org/2005/Atom}"
DAY_ONE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = DAY_ONE + timedelta(days=40)
TYPO_FIX = "We corrected a spelling mistake in the advice on ice packs."
NEW_ADVICE = "The advice on when to start exercising again now follows the 2026 guideline."


@pytest.fixture
def clock(monkeypatch) -> Callable[[datetime], None]:  # type: ignore[no-untyped-def]
    """Set Django's clock (timezone.now, which the actions and auto_now fields read)."""
    now = {"at": DAY_ONE}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])

    def set_to(moment: datetime) -> None:
        now["at"] = moment

    return set_to


def _approve(revision: Revision, *, editor: User, reviewers: list[User]) -> None:
    for reviewer in reviewers:
        assign_ready(revision, editor=editor, reviewer=reviewer)
    for reviewer in reviewers:
        workflow.revision_approve(revision=revision, actor=reviewer)


def _published_article(editor: User, reviewers: list[User]) -> Article:
    """Revision 1, submitted without a kind (a new article), approved and published."""
    first = RevisionFactory(author=editor, last_edited_by=editor, number=1)
    workflow.revision_submit(revision=first, actor=editor)
    _approve(first, editor=editor, reviewers=reviewers)
    return workflow.article_publish(revision=first, actor=editor)


def _update(
    article: Article, *, editor: User, kind: str, summary: str, text: str = "Rest and ice."
) -> Revision:
    """A new draft with a changed text, submitted as `kind` with `summary` for readers."""
    draft = revision_create_draft(article=article, author=editor)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    revision_edit(revision=draft, editor=editor, bodies={canonical: text})
    workflow.revision_submit(
        revision=draft, actor=editor, change=workflow.SubmittedChange(kind=kind, summary=summary)
    )
    draft.refresh_from_db()
    return draft


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _json_ld(html: str) -> dict:  # type: ignore[type-arg]
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def _history(html: str) -> list[str]:
    """The update history's lines as readers read them, newest first."""
    return [_text(item) for item in re.findall(r'<li class="update"[^>]*>(.*?)</li>', html, re.S)]


def test_an_editorial_change_leaves_last_reviewed_and_json_ld_and_adds_a_history_line(
    clock, editor, reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    article = _published_article(editor, [reviewer, second_reviewer])
    before = Client().get(article.get_absolute_url())
    assert "Last reviewed March 2, 2026" in _text(before.text)
    assert _json_ld(before.text)["lastReviewed"] == "2026-03-02"

    clock(LATER)
    # Committed: the cached page of before is retired then.
    with django_capture_on_commit_callbacks(execute=True):
        fix = _update(article, editor=editor, kind=ChangeKind.EDITORIAL, summary=TYPO_FIX)
        _approve(fix, editor=editor, reviewers=[reviewer, second_reviewer])
        workflow.article_publish(revision=fix, actor=editor)
    after = Client().get(article.get_absolute_url())
    text = _text(after.text)

    # The approval of an editorial change is not a review: the dates stay those of revision 1.
    assert "Last reviewed March 2, 2026" in text
    assert "Next review due March 2, 2028" in text
    assert _json_ld(after.text)["lastReviewed"] == "2026-03-02"
    # ...while the page says it was updated, and how.
    assert "Last updated: April 11, 2026" in text
    assert _json_ld(after.text)["dateModified"].startswith("2026-04-11")
    assert _history(after.text) == [
        f"April 11, 2026 Editorial change {TYPO_FIX}",
        "March 2, 2026 New article",
    ]
    assert _history(before.text) == ["March 2, 2026 New article"]
    assert after["ETag"] != before["ETag"]


def test_a_major_update_moves_last_reviewed_and_json_ld(clock, editor, reviewer, second_reviewer):
    article = _published_article(editor, [reviewer, second_reviewer])

    clock(LATER)
    update = _update(article, editor=editor, kind=ChangeKind.MAJOR, summary=NEW_ADVICE)
    _approve(update, editor=editor, reviewers=[reviewer, second_reviewer])
    workflow.article_publish(revision=update, actor=editor)
    html = Client().get(article.get_absolute_url()).text
    text = _text(html)

    assert "Last reviewed April 11, 2026" in text
    assert "Next review due April 11, 2028" in text
    assert _json_ld(html)["lastReviewed"] == "2026-04-11"
    assert _history(html) == [
        f"April 11, 2026 Major clinical update {NEW_ADVICE}",
        "March 2, 2026 New article",
    ]


def test_a_clinical_update_published_before_approval_has_no_review(
    clock, editor, reviewer, second_reviewer
):
    """The demo policy publishes before approval: a minor clinical change not yet approved
    means no review covers the text readers see, whatever was approved before it."""
    article = _published_article(editor, [reviewer, second_reviewer])
    clock(LATER)
    update = _update(article, editor=editor, kind=ChangeKind.MINOR, summary="A dose changed.")
    workflow.article_publish(revision=update, actor=editor, note="Urgent dose change")
    html = Client().get(article.get_absolute_url()).text

    assert "Not yet reviewed" in html
    assert "lastReviewed" not in _json_ld(html)
    assert "pending review" in html
    assert _history(html)[0] == "April 11, 2026 Minor clinical update A dose changed."


def test_an_editorial_change_to_an_unreviewed_text_is_not_reviewed(editor, reviewer):
    """An editorial change covers nothing by itself: before it, a clinical change not approved."""
    article = ArticleFactory()
    first = RevisionFactory(article=article, author=editor, last_edited_by=editor, number=1)
    workflow.revision_submit(revision=first, actor=editor)
    workflow.article_publish(revision=first, actor=editor)
    fix = _update(article, editor=editor, kind=ChangeKind.EDITORIAL, summary=TYPO_FIX)
    workflow.article_publish(revision=fix, actor=editor)

    html = Client().get(article.get_absolute_url()).text

    assert "Not yet reviewed" in html
    assert "lastReviewed" not in _json_ld(html)


# --- what a submission must say ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "kind", "summary", "message"),
    [
        (True, ChangeKind.NEW_ARTICLE, "", workflow.NEW_ARTICLE_PUBLISHED),
        (False, ChangeKind.MAJOR, "Changed", workflow.UPDATE_NOT_PUBLISHED),
        (True, ChangeKind.EDITORIAL, "  ", workflow.READER_SUMMARY_MISSING),
        (True, "cosmetic", "Changed", "Say what this revision changes: one of new article, "),
        (True, ChangeKind.MINOR, "x" * 501, "Keep the summary for readers to 500 characters"),
    ],
)
def test_a_submission_must_classify_the_change_as_the_article_history_allows(
    published, kind, summary, message, editor, reviewer, second_reviewer
):
    if published:
        article = _published_article(editor, [reviewer, second_reviewer])
        revision = revision_create_draft(article=article, author=editor)
    else:
        revision = RevisionFactory(author=editor, last_edited_by=editor, number=1)

    with pytest.raises(workflow.InvalidInput, match=re.escape(message)):
        workflow.revision_submit(
            revision=revision,
            actor=editor,
            change=workflow.SubmittedChange(kind=kind, summary=summary),
        )
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.DRAFT
    assert revision.submitted_at is None
    assert revision.change_kind == ""


def test_a_submission_without_a_kind_is_a_new_article_then_a_major_update(
    editor, reviewer, second_reviewer
):
    article = _published_article(editor, [reviewer, second_reviewer])
    second = revision_create_draft(article=article, author=editor)
    workflow.revision_submit(revision=second, actor=editor)

    kinds = dict(Revision.objects.filter(article=article).values_list("number", "change_kind"))
    assert kinds == {1: ChangeKind.NEW_ARTICLE, 2: ChangeKind.MAJOR}


# --- an editorial change on one editor's approval ---------------------------------------------


@pytest.fixture
def approval_required(settings):  # type: ignore[no-untyped-def]
    settings.IMPRIMATUR_PUBLISH_REQUIRES_APPROVAL = True
    return settings


def test_without_the_policy_an_editorial_change_waits_for_the_board(
    approval_required, editor, reviewer, second_reviewer
):
    article = _published_article(editor, [reviewer, second_reviewer])
    fix = _update(article, editor=editor, kind=ChangeKind.EDITORIAL, summary=TYPO_FIX)
    other = EditorFactory()

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.article_publish(revision=fix, actor=other)
    article.refresh_from_db()
    assert article.published_revision.number == 1


def test_with_the_policy_another_editor_publishes_an_editorial_change(
    approval_required, clock, editor, reviewer, second_reviewer
):
    approval_required.IMPRIMATUR_EDITORIAL_BY_ONE_EDITOR = True
    article = _published_article(editor, [reviewer, second_reviewer])
    clock(LATER)
    fix = _update(article, editor=editor, kind=ChangeKind.EDITORIAL, summary=TYPO_FIX)

    # Its writer may not: one editor's approval is another editor's.
    with pytest.raises(workflow.ActionForbidden, match="an editor who did not write it"):
        workflow.article_publish(revision=fix, actor=editor)
    assert workflow.PUBLISH in workflow.transitions_available(revision=fix, actor=EditorFactory())
    workflow.article_publish(revision=fix, actor=EditorFactory())

    html = Client().get(article.get_absolute_url()).text
    fix.refresh_from_db()
    assert fix.status == ReviewStatus.SUBMITTED  # the board was never asked
    assert "Last reviewed March 2, 2026" in _text(html)
    assert _json_ld(html)["lastReviewed"] == "2026-03-02"
    assert "caution-banner" not in html  # what readers read is the reviewed advice
    assert "Rhea Reviewer" in html  # named as the reviewers of that advice
    assert _history(html)[0] == f"April 11, 2026 Editorial change {TYPO_FIX}"


def test_the_policy_of_a_topic_decides_and_never_for_a_clinical_change(
    approval_required, editor, reviewer, second_reviewer
):
    article = _published_article(editor, [reviewer, second_reviewer])
    ApprovalPolicy.objects.create(
        topic=article.topic, min_approvals=2, editorial_by_one_editor=True
    )
    other = EditorFactory()
    minor = _update(article, editor=editor, kind=ChangeKind.MINOR, summary="A dose changed.")

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.article_publish(revision=minor, actor=other)

    workflow.revision_withdraw(revision=minor, actor=editor)
    # Withdrawn, it is a draft again, but a submitted text never changes: a new revision.
    fix = _update(article, editor=editor, kind=ChangeKind.EDITORIAL, summary=TYPO_FIX)
    with pytest.raises(workflow.TransitionNotAllowed):
        # Revision 2's minor clinical change, never approved, lies under this one's text.
        workflow.article_publish(revision=fix, actor=other)


# --- the feeds ---------------------------------------------------------------------------------


def _feed(client: Client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314  # our own output
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated", ""))
    return root


def test_the_feed_validates_as_atom_and_lists_each_published_revision(
    clock, client, editor, reviewer, second_reviewer
):
    article = _published_article(editor, [reviewer, second_reviewer])
    clock(LATER)
    fix = _update(article, editor=editor, kind=ChangeKind.EDITORIAL, summary=TYPO_FIX)
    workflow.article_publish(revision=fix, actor=editor, note="A typo in the dose")
    # A draft and a submitted revision never published are not news.
    _update(article, editor=editor, kind=ChangeKind.MAJOR, summary="Not yet out")
    clock(LATER + timedelta(days=1))

    root = _feed(client, reverse("articles:updates_feed"))
    entries = root.findall(f"{ATOM}entry")

    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"{article.title}: Editorial change",
        f"{article.title}: New article",
    ]
    assert entries[0].findtext(f"{ATOM}summary") == TYPO_FIX
    assert entries[0].findtext(f"{ATOM}updated") == LATER.isoformat()
    assert root.findtext(f"{ATOM}updated") == LATER.isoformat()
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    assert (
        link.get("href") == f"http://testserver{article.get_absolute_url()}#update-history-heading"
    )
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 2


def test_an_unpublished_article_leaves_the_feed(client, editor, reviewer, second_reviewer):
    article = _published_article(editor, [reviewer, second_reviewer])
    workflow.article_unpublish(article=article, actor=editor)

    root = _feed(client, reverse("articles:updates_feed"))

    assert root.findall(f"{ATOM}entry") == []


@pytest.mark.postgresql
def test_the_feed_reads_the_newest_publications_from_an_index(
    client, editor, reviewer, second_reviewer
):
    """The feed's revisions are the first rows of an index, whatever the size of the library
    (at 100,000 articles a scan of every revision cost 10 ms a request)."""
    _published_article(editor, [reviewer, second_reviewer])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("articles:updates_feed")).status_code == 200
    (listing,) = [q["sql"] for q in queries.captured_queries if "LIMIT 50" in q["sql"]]
    assert_served_by(listing, "revision_published")


def test_the_topic_feed_has_only_its_topic(client, editor, reviewer, second_reviewer):
    sports = _published_article(editor, [reviewer, second_reviewer])
    other = _published_article(editor, [reviewer, second_reviewer])
    Article.objects.filter(pk=other.pk).update(topic="Cardiology")
    Topic.objects.create(name="Dermatology")  # a topic with nothing published yet

    by_path = _feed(client, reverse("articles:updates_feed_topic", args=["sports MEDICINE"]))
    by_query = _feed(client, reverse("articles:updates_feed") + "?topic=Cardiology")
    empty = _feed(client, reverse("articles:updates_feed_topic", args=["Dermatology"]))

    assert [e.findtext(f"{ATOM}title") for e in by_path.findall(f"{ATOM}entry")] == [
        f"{sports.title}: New article"
    ]
    assert by_path.findtext(f"{ATOM}title") == "Imprimatur: updates in Sports medicine"
    assert [e.findtext(f"{ATOM}title") for e in by_query.findall(f"{ATOM}entry")] == [
        f"{other.title}: New article"
    ]
    assert empty.findall(f"{ATOM}entry") == []
    assert client.get(reverse("articles:updates_feed_topic", args=["Nowhere"])).status_code == 404


@pytest.mark.parametrize("size", [3, 55])
def test_the_feed_is_bounded_and_its_queries_do_not_grow(
    size, client, editor, django_assert_num_queries
):
    for _ in range(size):
        revision = RevisionFactory(author=editor, last_edited_by=editor, number=1)
        workflow.revision_submit(revision=revision, actor=editor)
        workflow.article_publish(revision=revision, actor=editor)

    with django_assert_num_queries(1):  # the revisions with their articles
        root = _feed(client, reverse("articles:updates_feed"))
    with django_assert_num_queries(3):  # the topic (managed, then used), the revisions
        _feed(client, reverse("articles:updates_feed_topic", args=["Sports medicine"]))

    assert len(root.findall(f"{ATOM}entry")) == min(size, 50)


def test_home_and_topic_pages_link_their_feeds(client, editor, reviewer, second_reviewer):
    _published_article(editor, [reviewer, second_reviewer])

    home = client.get(reverse("articles:home")).text
    topic = client.get(reverse("articles:home"), {"topic": "Sports medicine"}).text

    alternate = '<link rel="alternate" type="application/atom+xml"'
    assert f'{alternate} title="Imprimatur: updates" href="/feeds/updates/">' in home
    assert 'href="/feeds/updates/?topic=Sports%20medicine"' in topic


# --- the doors: the workspace form and the API ------------------------------------------------


def test_the_workspace_submits_with_the_kind_and_the_summary(
    client, editor, reviewer, second_reviewer
):
    article = _published_article(editor, [reviewer, second_reviewer])
    draft = revision_create_draft(article=article, author=editor)
    client.force_login(editor)
    url = reverse("editorial:transition", kwargs={"pk": article.pk, "name": "submit"})

    page = client.get(reverse("editorial:article", kwargs={"pk": article.pk})).text
    assert '<select id="change-kind" name="change_kind" required' in page
    refused = client.post(url, {"change_kind": "", "reader_summary": TYPO_FIX}, follow=True)
    assert "Say what this revision changes" in refused.text
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.DRAFT

    client.post(url, {"change_kind": "editorial", "reader_summary": TYPO_FIX})
    draft.refresh_from_db()
    assert (draft.status, draft.change_kind, draft.reader_summary) == (
        ReviewStatus.SUBMITTED,
        ChangeKind.EDITORIAL,
        TYPO_FIX,
    )


def test_the_api_submits_with_the_kind_and_the_summary(client, editor, reviewer, second_reviewer):
    article = _published_article(editor, [reviewer, second_reviewer])
    draft = revision_create_draft(article=article, author=editor)
    client.force_login(editor)
    url = f"/api/v1/articles/{article.pk}/transitions/submit/"

    missing = client.post(url, {"change_kind": "minor"}, content_type="application/json")
    assert missing.status_code == 400
    assert workflow.READER_SUMMARY_MISSING in missing.text
    unknown = client.post(url, {"change_kind": "cosmetic"}, content_type="application/json")
    assert unknown.status_code == 400

    done = client.post(
        url,
        {"change_kind": "minor", "reader_summary": "A dose changed."},
        content_type="application/json",
    )
    assert done.status_code == 200, done.text
    revision = client.get(f"/api/v1/revisions/{draft.pk}/").json()
    assert (revision["change_kind"], revision["reader_summary"]) == ("minor", "A dose changed.")


# --- the existing revisions -------------------------------------------------------------------


def test_the_backfill_classifies_existing_revisions_and_dates_those_readers_saw(
    clock, editor, reviewer, second_reviewer
):
    from importlib import import_module

    backfill = import_module("editorial.migrations.0010_update_history_backfill").backfill
    article = _published_article(editor, [reviewer, second_reviewer])
    second = revision_create_draft(article=article, author=editor)
    workflow.revision_submit(revision=second, actor=editor)
    workflow.article_publish(revision=second, actor=editor, note="Urgent")
    third = revision_create_draft(article=article, author=editor)
    workflow.revision_submit(revision=third, actor=editor)  # never published
    published = dict(Revision.objects.filter(article=article).values_list("number", "published_at"))
    # As the rows were before the migration.
    Revision.objects.filter(article=article).update(change_kind="", published_at=None)

    backfill(apps, None)

    rows = {
        r.number: (r.change_kind, r.published_at) for r in Revision.objects.filter(article=article)
    }
    assert rows == {
        1: ("new", published[1]),
        2: ("major", published[2]),
        3: ("major", None),
    }
    assert None not in (published[1], published[2])


def test_the_re_review_is_due_from_the_last_clinical_review_not_an_editorial_approval(
    clock, editor, reviewer, second_reviewer
):
    from editorial.schedule import rereviews_open_due

    article = _published_article(editor, [reviewer, second_reviewer])
    clock(LATER)
    fix = _update(article, editor=editor, kind=ChangeKind.EDITORIAL, summary=TYPO_FIX)
    _approve(fix, editor=editor, reviewers=[reviewer, second_reviewer])
    workflow.article_publish(revision=fix, actor=editor)
    due = datetime(2028, 3, 2, 9, 0, tzinfo=UTC)  # revision 1's approval plus 24 months

    assert rereviews_open_due(now=due - timedelta(days=1)) == 0
    assert rereviews_open_due(now=due) == 1
    opened = Revision.objects.filter(article=article).order_by("-number").first()
    assert opened is not None
    assert (opened.number, opened.status) == (3, ReviewStatus.SUBMITTED)


def test_the_sitemap_follows_the_published_revision(
    clock, client, editor, reviewer, second_reviewer
):
    article = _published_article(editor, [reviewer, second_reviewer])
    clock(LATER)
    fix = _update(article, editor=editor, kind=ChangeKind.EDITORIAL, summary=TYPO_FIX)
    clock(LATER + timedelta(days=1))
    workflow.article_publish(revision=fix, actor=editor, note="A typo in the dose")
    clock(LATER + timedelta(days=2))
    _update(article, editor=editor, kind=ChangeKind.MAJOR, summary="Not out yet")  # unpublished

    page = client.get("/sitemap-articles.xml").text

    lastmod = re.findall(r"<lastmod>(.*?)</lastmod>", page)
    assert [moment[:10] for moment in lastmod] == ["2026-04-12"]  # revision 2's publication


def test_each_level_reads_its_own_summary_where_the_editor_wrote_one(
    clock, editor, reviewer, second_reviewer
):
    article = _published_article(editor, [reviewer, second_reviewer])
    patient = "We now say more simply when you can start running again."
    draft = revision_create_draft(article=article, author=editor)
    levels = {level.slug: level for level in AudienceLevel.objects.all()}
    revision_edit(
        revision=draft,
        editor=editor,
        bodies={levels["patient"]: "Rest first.", levels["student"]: "Load the tendon."},
    )
    workflow.revision_submit(
        revision=draft,
        actor=editor,
        change=workflow.submitted_change(
            kind=ChangeKind.MINOR,
            summary=NEW_ADVICE,
            by_level={"patient": patient, "student": f" {NEW_ADVICE} ", "professional": ""},
        ),
    )
    workflow.article_publish(revision=draft, actor=editor, note="Guideline out")
    draft.refresh_from_db()
    # Only what differs from the general summary is kept.
    assert draft.reader_summaries == {"patient": patient}

    url = article.get_absolute_url()
    for level, summary in [("patient", patient), ("student", NEW_ADVICE), ("professional", "")]:
        html = Client().get(url, {"audience": level}).text
        expected = f"{summary or NEW_ADVICE}"
        assert _history(html)[0] == f"March 2, 2026 Minor clinical update {expected}", level


def test_a_summary_for_an_unknown_level_is_refused(editor, reviewer, second_reviewer):
    article = _published_article(editor, [reviewer, second_reviewer])
    draft = revision_create_draft(article=article, author=editor)

    with pytest.raises(workflow.InvalidInput, match="No audience level toddler"):
        workflow.revision_submit(
            revision=draft,
            actor=editor,
            change=workflow.SubmittedChange(
                kind=ChangeKind.MINOR, summary=NEW_ADVICE, by_level={"toddler": "Hi"}
            ),
        )


def test_the_workspace_and_the_api_take_summaries_per_level(
    client, editor, reviewer, second_reviewer
):
    article = _published_article(editor, [reviewer, second_reviewer])
    draft = revision_create_draft(article=article, author=editor)
    client.force_login(editor)
    page = client.get(reverse("editorial:article", kwargs={"pk": article.pk})).text
    assert 'name="reader_summary_patient"' in page
    assert 'name="reader_summary_professional"' not in page  # the general summary is its own

    client.post(
        reverse("editorial:transition", kwargs={"pk": article.pk, "name": "submit"}),
        {
            "change_kind": "minor",
            "reader_summary": NEW_ADVICE,
            "reader_summary_patient": "Simpler advice on running.",
        },
    )
    draft.refresh_from_db()
    assert (draft.status, draft.reader_summaries) == (
        ReviewStatus.SUBMITTED,
        {"patient": "Simpler advice on running."},
    )

    workflow.revision_withdraw(revision=draft, actor=editor)
    again = revision_create_draft(article=article, author=editor)
    response = client.post(
        f"/api/v1/articles/{article.pk}/transitions/submit/",
        {
            "change_kind": "minor",
            "reader_summary": NEW_ADVICE,
            "reader_summaries": {"student": "Now with the 2026 guideline's grading."},
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.text
    again.refresh_from_db()
    assert again.reader_summaries == {"student": "Now with the 2026 guideline's grading."}
