from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("editorial.api.urls")),
    path("editorial/", include("editorial.workspace.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("articles.public.urls")),
]
