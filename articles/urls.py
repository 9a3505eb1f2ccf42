from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("", views.article_list, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("healthz", views.healthz, name="healthz"),
]
