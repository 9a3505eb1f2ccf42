from django.contrib import admin
from django.urls import include, path

from config import readiness
from editorial.workspace import accounts

# The admin's login counts attempts as the workspace's does (editorial.workspace.accounts).
admin.site.login = accounts.login_throttled(admin.site.login)  # type: ignore[method-assign,assignment]

# The database unreachable outside a view is a 503 too (config.unavailable).
handler500 = "config.unavailable.server_error"
handler404 = "config.unavailable.page_not_found"

urlpatterns = [
    path("readyz", readiness.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/", include("editorial.api.urls")),
    path("editorial/", include("editorial.workspace.urls")),
    path("accounts/login/", accounts.login, name="login"),
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("articles.public.urls")),
]
