"""Comments post, reply and resolve in place with htmx; the same forms work as plain POSTs."""

from django.urls import reverse

from articles.models import AudienceLevel
from articles.services import revision_edit
from editorial import comments, workflow
from editorial.models import ReviewComment
from tests.factories import RevisionFactory, assign_ready

HTMX = {"HTTP_HX_REQUEST": "true"}


def ready_revision(editor, reviewer):  # type: ignore[no-untyped-def]
    return ready_revision_from(RevisionFactory(author=editor), editor, reviewer)


def ready_revision_from(revision, editor, reviewer):  # type: ignore[no-untyped-def]
    revision = workflow.revision_submit(revision=revision, actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    return revision


def comment_data(**overrides):  # type: ignore[no-untyped-def]
    return {
        "audience": AudienceLevel.objects.get(is_canonical=True).pk,
        "quoted_text": "graded loading",
        "severity": "accuracy",
        "body": "Say how graded.",
        **overrides,
    }


def test_review_page_loads_htmx_and_marks_the_forms(client, editor, reviewer):
    revision = ready_revision(editor, reviewer)
    client.force_login(reviewer)

    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text

    assert "django_htmx/htmx-2" in page
    assert 'id="threads-' in page
    create_url = reverse("editorial:comment_create", kwargs={"pk": revision.pk})
    assert f'hx-post="{create_url}"' in page
    assert f'action="{create_url}"' in page  # still a plain form without JavaScript
    assert "{#" not in page  # template comments stay comments
    assert "js/review-comments.js" in page


def test_htmx_comment_answers_with_the_threads_and_a_fresh_form(client, editor, reviewer):
    revision = ready_revision(editor, reviewer)
    client.force_login(reviewer)
    canonical = AudienceLevel.objects.get(is_canonical=True)

    response = client.post(
        reverse("editorial:comment_create", kwargs={"pk": revision.pk}), comment_data(), **HTMX
    )

    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#threads-{canonical.slug}"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.text
    assert f'id="threads-{canonical.slug}"' in html
    assert "Say how graded." in html
    assert "Comment added." in html
    assert 'hx-swap-oob="true"' in html
    thread = ReviewComment.objects.get()
    assert f'id="comment-{thread.pk}"' in html
    # Out of band: the text again, the passage highlighted; and the version's box, empty.
    assert f'<div class="review-text" id="text-{canonical.slug}"' in html
    passage = f'data-thread="{thread.pk}" id="passage-{thread.pk}" tabindex="-1">graded loading<'
    assert passage in html
    box = f'<details class="comment-box" id="comment-box-{canonical.slug}" hx-swap-oob="true">'
    assert box in html
    assert f'data-new-thread="{thread.pk}"' in html  # the script focuses it


def test_htmx_comment_refused_shows_why_in_the_form(client, editor, reviewer):
    revision = ready_revision(editor, reviewer)
    client.force_login(reviewer)

    response = client.post(
        reverse("editorial:comment_create", kwargs={"pk": revision.pk}),
        comment_data(quoted_text="not in the text", offset=3),
        **HTMX,
    )

    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert 'role="alert"' in response.text
    assert "quoted passage is not in" in response.text
    assert not ReviewComment.objects.exists()


def test_htmx_resolve_reply_and_refusal_answer_with_the_threads(
    client, editor, reviewer, second_reviewer
):
    revision = ready_revision(editor, reviewer)
    assign_ready(revision, editor=editor, reviewer=second_reviewer)
    thread = comments.comment_create(
        revision=revision,
        actor=reviewer,
        audience=AudienceLevel.objects.get(is_canonical=True),
        quoted_text="Rest",
        offset=0,
        body="Hm",
    )
    resolve_url = reverse("editorial:comment_resolve", kwargs={"pk": thread.pk})

    client.force_login(second_reviewer)
    refused = client.post(resolve_url, **HTMX)
    client.force_login(reviewer)
    replied = client.post(
        reverse("editorial:comment_reply", kwargs={"pk": thread.pk}), {"body": "Also ice."}, **HTMX
    )
    resolved = client.post(resolve_url, **HTMX)

    assert refused.status_code == 200
    assert "may resolve or reopen it" in refused.text
    assert "Also ice." in replied.text
    assert "Reply added." in replied.text
    assert "Resolved by Rhea Reviewer" in resolved.text
    assert f'id="passage-{thread.pk}"' in replied.text  # open: highlighted
    assert f'id="passage-{thread.pk}"' not in resolved.text  # resolved: the highlight goes
    assert "Comment resolved." in resolved.text
    assert "Reopen" in resolved.text
    thread.refresh_from_db()
    assert thread.resolved_by == reviewer


def test_without_htmx_the_forms_still_redirect(client, editor, reviewer):
    revision = ready_revision(editor, reviewer)
    client.force_login(reviewer)

    response = client.post(
        reverse("editorial:comment_create", kwargs={"pk": revision.pk}), comment_data()
    )

    thread = ReviewComment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{thread.pk}")


def test_without_javascript_each_version_has_its_own_form_for_its_own_audience(
    client, editor, reviewer
):
    """The audience of a comment is the version it is written under, not a default."""
    revision = RevisionFactory(author=editor, canonical_body="Load the **tendon** slowly.")
    patient = AudienceLevel.objects.get(slug="patient")
    revision_edit(revision=revision, editor=editor, bodies={patient: "Rest first."})
    revision = ready_revision_from(revision, editor, reviewer)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    client.force_login(reviewer)

    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text
    for audience in (patient, canonical):
        assert f'id="comment-box-{audience.slug}"' in page
        assert (
            f'<input type="hidden" name="audience" value="{audience.pk}" '
            f'id="comment-{audience.slug}-audience">'
        ) in page
        assert f'<label for="comment-{audience.slug}-quoted_text">' in page

    response = client.post(
        reverse("editorial:comment_create", kwargs={"pk": revision.pk}),
        comment_data(audience=canonical.pk, quoted_text="the tendon slowly"),
    )

    thread = ReviewComment.objects.get()
    assert response.status_code == 302
    assert (thread.audience, thread.quoted_text) == (canonical, "the tendon slowly")
