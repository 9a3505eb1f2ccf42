"""Screen readers read a field's help text and errors through aria-describedby, which Django
sets to `<id>_helptext` and `<id>_error`: the templates must give those elements these ids."""

import re
from html.parser import HTMLParser

from django.urls import reverse

from editorial import workflow
from tests.factories import RevisionFactory


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described_by: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        self.described_by += (values.get("aria-describedby") or "").split()


def _dangling_descriptions(html: str) -> tuple[list[str], list[str]]:
    parser = _Ids()
    parser.feed(html)
    return parser.described_by, [i for i in parser.described_by if i not in parser.ids]


def _published(editor):  # type: ignore[no-untyped-def]
    revision = RevisionFactory(author=editor)
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


def test_question_form_describes_its_fields_with_help_and_errors(client, editor):
    article = _published(editor)
    frame = reverse("articles:question_ask", kwargs={"slug": article.slug})  # the page frames it
    described, dangling = _dangling_descriptions(client.get(frame).text)
    assert "id_question_helptext" in described
    assert dangling == []

    response = client.post(frame, {"question": "Why?", "email": "not an address"})
    assert response.status_code == 400
    described, dangling = _dangling_descriptions(response.text)
    assert {"id_question_error", "id_email_error"} <= set(described)
    assert dangling == []
    assert re.search(r'id="id_question_error" role="alert">Please write', response.text)


def test_workspace_form_describes_its_fields_with_errors(client, editor):
    client.force_login(editor)
    # An empty address is made from the title; one that is not a slug is an error.
    response = client.post(
        reverse("editorial:article_create"), {"slug": "Not a slug!", "title": ""}
    )
    described, dangling = _dangling_descriptions(response.text)
    assert {"id_slug_error", "id_title_error"} <= set(described)
    assert dangling == []
