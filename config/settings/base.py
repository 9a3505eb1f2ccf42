"""Settings shared by every environment, read from the environment with safe local defaults."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # full-text search (articles.public.search); harmless on SQLite
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_htmx",
    "articles",
    "editorial",
]

MIDDLEWARE = [
    # First: REMOTE_ADDR becomes the client's address behind the trusted proxies.
    "config.middleware.TrustedProxyMiddleware",
    # A view that cannot reach the database answers 503 with Retry-After (config.unavailable).
    "config.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PrivateResponsesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A browser revalidating an article page this process keeps: 304 before the rest.
    "articles.public.middleware.ArticleRevalidationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Too large a body (413) or a NUL in the query or the form (400), before a view reads it.
    "config.middleware.RequestInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "editorial.workspace.navigation.workspace_navigation",
                "config.context_processors.site_links",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing when two requests write at once.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters sent apart from the SQL, so psycopg prepares a statement a connection runs
    # often (its 5th time) and PostgreSQL stops planning it again: the stored page's lookup
    # cost 180 us of PostgreSQL's CPU planned each time, 57 us prepared. (Not through a
    # transaction-mode pooler such as PgBouncer's, which cannot keep prepared statements.)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
    # The database going away costs a request seconds, not minutes: give up connecting after
    # DATABASE_CONNECT_TIMEOUT s, cancel a statement running longer than
    # DATABASE_STATEMENT_TIMEOUT_MS (0: never), and notice a peer that vanished mid-request
    # (TCP keepalives; unacknowledged data for DATABASE_TCP_USER_TIMEOUT_MS). The request then
    # answers 503 (config.unavailable).
    # No JIT compilation: every query here is short, and a misestimated one (a reader's question
    # matched against the passages at 100,000 articles) spent 60 ms compiling for 130 ms of work.
    # A prepared statement is planned for its values each time (ADR 003): from its 6th run
    # PostgreSQL would otherwise switch to a generic plan, blind to the values, and at 100,000
    # articles the editor's dashboard went from 50 ms to 2.5 s at its 11th request in a worker.
    DATABASES["default"]["OPTIONS"].update(
        connect_timeout=env.int("DATABASE_CONNECT_TIMEOUT", default=3),
        options=(
            f"-c statement_timeout={env.int('DATABASE_STATEMENT_TIMEOUT_MS', default=15000)}"
            " -c jit=off -c plan_cache_mode=force_custom_plan"
        ),
        keepalives=1,
        keepalives_idle=5,
        keepalives_interval=2,
        keepalives_count=3,
        tcp_user_timeout=env.int("DATABASE_TCP_USER_TIMEOUT_MS", default=10000),
    )
# What a 503 (the database unreachable) asks clients to wait before trying again, in seconds.
IMPRIMATUR_RETRY_AFTER_SECONDS = env.int("IMPRIMATUR_RETRY_AFTER_SECONDS", default=30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "editorial.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses logins while a username and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock out a username from one address after repeated failures (django-axes).
# The client's address behind this many reverse proxies (config.middleware): 0 when Django faces
# the clients itself; 1 behind one nginx that sets X-Forwarded-For. axes and the rate limits use it.
IMPRIMATUR_TRUSTED_PROXIES = env.int("IMPRIMATUR_TRUSTED_PROXIES", default=0)
# What a client (or one account) may do how often (articles.public.throttles, django-ratelimit).
IMPRIMATUR_RATES = {
    "login-client": env.str("RATE_LOGIN_CLIENT", default="30/10m"),
    "login-account": env.str("RATE_LOGIN_ACCOUNT", default="10/10m"),
    "password-reset-client": env.str("RATE_PASSWORD_RESET_CLIENT", default="5/h"),
    "password-reset-account": env.str("RATE_PASSWORD_RESET_ACCOUNT", default="3/h"),
    "questions-client": env.str("RATE_QUESTIONS_CLIENT", default="5/h"),
}
# The counters live in the cache; with it unreachable, nobody is refused for it (axes still
# locks repeated failed logins, in the database).
RATELIMIT_FAIL_OPEN = True
# How large a request may be, pages and API alike: a larger Content-Length is answered 413
# before the body is read (config.middleware); form fields hold at most
# DATA_UPLOAD_MAX_MEMORY_SIZE (413 too), an uploaded file spills to disk above
# FILE_UPLOAD_MAX_MEMORY_SIZE.
# A reference file imports up to REFERENCE_IMPORT_MAX_BYTES (100 MB by default): the views that
# take one accept IMPRIMATUR_UPLOAD_MAX_BYTES, so that a file a little over the limit gets the
# form's error naming it, and a far larger one the 413. The file is stored, previewed and
# imported a piece at a time by tasks (ADR 018; docs/references.md): no request reads it, and
# a worker's memory holds a batch of records whatever the file's size.
IMPRIMATUR_REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=5 * 1024 * 1024)
REFERENCE_IMPORT_MAX_BYTES = env.int("REFERENCE_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
IMPRIMATUR_UPLOAD_MAX_BYTES = env.int(
    "UPLOAD_MAX_BYTES", default=REFERENCE_IMPORT_MAX_BYTES + 10 * 1024 * 1024
)
IMPRIMATUR_UPLOAD_VIEWS = {
    "editorial:reference_import",
    "api:reference-import-preview",
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024 // 2)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 // 2
# Never kept by a browser or a shared cache (config.middleware.PrivateResponsesMiddleware).
IMPRIMATUR_PRIVATE_PATHS = ["/editorial/", "/api/", "/admin/", "/accounts/"]

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "editorial:dashboard"
LOGOUT_REDIRECT_URL = "articles:home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # whitenoise's, each URL worked out once per process (config/static_storage.py).
    "staticfiles": {"BACKEND": "config.static_storage.KeptUrlsManifestStaticFilesStorage"},
}

# Redis: when REDIS_URL is unset, jobs run in-process (eager) and the cache is local memory.
REDIS_URL = env("REDIS_URL", default="")
# Seconds to connect to Redis and to wait for its answer, for the cache and the broker alike:
# with Redis unreachable a request gives up at once and goes on without it (the cache counts
# as a miss, the outbox keeps what the broker did not take), never holding a committed action.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT}
# Deleted by each process when it reaches the cache again after failing to
# (config/redis_cache.py): the tokens every cached article page and every cached search depend
# on (articles.page_versions.LEVELS_KEY, articles.search_documents.SEARCH_GENERATION_KEY).
IMPRIMATUR_CACHE_KEYS_AFTER_OUTAGE = ["article-page:levels", "search:generation"]
if REDIS_URL:
    CACHES = {
        # Django's RedisCache, keeping its redis-py client and failing open (config/redis_cache.py).
        "default": {
            "BACKEND": "config.redis_cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_TASK_ALWAYS_EAGER = True
    # A failed notification is logged; it must not turn a committed action into an error page.
    CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT,
    # Above BRPOP's 1 s wait, which the worker's loop reads as it comes.
    "socket_timeout": max(REDIS_TIMEOUT, 2.0),
    # A task taken by a worker that died is delivered again after this many seconds (Redis
    # has no acknowledgements of its own; kombu's default is an hour).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
}
# One immediate retry, no backoff: what the broker does not take stays in the outbox for the
# relay (articles/outbox.py), instead of the request waiting.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Nothing reads task results: none are stored (no result backend).
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker died goes back to the queue (every task is idempotent).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# The periodic work and the outbox: config/settings/background.py.
from config.settings.background import *  # noqa: E402

# E-mail: EMAIL_URL (smtp://user:pass@host:587/?tls=True) or the console when unset.


def mailers_from_email_url(url: str) -> dict[str, dict[str, object]]:
    """Django's MAILERS setting from one URL such as smtp+tls://user:pass@host:587."""
    parsed = environ.Env.email_url_config(url)
    mailer: dict[str, object] = {"BACKEND": parsed["EMAIL_BACKEND"]}
    if parsed["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
        mailer["OPTIONS"] = {
            "host": parsed["EMAIL_HOST"],
            "port": parsed.get("EMAIL_PORT") or 25,
            "username": parsed.get("EMAIL_HOST_USER", ""),
            "password": parsed.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": bool(parsed.get("EMAIL_USE_TLS")),
            "use_ssl": bool(parsed.get("EMAIL_USE_SSL")),
            "timeout": 10,
        }
    return {"default": mailer}


MAILERS = mailers_from_email_url(env("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Imprimatur <editorial@localhost>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Content Security Policy: no inline script anywhere; scripts only from our origin.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    # Our own frames only: the follow-up question form (articles/question_views.py).
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# Swagger UI (/api/docs/) injects <style> elements at run time: inline *style* on that page only.
API_DOCS_CSP: dict[str, list[str]] = SECURE_CSP | {"style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
# The follow-up question form is a small document framed by the article page: our origin only.
FRAME_DOCUMENT_CSP: dict[str, list[str]] = SECURE_CSP | {"frame-ancestors": [CSP.SELF]}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # knox's, at a cost that does not grow with the user's tokens (editorial.tokens).
        "editorial.tokens.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "editorial.api.pagination.KeysetPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "editorial.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "editorial.api.errors.exception_handler",
    # JSON bodies: refused when nested too deep or holding a NUL (editorial.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "editorial.api.parsers.CheckedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Imprimatur API",
    "DESCRIPTION": "Articles, revisions, audience bodies, reviews and the editorial workflow.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One enum of transition names, whichever field lists them; one of an import's record
    # statuses, beside which the references' status keeps the name clients know it by.
    "ENUM_NAME_OVERRIDES": {
        "TransitionName": "editorial.workflow.guards.ACTION_NAMES",
        "ImportRecordStatus": "articles.references.importing.previewing.STATUSES",
        "StatusEnum": "articles.references.models.ReferenceStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "editorial.api.schema.error_responses",
    ],
}
# API tokens lapse after API_TOKEN_IDLE_DAYS without use (each use moves the expiry on), and are
# revoked when their user's password changes or the account is deactivated (editorial.signals).
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_IDLE_DAYS", default=30)),
    "AUTO_REFRESH": True,
}

# The editorial policy. Publishing before approval follows the example pages (allowed, with
# a caution banner); set IMPRIMATUR_PUBLISH_REQUIRES_APPROVAL=true to make approval mandatory.
IMPRIMATUR_PUBLISH_REQUIRES_APPROVAL = env.bool(
    "IMPRIMATUR_PUBLISH_REQUIRES_APPROVAL", default=False
)
# Who may put a revision that is not approved over a published approved one (always with a
# reason, kept in the audit trail): the names of the groups, comma-separated.
IMPRIMATUR_REPLACE_APPROVED_GROUPS = env.list(
    "IMPRIMATUR_REPLACE_APPROVED_GROUPS", default=["Editors"]
)
IMPRIMATUR_MIN_APPROVALS = env.int("IMPRIMATUR_MIN_APPROVALS", default=2)
# Add a reference by DOI/PMID/PMCID (articles/references/lookup.py); timeout in seconds.
IMPRIMATUR_IDENTIFIER_LOOKUP = env.bool("IMPRIMATUR_IDENTIFIER_LOOKUP", default=True)
IMPRIMATUR_DOI_LOOKUP_URL = env.str("IMPRIMATUR_DOI_LOOKUP_URL", default="https://doi.org/")
_CTXP = "https://api.ncbi.nlm.nih.gov/lit/ctxp/v1/"  # NCBI's Literature Citation Exporter
IMPRIMATUR_PUBMED_LOOKUP_URL = env.str("IMPRIMATUR_PUBMED_LOOKUP_URL", default=_CTXP)
IMPRIMATUR_IDENTIFIER_LOOKUP_TIMEOUT = env.float("IMPRIMATUR_IDENTIFIER_LOOKUP_TIMEOUT", default=4)
# Whether an editorial change (wording, links, typos) to a reviewed article may be published
# by one editor who did not write it, without the board; an approval policy row overrides it.
IMPRIMATUR_EDITORIAL_BY_ONE_EDITOR = env.bool("IMPRIMATUR_EDITORIAL_BY_ONE_EDITOR", default=False)
# Where the public site reads approvers and the listed board from (articles never imports
# editorial): a class implementing articles.public.facts.PublicFactsSource.
IMPRIMATUR_PUBLIC_FACTS = "editorial.public_facts.EditorialPublicFacts"

# Each web process keeps the article pages it served for this long (seconds) besides the
# shared cache: a publication shows at once in the process that made it and within this time
# in the others. 0 turns it off (every hit then costs one round trip to the cache).
IMPRIMATUR_PAGE_LOCAL_SECONDS = env.float("IMPRIMATUR_PAGE_LOCAL_SECONDS", default=1.0)
# Public search: "auto" uses PostgreSQL full-text search on PostgreSQL and the simple word
# search elsewhere; "simple" forces the word search (e.g. a PostgreSQL without text search).
IMPRIMATUR_SEARCH = env.str("IMPRIMATUR_SEARCH", default="auto")
IMPRIMATUR_SITEMAP_PAGE_SIZE = 10_000  # articles per sitemap page (articles.public.sitemaps)
# The address the public article pages name themselves under (canonical link, structured
# data), e.g. https://www.example.org. Set, a site answering under several names keeps one
# copy of each page for them all; empty (here), each name has its own copy naming itself.
# Production defaults it to SITE_URL.
IMPRIMATUR_PUBLIC_ORIGIN = env.str("PUBLIC_ORIGIN", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
# Readability: a body that reads above its level's target grade only warns by default; true
# refuses submission until it is simplified.
IMPRIMATUR_READABILITY_BLOCKS_SUBMISSION = env.bool(
    "IMPRIMATUR_READABILITY_BLOCKS_SUBMISSION", default=False
)
