from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("", views.article_list, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("editorial-policy/", views.editorial_policy, name="editorial_policy"),
    path("healthz", views.healthz, name="healthz"),
]
