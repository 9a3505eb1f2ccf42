"""The fixed addresses every page links to (config.context_processors.site_links): reversed
once per process, and the same as `{% url %}` would give, under any script prefix."""

import pytest
from django.template.defaulttags import URLNode
from django.template.loader import get_template
from django.urls import reverse, set_script_prefix

from config.context_processors import site_links

NAMES = {
    "home": "articles:home",
    "login": "login",
    "logout": "logout",
    "inbox": "editorial:inbox",
    "policy": "articles:editorial_policy",
    "board": "articles:advisory_board",
}


@pytest.mark.parametrize("prefix", ["/", "/imprimatur/"])
def test_the_links_are_the_addresses_reverse_gives_under_the_script_prefix(prefix, rf):
    set_script_prefix(prefix)
    try:
        links = site_links(rf.get("/"))["site_links"]
        assert links == {key: reverse(name) for key, name in NAMES.items()}
        assert all(link.startswith(prefix) for link in links.values())
    finally:
        set_script_prefix("/")


def test_the_base_template_reverses_no_address():
    nodes = get_template("base.html").template.nodelist  # type: ignore[attr-defined]
    assert nodes.get_nodes_by_type(URLNode) == []


def test_a_page_shows_the_links(client, db):
    html = client.get(reverse("articles:home")).text
    assert f'href="{reverse("login")}"' in html
    assert f'href="{reverse("articles:editorial_policy")}"' in html
