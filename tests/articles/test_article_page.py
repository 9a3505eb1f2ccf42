"""The article page's template shows what its context worked out (articles.public.article_page):
its cost is per node, so dates and addresses are not computed by the template."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.template.base import VariableNode
from django.template.defaulttags import URLNode
from django.template.loader import get_template
from django.template.loader_tags import IncludeNode
from django.utils import timezone, translation

from articles.public.article_page import ARTICLE_TEMPLATE, shown_date
from editorial import workflow
from tests.factories import BoardMemberFactory, RevisionFactory


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, 5, tzinfo=UTC),
        # every month's name, a day on one digit and on two, a year below 1000
        *(datetime(2027, month, month * 2, 12, tzinfo=UTC) for month in range(1, 13)),
        datetime(987, 6, 5, 12, tzinfo=UTC),
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Pacific/Auckland"])
def test_a_date_is_shown_as_the_date_filter_shows_it(value, zone, settings):
    settings.TIME_ZONE = zone
    template = Template('{{ value|date:"c" }}|{{ value|date:"F j, Y" }}|{{ day|date:"Y-m-d" }}')
    with timezone.override(zone):
        expected = template.render(Context({"value": value, "day": value.date()}))
        shown, day = shown_date(value), shown_date(value.date())
    assert shown is not None
    assert day is not None
    assert f"{shown.iso}|{shown.text}|{day.iso}" == expected
    assert day.text == f"{value.date():%B} {value.day}, {value.year:04d}"
    assert shown_date(None) is None


def test_a_date_is_shown_with_the_month_in_the_active_language():
    value = datetime(2027, 5, 6, 12, tzinfo=UTC)
    with translation.override("de"):
        expected = Template('{{ value|date:"F j, Y" }}').render(Context({"value": value}))
        shown = shown_date(value)
    assert shown is not None
    assert shown.text == expected == "Mai 6, 2027"


def test_the_article_pages_template_formats_no_date_and_reverses_no_fixed_address():
    nodes = get_template(ARTICLE_TEMPLATE).template.nodelist  # type: ignore[attr-defined]

    dated = [
        node.token.contents
        for node in nodes.get_nodes_by_type(VariableNode)
        if any(function.__name__ == "date" for function, _ in node.filter_expression.filters)
    ]
    assert dated == []
    assert nodes.get_nodes_by_type(IncludeNode) == []
    # only the form of a reader logged in, which the cached page never has
    reversed_ = [node.view_name.token for node in nodes.get_nodes_by_type(URLNode)]
    assert reversed_ == ["'articles:audience_choose'"]


def test_the_approved_article_page_shows_its_dates(client, editor, settings, reach):
    settings.IMPRIMATUR_MIN_APPROVALS = 2
    revision = RevisionFactory(author=editor, canonical_body="Rest the heel.")
    reviewers = [BoardMemberFactory(), BoardMemberFactory()]
    reach(revision, "approved", editor=editor, reviewers=reviewers)
    article = workflow.article_publish(revision=revision, actor=editor)

    html = client.get(article.get_absolute_url()).text

    published = shown_date(article.published_at)
    assert published is not None
    assert html.count(f'<time datetime="{published.iso}">{published.text}</time>') == 2
    assert f'<meta property="article:modified_time" content="{published.iso}">' in html
    assert html.count('class="approver"') == 2
