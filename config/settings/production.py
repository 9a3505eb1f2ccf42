"""Production: everything secret or site-specific comes from the environment."""

from config.settings.base import *

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # required: no default here
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Required too: the base of every link in e-mails and, unless PUBLIC_ORIGIN says otherwise,
# the address public pages name themselves under (canonical links, the sitemap, structured
# data). The default of the other settings, http://127.0.0.1:8000, would send readers and
# search engines there.
SITE_URL = env("SITE_URL")
IMPRIMATUR_DEMO_PASSWORDS = False
# Mail really goes out in production: EMAIL_URL, or an SMTP relay on this host.
MAILERS = mailers_from_email_url(env("EMAIL_URL", default="smtp://localhost:25"))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# One copy of each public page whatever host name a reader used (config.settings.base).
IMPRIMATUR_PUBLIC_ORIGIN = env.str("PUBLIC_ORIGIN", default=SITE_URL)
