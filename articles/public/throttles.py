"""How often a client, or an account, may do something: the rates in IMPRIMATUR_RATES, counted
by django-ratelimit in the shared cache.

One function for every door (the login page, the API's token login, password reset, readers'
questions). The client is `REMOTE_ADDR`, which config.middleware.TrustedProxyMiddleware sets
from the trusted proxies' X-Forwarded-For. With the cache unreachable the counters fail open
(RATELIMIT_FAIL_OPEN): django-axes still locks an account and an address after repeated failed
logins, in the database.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

LOGIN, PASSWORD_RESET = "login", "password-reset"  # attempts with a client and an account rate
TRY_LATER = "Too many attempts in a short time: please wait {wait} and try again."


def over_limit(request: HttpRequest, rule: str, *, account: str | None = None) -> bool:
    """Count one more `rule` (a key of IMPRIMATUR_RATES) for this client, or with `account`
    for that account (a username or an e-mail address, compared without case); True once the
    rate is passed."""
    key: str | Callable[[str, HttpRequest], str] = "ip"
    if account is not None:
        name = account.strip().casefold()
        key = lambda group, request: name  # noqa: E731 (django-ratelimit's key signature)
    try:
        return is_ratelimited(
            request,
            group=f"imprimatur:{rule}",
            key=key,
            rate=settings.IMPRIMATUR_RATES[rule],
            increment=True,
        )
    except (RedisError, OSError):  # django-ratelimit fails open only on a missing value
        log.warning("Rate limit %s not counted: the cache is unreachable", rule, exc_info=True)
        return False


def wait_words(rule: str) -> str:
    """The rule's window in words: "an hour", "10 minutes"."""
    period = settings.IMPRIMATUR_RATES[rule].split("/", 1)[1]
    count, unit = (period[:-1] or "1"), period[-1]
    names = {"s": "second", "m": "minute", "h": "hour", "d": "day"}
    if count == "1":
        return f"an {names[unit]}" if unit == "h" else f"a {names[unit]}"
    return f"{count} {names[unit]}s"


def attempt_refused(request: HttpRequest, rule: str, *, account: str) -> str:
    """Count an attempt at `rule` ("login": its "-client" and "-account" rates) by this client
    on `account`; what to tell the person when either rate is passed, else ""."""
    by_client = over_limit(request, f"{rule}-client")
    by_account = over_limit(request, f"{rule}-account", account=account)
    if by_client:
        return TRY_LATER.format(wait=wait_words(f"{rule}-client"))
    if by_account:
        return TRY_LATER.format(wait=wait_words(f"{rule}-account"))
    return ""
