"""XSS sweep, server side (issue 6, point 9): script, event-handler, javascript: and data: payloads
stored in titles, topics, bodies, reference fields, board profiles, disclosures and follow-up
questions come out of every page that shows them as text, never as active markup.
The same pages in Chromium: tests/browser/test_xss_browser.py."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.markdown import markdown_to_html, markdown_with_citations
from articles.models import AudienceLevel, Reference
from articles.references.formatting import CitationStyle, reference_format
from articles.services import revision_create_draft, revision_edit
from tests.xss import ALL, SCRIPT, SHORT, XssScene, active_payloads, xss_scene_build

ESCAPED_SCRIPT = "&lt;script&gt;window.__xss=1&lt;/script&gt;"


@pytest.fixture
def scene(db, settings) -> XssScene:
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    return xss_scene_build()


def test_the_checker_finds_each_kind_of_active_payload():
    found = active_payloads(
        f'<p>{ALL}</p><a href=" JaVaScRiPt:x">a</a><script type="application/ld+json">'
        '{"name": "window.__xss=1"}</script>'
    )
    assert "<script> 'window.__xss=1'" in found
    assert "<img src=x>" in found
    assert any("onerror" in item for item in found)
    assert any("onload" in item for item in found)
    assert any("'javascript:" in item for item in found)
    assert any("'data:text/html" in item for item in found)
    assert any("'data:image/svg" in item for item in found)
    assert "<a href=' JaVaScRiPt:x'>" in found
    assert not any("ld+json" in item or '"name"' in item for item in found)
    assert active_payloads("<p>plain <a href='https://example.org'>link</a></p>") == []
    # Our own question frame is fine; any other frame is not.
    assert (
        active_payloads('<iframe src="/articles/heel/questions/?audience=patient"></iframe>') == []
    )
    for frame in (
        '<iframe src="https://example.org/"></iframe>',
        '<iframe src="//example.org/articles/heel/questions/"></iframe>',
        '<iframe srcdoc="<script></script>" src="/articles/heel/questions/"></iframe>',
        "<iframe></iframe>",
    ):
        assert active_payloads(frame) == ["<iframe>"], frame


def test_markdown_keeps_no_payload_active():
    html = markdown_to_html(ALL + f"\n\n## {SHORT}\n\n- {ALL}\n\n<{SCRIPT}>")
    assert active_payloads(html) == []
    assert ESCAPED_SCRIPT in html  # shown as text, not dropped


def test_reference_entries_keep_no_payload_active(scene):
    for reference in Reference.objects.filter(key__startswith="xss-"):
        for style in CitationStyle:
            html = reference_format(version=reference.current_version, style=style)
            assert active_payloads(html) == [], (reference.key, style)
            assert "javascript:" not in html.lower() or "<a" not in html


def test_cited_body_keeps_no_payload_active(scene):
    body = scene.revision.bodies.get(audience__is_canonical=True).body
    html, keys = markdown_with_citations(body, citable={"xss-ref", "xss-data"})
    assert keys == ["xss-ref", "xss-data"]
    assert active_payloads(html) == []


def _public_pages(scene: XssScene) -> list[str]:
    url = scene.article.get_absolute_url()
    return [
        url,
        url + "?audience=patient",
        url + "?audience=student",
        reverse("articles:home"),
        reverse("articles:home") + "?q=Heel",
        reverse("articles:advisory_board"),
        # The question frame and its thank-you document (the article's title is in both).
        reverse("articles:question_ask", kwargs={"slug": scene.article.slug}) + "?audience=patient",
        reverse("articles:question_thanks", kwargs={"slug": scene.article.slug}),
    ]


def _workspace_pages(scene: XssScene) -> list[str]:
    references = Reference.objects.filter(key__startswith="xss-").order_by("key")
    return [
        reverse("editorial:references"),
        reverse("editorial:references") + "?q=xss",
        reverse("editorial:reference_picker") + "?q=xss",
        *(reverse("editorial:reference", kwargs={"pk": r.pk}) for r in references),
        *(reverse("editorial:reference_edit", kwargs={"pk": r.pk}) for r in references),
        reverse("editorial:dashboard"),
        reverse("editorial:article", kwargs={"pk": scene.article.pk}),
        reverse("editorial:article_edit", kwargs={"pk": scene.draft.pk}),
        reverse("editorial:article_edit", kwargs={"pk": scene.article.pk}),
        reverse("editorial:history", kwargs={"pk": scene.article.pk}),
        reverse("editorial:review", kwargs={"pk": scene.revision.pk}),
        reverse("editorial:preview", kwargs={"pk": scene.revision.pk}),
        reverse("editorial:preview", kwargs={"pk": scene.revision.pk}) + "?audience=patient",
        reverse("editorial:compare", kwargs={"pk": scene.article.pk}),
        reverse("editorial:board"),
        reverse("editorial:questions"),
    ]


def _admin_pages(scene: XssScene) -> list[str]:
    return [
        reverse("admin:articles_followupquestion_changelist"),
        reverse("admin:articles_followupquestion_change", args=[scene.question.pk]),
        reverse("admin:articles_article_changelist"),
    ]


def _assert_inert(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.text
    assert active_payloads(html) == [], path
    assert "__xss" in html, f"{path} shows no payload: the sweep would prove nothing"


def test_public_pages_show_payloads_as_text(client, scene):
    for path in _public_pages(scene):
        _assert_inert(client, path)
    article_page = client.get(scene.article.get_absolute_url()).text
    assert ESCAPED_SCRIPT in article_page  # body, title, references, disclosure


def test_workspace_pages_show_payloads_as_text(client, scene):
    client.force_login(scene.editor)
    for path in _workspace_pages(scene):
        _assert_inert(client, path)
    client.force_login(scene.reviewer)
    _assert_inert(client, reverse("editorial:review", kwargs={"pk": scene.revision.pk}))
    _assert_inert(client, reverse("editorial:queue") + "?show=done")  # approved: decided
    # What a reviewer reads of the audit trail and the reviewers is theirs (who sees what).
    _assert_inert(client, reverse("editorial:history", kwargs={"pk": scene.article.pk}))
    _assert_inert(client, reverse("editorial:article", kwargs={"pk": scene.article.pk}))


def test_what_changed_shows_payloads_as_text(client, scene):
    """A second revision with payloads moved, added and removed: the review page, the compare
    page, the preview and the restore confirmation show them as text."""
    draft = revision_create_draft(article=scene.article, author=scene.editor)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    changed = f"## {ALL}\n\nNew words {ALL} [@xss-data].\n\n| {SHORT} |\n|-|\n| {ALL} |\n"
    revision_edit(revision=draft, editor=scene.editor, bodies={canonical: changed})
    client.force_login(scene.editor)
    pk = scene.article.pk
    for path in (
        reverse("editorial:review", kwargs={"pk": draft.pk}),
        reverse("editorial:compare", kwargs={"pk": pk}),
        reverse("editorial:compare", kwargs={"pk": pk})
        + f"?from={draft.number}&to={scene.revision.number}",
        reverse("editorial:preview", kwargs={"pk": draft.pk}),
        reverse("editorial:restore", kwargs={"pk": pk, "number": scene.revision.number}),
    ):
        _assert_inert(client, path)
    compared = client.get(reverse("editorial:compare", kwargs={"pk": pk})).text
    assert '<span class="visually-hidden">inserted: </span>' in compared


def test_admin_pages_show_question_payloads_as_text(admin_client, scene):
    for path in _admin_pages(scene):
        _assert_inert(admin_client, path)
