from django.urls import path
from django.views.decorators.http import require_safe

from articles.public import home_views, question_views, site_pages, sitemaps, views
from articles.public.feeds import UpdatesFeed

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
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-articles.xml", sitemaps.sitemap_page, name="sitemap_page"),
    path("feeds/updates/", require_safe(UpdatesFeed()), name="updates_feed"),
    path("feeds/updates/<str:topic>/", require_safe(UpdatesFeed()), name="updates_feed_topic"),
    path("robots.txt", site_pages.robots_txt, name="robots"),
    path("healthz", site_pages.healthz, name="healthz"),
]
