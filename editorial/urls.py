from django.urls import path

from editorial import views

app_name = "editorial"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("articles/new/", views.article_new, name="article_create"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/revisions/new/", views.revision_new, name="revision_new"),
    path("articles/<int:pk>/transitions/<str:name>/", views.transition, name="transition"),
    path("readability/", views.readability_preview, name="readability_preview"),
]
