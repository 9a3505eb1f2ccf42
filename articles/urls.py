from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("", views.article_list, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("articles/<slug:slug>/audience/", views.article_audience_choose, name="audience_choose"),
    path("editorial-policy/", views.editorial_policy, name="editorial_policy"),
    path("healthz", views.healthz, name="healthz"),
]
