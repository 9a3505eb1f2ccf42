"""A refused or missing page keeps the site's layout and navigation, and says where to go."""

from django.urls import reverse


def test_a_reviewer_refused_the_board_gets_the_site_with_its_navigation(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("editorial:board"))
    assert response.status_code == 403
    html = response.text
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert "This page is not open to you" in html
    assert f'href="{reverse("editorial:dashboard")}">Go to your workspace' in html


def test_a_missing_article_keeps_the_layout(client, db):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    assert '<nav class="site-nav" aria-label="Main">' in response.text
    assert "Nothing here" in response.text


def test_an_anonymous_visitor_refused_a_page_is_offered_the_login(client, db):
    response = client.get(reverse("editorial:questions"))
    assert response.status_code == 302  # the workspace asks visitors to log in first
    assert response.url.startswith(reverse("login"))
