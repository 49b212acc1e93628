"""Settings, read from the environment. The README lists every variable.

With nothing set, the app runs on a laptop: SQLite, tasks in-process, e-mail
printed to the console. ``DJANGO_DEBUG`` off is the production shape and then
``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS`` must be given.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-dev-key-only-for-debug")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
else:
    try:
        SECRET_KEY = env.str("DJANGO_SECRET_KEY")
        ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "With DJANGO_DEBUG off, set DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS "
            "(or set DJANGO_DEBUG=true for local development)."
        ) from exc

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "courseapp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "cachalot",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Every view sees input without NUL (inside the messages middleware, to tell after a redirect).
    "courseapp.middleware.NulInputMiddleware",
    # A BadRequest is answered with the app's 400 (a fragment for htmx), DEBUG or not.
    "courseapp.middleware.BadRequestMiddleware",
    # Log-in throttling answers a locked-out client here (last, as django-axes asks).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
            ],
            "builtins": ["courseapp.templatetags.coursedates"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections in production (a new PostgreSQL connection cost more than a whole page),
# checked before each request reuses one; none under the development server, which starts a
# thread per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "courseapp.User"
# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "courseapp.backends.UsernameOrEmailBackend"]
# Log-in throttling: after AXES_FAILURE_LIMIT wrong passwords for one account, or from one address,
# that account (from anywhere) and that address (for any account) wait AXES_COOLOFF_TIME; a
# success resets the count. Admin → Axes → Access attempts: delete a row to unlock at once.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "courseapp.views.accounts.locked_out"
# The client's address: REMOTE_ADDR, or behind our own proxies the one they saw (courseapp/backends.py).
# X-Forwarded-For from anyone else is not believed.
AXES_CLIENT_IP_CALLABLE = "courseapp.backends.client_address"
TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "courseapp:course_list"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Students' slides: never under a public URL. Only a view that checks permission serves them.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "courseapp.storage.PrivateStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: printed to the console in DEBUG, else sent to an SMTP server on localhost,
# unless EMAIL_URL names a server, e.g.
# smtp+tls://user:password@smtp.example.edu:587, or is filemail:// with EMAIL_FILE_PATH
# naming a folder (django-environ would read a path in the URL as relative).
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_email_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
    "file_path": env.str("EMAIL_FILE_PATH", default=_email.get("EMAIL_FILE_PATH")),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {key: value for key, value in _email_options.items() if value not in (None, "", False)},
    }
}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"]["timeout"] = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="courseapp@localhost")

# Redis is optional on a laptop: without it tasks run in-process and the cache
# is per process (nothing that another process needs is kept there).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis keeps a client per process; Django's own Redis backend builds one for every call
    # (0.32 ms a GET instead of 0.14 here, and a page makes about ten).
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read from Redis and written through to the database: one query less on every page.
    # Only with a cache every process shares: another process's stale copy could undo a log-out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Rendered fragments (courseapp/caching.py) are kept only where every process sees every
        # write: a process of its own would serve what another one's write made stale.
        "template_fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
# django-cachalot, for the moment each table last changed (courseapp/caching.py); caching query
# results would still pay for building the SQL, which is most of a query's cost here. Writes through
# the ORM are what it follows: scanning every raw statement for one cost 0.3 ms a query, and the app
# writes no raw SQL.
CACHALOT_ENABLED = False
CACHALOT_INVALIDATE_RAW = False
CACHALOT_UNCACHABLE_TABLES = (
    "django_migrations",
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
)

# Seconds between a submission and the check of its reading's reviews for shared wording: a deadline
# rush is checked once, after it (courseapp/services/reviews.py).
SIMILARITY_CHECK_DELAY = env.int("SIMILARITY_CHECK_DELAY", default=30)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker, long tasks (link checks, seat assignments) run in a thread rather than in the
# request (config/celery_app.py); the tests turn this off to see a task's work at once.
TASKS_IN_THREADS = env.bool("TASKS_IN_THREADS", default=True)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Hard and soft limits stay below Redis' visibility timeout (1 hour), so a task is never
# redelivered while it still runs; a task whose worker died is redelivered after it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)}
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 10 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Periodic jobs for `celery beat`.
CELERY_BEAT_SCHEDULE = {
    "check-links-nightly": {"task": "courseapp.tasks.check_links_nightly", "schedule": crontab(hour=3, minute=0)},
    # Each reminder is sent once, so running hourly only catches new ones sooner.
    "send-reminders": {"task": "courseapp.tasks.send_reminders", "schedule": crontab(minute=5)},
}

# The reading list's link checker (courseapp/linkcheck.py): at most LINKCHECK["per_host"] requests in
# flight per host, LINKCHECK["deadline"] seconds per run (below the task's soft time limit).
LINKCHECK = {
    "concurrency": env.int("LINKCHECK_CONCURRENCY", default=128),
    "per_host": env.int("LINKCHECK_PER_HOST", default=6),
    "host_interval": env.float("LINKCHECK_HOST_INTERVAL", default=0.02),
    "connect_timeout": env.float("LINKCHECK_CONNECT_TIMEOUT", default=5.0),
    "read_timeout": env.float("LINKCHECK_READ_TIMEOUT", default=10.0),
    "deadline": env.float("LINKCHECK_DEADLINE", default=480.0),
}

# Content-Security-Policy: our own scripts and styles only. htmx is configured
# in base.html not to eval and not to inject its indicator <style>.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Messages ride in the session, so the page a redirect leads to shows them whatever the client
# does with cookies on the way.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# Absolute links in e-mails sent by workers, which have no request to build them from.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Who may start a course: "anyone" signed up (and becomes its instructor), "staff" (site staff only),
# or "granted" (site staff, and the users they grant it to in the admin or with grant_course_creator).
COURSE_CREATORS = env.str("COURSE_CREATORS", default="anyone")
if COURSE_CREATORS not in ("anyone", "staff", "granted"):
    raise ImproperlyConfigured(f"COURSE_CREATORS must be anyone, staff or granted, not {COURSE_CREATORS!r}.")

# The largest reading list an instructor may import (upload or paste), in bytes.
READING_LIST_MAX_BYTES = env.int("READING_LIST_MAX_BYTES", default=2 * 1024 * 1024)
# A pasted list arrives as a form field: let one over the limit through to be refused with a
# message that says so, instead of Django's bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = READING_LIST_MAX_BYTES + 1024 * 1024
