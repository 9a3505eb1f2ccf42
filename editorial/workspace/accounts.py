"""Signing in (the workspace's login page, the admin's) and resetting a password, counted per
client and per account (articles.public.throttles). django-axes also locks repeated failures,
in the database."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render

from articles.public.throttles import (
    LOGIN,
    PASSWORD_RESET,
    TRY_LATER,
    attempt_refused,
    over_limit,
    wait_words,
)

THROTTLED_TEMPLATE = "registration/throttled.html"

View = Callable[..., HttpResponseBase]


def _too_many(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, THROTTLED_TEMPLATE, {"message": message}, status=429)


def login_throttled(view: View) -> View:
    """A login view that, past the client's or the account's rate, answers 429 and checks no
    password."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            account = request.POST.get("username", "")
            if refused := attempt_refused(request, LOGIN, account=account):
                return _too_many(request, refused)
        return view(request, *args, **kwargs)

    return wrapped


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset. Past the client's rate: 429. Past the account's: the usual
    "check your e-mail" page (no one learns which addresses exist), and no e-mail is sent."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if over_limit(request, f"{PASSWORD_RESET}-client"):
            return _too_many(request, TRY_LATER.format(wait=wait_words(f"{PASSWORD_RESET}-client")))
        if over_limit(request, f"{PASSWORD_RESET}-account", account=request.POST.get("email", "")):
            return HttpResponseRedirect(self.get_success_url())
        return super().post(request, *args, **kwargs)


login = login_throttled(auth_views.LoginView.as_view())
password_reset = PasswordResetView.as_view()
