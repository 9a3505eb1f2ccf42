from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.http import require_GET

from articles.public import home_views, question_views, site_pages, views
from articles.public.feeds import UpdatesFeed
from articles.public.sitemaps import SITEMAPS

app_name = "articles"
urlpatterns = [
    path("", home_views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("articles/<slug:slug>/audience/", views.article_audience_choose, name="audience_choose"),
    path(
        "articles/<slug:slug>/questions/",
        question_views.article_question_ask,
        name="question_ask",
    ),
    path(
        "articles/<slug:slug>/questions/answer/<str:token>/",
        question_views.article_question_answer,
        name="question_answer",
    ),
    path(
        "articles/<slug:slug>/questions/answered/",
        question_views.article_question_answered,
        name="question_answered",
    ),
    path(
        "articles/<slug:slug>/questions/thanks/",
        question_views.article_question_thanks,
        name="question_thanks",
    ),
    path("editorial-policy/", site_pages.editorial_policy, name="editorial_policy"),
    path("advisory-board/", site_pages.advisory_board, name="advisory_board"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("feeds/updates/", require_GET(UpdatesFeed()), name="updates_feed"),
    path("feeds/updates/<str:topic>/", require_GET(UpdatesFeed()), name="updates_feed_topic"),
    path("robots.txt", site_pages.robots_txt, name="robots"),
    path("healthz", site_pages.healthz, name="healthz"),
]
