"""Script payloads stored in every field that a page shows, and checks that none became active.

Used by the server-side sweep (tests/articles/test_xss_sweep.py, Django's test client) and the
browser sweep (tests/browser/test_xss_browser.py, Chromium without the CSP's protection).
"""

import base64
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings

from articles.models import Article, AudienceLevel, FollowUpQuestion, Revision
from articles.questions import follow_up_question_create
from articles.services import revision_edit
from editorial import review, workflow
from editorial.models import BoardProfile, User
from tests.factories import (
    BoardMemberFactory,
    EditorFactory,
    ReferenceFactory,
    RevisionFactory,
    assign_ready,
)

JS = "window.__xss=1"
DATA_HTML = "data:text/html;base64," + base64.b64encode(f"<script>{JS}</script>".encode()).decode()
DATA_SVG = (
    "data:image/svg+xml;base64,"
    + base64.b64encode(f'<svg xmlns="http://www.w3.org/2000/svg" onload="{JS}"/>'.encode()).decode()
)
SCRIPT = f"<script>{JS}</script>"
IMG = f'<img src=x onerror="{JS}">'
MARKDOWN_JS = f"[x](javascript:{JS})"
ANCHOR_JS = f'<a href="javascript:{JS}">click</a>'
MARKDOWN_DATA = f"[d]({DATA_HTML}) ![i]({DATA_SVG})"
ANCHOR_DATA = f'<a href="{DATA_HTML}">d</a><img src="{DATA_SVG}">'
BREAKOUT = f"\"><svg onload={JS}>'><svg onload={JS}>"

# Every payload at once, for free-text fields (titles, bodies, bios, questions).
ALL = " ".join([SCRIPT, IMG, MARKDOWN_JS, ANCHOR_JS, MARKDOWN_DATA, ANCHOR_DATA, BREAKOUT])
# For short fields (topic, names, credentials): the attribute break-out and the handlers.
SHORT = f'"><svg onload={JS}><img src=x onerror={JS}>'


@dataclass(frozen=True)
class XssScene:
    article: Article  # published and approved, everything below shown on its page
    revision: Revision
    draft: Article  # same payloads, a draft: the workspace editor page
    editor: User
    reviewer: User  # approved; name, credentials, specialty, bio and disclosure carry payloads
    question: FollowUpQuestion


def xss_scene_build() -> XssScene:
    """Payloads in titles, topics, bodies, reference fields, the board profile and a question.

    Needs IMPRIMATUR_MIN_APPROVALS == 1 (one approver whose profile carries the payloads).
    """
    assert settings.IMPRIMATUR_MIN_APPROVALS == 1
    editor = EditorFactory(username="xss-editor", first_name=SHORT, last_name="Editor")
    reviewer = BoardMemberFactory(username="xss-reviewer", first_name=SHORT, last_name=SHORT)
    BoardProfile.objects.filter(user=reviewer).update(
        credentials=SHORT[:100], specialty=SHORT, bio=ALL
    )
    ReferenceFactory(
        key="xss-ref",
        type="guideline",
        csl={
            "type": "webpage",
            "title": ALL,
            "container-title": ALL,
            "URL": f"javascript:{JS}",
            "author": [{"family": SHORT, "given": SHORT}, {"literal": ALL}],
            "issued": {"date-parts": [[2024]]},
        },
    )
    ReferenceFactory(
        key="xss-data",
        csl={
            "type": "webpage",
            "title": "Data link",
            "URL": DATA_HTML,
            "author": [{"literal": ALL}],
        },
    )
    body = f"{ALL}\n\nCited [@xss-ref; @xss-data].\n\n## {SHORT}\n\n- {ALL}\n"
    patient = AudienceLevel.objects.get(slug="patient")

    revision = RevisionFactory(
        author=editor,
        canonical_body=body,
        change_summary=f"{SCRIPT} {IMG} {BREAKOUT}",  # 300 characters at most
        article__title=("Heel pain? " + ALL)[:255],
        article__topic=SHORT,
    )
    revision_edit(revision=revision, editor=editor, bodies={patient: body})
    workflow.revision_submit(revision=revision, actor=editor)
    assignment = assign_ready(revision, editor=editor, reviewer=reviewer)
    review.interests_declare(
        assignment=assignment,
        actor=reviewer,
        none=False,
        interests=[review.Interest("other", ALL)],
    )
    workflow.revision_approve(revision=revision, actor=reviewer)
    article = workflow.article_publish(revision=revision, actor=editor)
    question = follow_up_question_create(article=article, audience=patient, question=ALL)

    draft = RevisionFactory(
        author=editor, canonical_body=body, article__title=ALL[:255], article__topic=SHORT
    )
    revision.refresh_from_db()
    return XssScene(
        article=article,
        revision=revision,
        draft=draft.article,
        editor=editor,
        reviewer=reviewer,
        question=question,
    )


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"}
# Scripts a page may carry: files from our origin, and JSON data blocks (not executed).
INERT_SCRIPT_TYPES = {"application/ld+json", "application/json"}
# The one frame a page may carry: the article page's follow-up question form, from our origin.
OUR_FRAME = re.compile(r"/articles/[-\w]+/questions/(\?audience=[-\w]+)?")


class _ActiveFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script_type: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name in URL_ATTRIBUTES and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.found.append(f"<{tag} {name}={value[:40]!r}>")
        values = dict(attrs)
        if tag in ("object", "embed", "frame") or (
            tag == "iframe"
            and ("srcdoc" in values or not OUR_FRAME.fullmatch(values.get("src") or ""))
        ):
            self.found.append(f"<{tag}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")
        if tag == "script":
            self._script_type = (dict(attrs).get("type") or "text/javascript").lower()

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_type = None

    def handle_data(self, data: str) -> None:
        if self._script_type not in (None, *INERT_SCRIPT_TYPES) and "__xss" in data:
            self.found.append(f"<script> {data[:40]!r}")


def active_payloads(html: str) -> list[str]:
    """Markup in `html` that would run script: event-handler attributes, javascript:/data:
    URLs, <object>/<embed>, an <iframe> other than our question frame, the payload's
    <img src=x>, a script holding the payload."""
    finder = _ActiveFinder()
    finder.feed(html)
    finder.close()
    return finder.found
