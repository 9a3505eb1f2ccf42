"""Markup people with assistive technology rely on: every aria-describedby points at an element
of the page; numbers outside their scale are explained."""

import re

from django.urls import reverse

from articles.models import AudienceLevel
from articles.readability import score_text
from editorial import workflow
from tests.factories import RevisionFactory, assign_ready

HARD = (
    "Notwithstanding contemporaneous pharmacoepidemiological considerations, "
    "anticholinergic polypharmacy necessitates individualised deprescribing "
    "methodologies incorporating multidisciplinary pharmacotherapeutic reconciliation."
)


def _described_by_missing(html: str) -> list[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    wanted = [
        ref for value in re.findall(r'aria-describedby="([^"]+)"', html) for ref in value.split()
    ]
    return [ref for ref in wanted if ref not in ids]


def test_every_described_by_points_at_an_element(client, editor, reviewer):
    revision = RevisionFactory(author=editor)
    client.force_login(editor)
    pages = [
        reverse("editorial:dashboard"),
        reverse("editorial:article_edit", args=[revision.article_id]),
        reverse("editorial:article", args=[revision.article_id]),
        reverse("editorial:references"),
        reverse("editorial:reference_import"),
    ]
    for url in pages:
        html = client.get(url).text
        assert _described_by_missing(html) == [], url
    assert "aria-describedby" in client.get(pages[1]).text  # the check saw some

    workflow.revision_submit(revision=revision, actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("editorial:review", args=[revision.pk])).text
    assert _described_by_missing(html) == []


def test_a_reading_ease_below_zero_is_explained(client, editor):
    assert score_text(HARD).reading_ease < 0
    client.force_login(editor)
    level = AudienceLevel.objects.get(is_canonical=True)
    html = client.post(
        reverse("editorial:readability_preview"),
        {"audience": level.slug, f"body_{level.slug}": HARD},
    ).text
    assert "below 0: harder than the 0\N{EN DASH}100 scale measures" in html
