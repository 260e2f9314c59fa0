"""Parvis settings: one module, configured only by environment variables.

Every variable is documented in docs/configuration.md with its embedded default. The
defaults give the embedded first run (SQLite, console e-mail, eager tasks); production
sets DEBUG=false and a real SECRET_KEY, and the app refuses to start otherwise.
"""

import os
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from parvis.environment import env, env_bool, env_int, env_list, origin_of, redis_urls_per_process
from parvis.environment import parse_database as database

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("PARVIS_VAR_DIR", PROJECT_DIR / "var"))

DEBUG = env_bool("DEBUG", True)
INSECURE_SECRET_KEY = "insecure-parvis-embedded-default-change-me"
SECRET_KEY = env("SECRET_KEY", INSECURE_SECRET_KEY)
if not DEBUG and (SECRET_KEY == INSECURE_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

PARVIS_SITE_NAME = env("PARVIS_SITE_NAME", "Parvis Oise")
PARVIS_TERRITORY_CODE = env("PARVIS_TERRITORY_CODE", "60")
PARVIS_SITE_URL = env("PARVIS_SITE_URL", "http://127.0.0.1:8000")
PARVIS_STAFF_MFA_REQUIRED = env_bool("PARVIS_STAFF_MFA_REQUIRED", True)
# The site's own 404 page even with DEBUG on (the demo sets it): core.errors.
PARVIS_FRIENDLY_ERRORS = env_bool("PARVIS_FRIENDLY_ERRORS", False)
# Days a personal API token is valid for (0: no expiry); a password change revokes them all.
PARVIS_API_TOKEN_DAYS = env_int("PARVIS_API_TOKEN_DAYS", 90)
PARVIS_CONTACT_EMAIL = env("PARVIS_CONTACT_EMAIL", "contact@parvis.example")
# The reverse proxies in front of the application that append the client's address to
# X-Forwarded-For (1: the nginx of deploy/; 0: none, the header is ignored). The client is the
# address that many places from the right: rate limits (allauth, the API) and sessions key on it.
PARVIS_TRUSTED_PROXIES = env_int("PARVIS_TRUSTED_PROXIES", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = PARVIS_TRUSTED_PROXIES
# Moderation safeguards (docs/moderation.md)
PARVIS_REPORTS_HIDE_THRESHOLD = env_int("PARVIS_REPORTS_HIDE_THRESHOLD", 3)
PARVIS_REPORTS_PER_HOUR = env_int("PARVIS_REPORTS_PER_HOUR", 10)
PARVIS_NEW_ACCOUNT_DAYS = env_int("PARVIS_NEW_ACCOUNT_DAYS", 7)
# The départemental council's institution (its slug), for the local reports of its categories
# (departmental roads...). Empty: the verified institution whose slug is conseil-departemental*.
PARVIS_COUNCIL_INSTITUTION = os.environ.get("PARVIS_COUNCIL_INSTITUTION", "")
PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = env_int("PARVIS_NEW_ACCOUNT_POSTS_PER_DAY", 5)
PARVIS_NEW_ACCOUNT_MAX_LINKS = env_int("PARVIS_NEW_ACCOUNT_MAX_LINKS", 3)
PARVIS_APPEAL_DAYS = env_int("PARVIS_APPEAL_DAYS", 180)
# Visitors' pages, and fragments of pages, kept at most this long (core.pagecache; 0: off; never
# past a change that time makes by itself) and the stale seconds (docs/configuration.md).
PARVIS_PAGE_CACHE_SECONDS = env_int("PARVIS_PAGE_CACHE_SECONDS", 600)
PARVIS_FRAGMENT_CACHE_SECONDS = env_int("PARVIS_FRAGMENT_CACHE_SECONDS", 600)
PARVIS_PAGE_CACHE_STALE_SECONDS = env_int("PARVIS_PAGE_CACHE_STALE_SECONDS", 10)
# Pages larger than this are served but not stored (bytes).
PARVIS_PAGE_CACHE_MAX_BYTES = env_int("PARVIS_PAGE_CACHE_MAX_BYTES", 1_000_000)
# How long a create form sent twice at once waits for the first sending's answer.
PARVIS_IDEMPOTENCY_WAIT_SECONDS = env_int("PARVIS_IDEMPOTENCY_WAIT_SECONDS", 5)
# Personal data (docs/privacy.md): archives kept 7 days; inactive accounts warned after about
# 23 months without login and erased after 24.
PARVIS_EXPORT_RETENTION_DAYS = env_int("PARVIS_EXPORT_RETENTION_DAYS", 7)
PARVIS_INACTIVE_WARNING_DAYS = env_int("PARVIS_INACTIVE_WARNING_DAYS", 700)
PARVIS_INACTIVE_ERASURE_DAYS = env_int("PARVIS_INACTIVE_ERASURE_DAYS", 730)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "allauth.usersessions",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "parvis.core",
    "parvis.territories",
    "parvis.accounts",
    "parvis.franceconnect",  # sign in with FranceConnect (off unless configured)
    "parvis.organisations",
    "parvis.directory",
    "parvis.agenda",
    "parvis.news",
    "parvis.groups",
    "parvis.officials",
    "parvis.notifications",
    "parvis.consultations",
    "parvis.questions",
    "parvis.localreports",
    "parvis.volunteers",
    "parvis.conversations",
    "parvis.comments",
    "parvis.moderation",
    "parvis.privacy",
    "parvis.api",
    "parvis.insight",  # usage statistics (a top layer: it reads every app)
    "parvis.demo",  # the demo content (load_demo): a top layer, no app imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "parvis.core.errors.FriendlyErrorsMiddleware",  # the site's 404 page in the demo
    "parvis.core.siteurl.SiteURLMiddleware",  # absolute addresses from PARVIS_SITE_URL
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "parvis.accounts.middleware.UserSessionsMiddleware",  # allauth's, with fewer writes
    "parvis.accounts.middleware.StaffMFAMiddleware",
    "parvis.moderation.middleware.SanctionMiddleware",
    # Create forms and API creates run once per form token / Idempotency-Key (core.idempotency).
    "parvis.core.idempotency.IdempotencyMiddleware",
]

# The demo server of make lighthouse compresses as production's nginx and whitenoise do.
if env_bool("PARVIS_DEMO_GZIP", False):
    MIDDLEWARE.insert(0, "django.middleware.gzip.GZipMiddleware")

ROOT_URLCONF = "parvis.urls"
WSGI_APPLICATION = "parvis.wsgi.application"
FORM_RENDERER = "parvis.core.formrenderer.Renderer"  # <select> options written in Python

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # allauth comes before our apps in INSTALLED_APPS: the accounts templates first, so that
        # its overrides of allauth's pages win; core/admin_templates: the back office's
        # admin/base_site.html (the admin app comes first: an app template could not override it).
        "DIRS": [
            BASE_DIR / "accounts" / "templates",
            BASE_DIR / "franceconnect" / "templates",
            BASE_DIR / "core" / "admin_templates",
        ],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% form_token %} (core.idempotency), {% url %} remembered, a quicker |date (core).
            "builtins": [f"parvis.core.templatetags.{name}" for name in ("forms", "urls", "dates")],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                # The page cache's placeholders for the CSRF token and the nonce (pagecache).
                "parvis.core.context_processors.page_cache_placeholders",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parvis.core.context_processors.site",
                "parvis.notifications.context_processors.notifications",
                "parvis.conversations.context_processors.conversations",
            ],
        },
    },
]

if not env("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite database lives here
DATABASES = {
    "default": database(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'parvis.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A read replica (PostgreSQL streaming standby) for lag-tolerant public reads: core.routers,
# docs/deployment.md "Read replicas". In tests it mirrors the default database.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
PARVIS_REPLICA_PIN_SECONDS = env_int("PARVIS_REPLICA_PIN_SECONDS", 10)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
    DATABASE_ROUTERS = ["parvis.core.routers.ReplicaRouter"]
    MIDDLEWARE.insert(0, "parvis.core.routers.ReplicaPinMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the task broker, the sessions' copies and the cache (pages, fragments, rate limits).
# Each may have its own database or server (docs/deployment.md "Redis"): the cache, bounded by
# maxmemory and evicting, must never share a database with the broker or the sessions.
REDIS_URL = env("REDIS_URL", "")
REDIS_CACHE_URL = env("REDIS_CACHE_URL") or REDIS_URL
REDIS_SESSIONS_URL = env("REDIS_SESSIONS_URL") or REDIS_URL


REDIS_URL, REDIS_CACHE_URL, REDIS_SESSIONS_URL = redis_urls_per_process(
    REDIS_URL, REDIS_CACHE_URL, REDIS_SESSIONS_URL
)
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, degrading to "no cache" while Redis is down (parvis.core.cache).
            "BACKEND": "parvis.core.cache.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "parvis"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        },
        "sessions": {
            "BACKEND": "parvis.core.cache.RedisCache",
            "LOCATION": REDIS_SESSIONS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "parvis"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        },
    }
    SESSION_CACHE_ALIAS = "sessions"
else:
    # A real, shared cache even without Redis, so allauth's rate limits hold.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "parvis_cache",
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# Adding or changing an e-mail address asks for the password again (allauth's re-authentication,
# valid ACCOUNT_REAUTHENTICATION_TIMEOUT seconds); so do creating an API token and deleting
# the account (our views, with allauth's ``reauthentication_required``).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Tell the member of security changes: the old address of an e-mail change, the address of a
# password change or reset, two-factor authentication set up or removed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_SIGNUP_FORM_CLASS = "parvis.accounts.forms.SignupForm"
# allauth's form with the same work for a known and a new address (timing enumeration).
ACCOUNT_FORMS = {"signup": "parvis.accounts.signup.SignupForm"}
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "phone_number"
ACCOUNT_ADAPTER = "parvis.franceconnect.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PARVIS_SITE_NAME}] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# FranceConnect (docs/configuration.md): off unless a client ID is set. The identity's e-mail
# address is never trusted to connect an existing account (its password is asked).
FRANCECONNECT_CLIENT_ID = env("FRANCECONNECT_CLIENT_ID")
FRANCECONNECT_CLIENT_SECRET = env("FRANCECONNECT_CLIENT_SECRET")
FRANCECONNECT_URL = env("FRANCECONNECT_URL", "https://oidc.franceconnect.gouv.fr/api/v2")
SOCIALACCOUNT_ADAPTER = "parvis.franceconnect.adapter.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "parvis.franceconnect.forms.SignupForm"}
SOCIALACCOUNT_AUTO_SIGNUP = False  # the commune and the terms are asked
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "franceconnect": {
        "APPS": [
            {
                "client_id": FRANCECONNECT_CLIENT_ID,
                "secret": FRANCECONNECT_CLIENT_SECRET,
                "settings": {"server_url": FRANCECONNECT_URL},
            }
        ]
        if FRANCECONNECT_CLIENT_ID
        else [],
    }
}
if FRANCECONNECT_CLIENT_ID and not FRANCECONNECT_CLIENT_SECRET:
    raise ImproperlyConfigured("FRANCECONNECT_CLIENT_ID needs FRANCECONNECT_CLIENT_SECRET.")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PARVIS_SITE_NAME
USERSESSIONS_TRACK_ACTIVITY = True

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "parvis.core.staticstorage.StaticStorage"  # whitenoise's, addresses kept
        )
    },
}
# Media (uploaded photos and images): a local directory, or an S3-compatible object store
# (AWS S3, OVHcloud, Scaleway, MinIO, Garage...) through django-storages.
MEDIA_STORAGE = env("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION") or None,
            "access_key": env("S3_ACCESS_KEY_ID"),
            "secret_key": env("S3_SECRET_ACCESS_KEY"),
            "custom_domain": env("S3_CUSTOM_DOMAIN") or None,
            # Public images are read through plain URLs; nothing private is stored in media.
            "querystring_auth": env_bool("S3_QUERYSTRING_AUTH", False),
            "default_acl": None,
            "file_overwrite": False,
        },
    }
    if not STORAGES["default"]["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET.")
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE must be 'filesystem' or 's3', not {MEDIA_STORAGE!r}."
    )
# Private files (members' data archives): never under MEDIA_URL, served only by a view that
# checks their owner. A local directory, or a private prefix of the S3 bucket.
PRIVATE_ROOT = Path(env("PARVIS_PRIVATE_ROOT", str(VAR_DIR / "private")))
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_ROOT)},
}
if MEDIA_STORAGE == "s3":
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# E-mail (Django 6.1 mailers): printed on the console with DEBUG on, sent by SMTP otherwise.
EMAIL_BACKEND_PATH = env(
    "EMAIL_BACKEND",
    "parvis.core.mail.ConsoleEmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": {}}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env("EMAIL_HOST_USER", ""),
        "password": env("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 30),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{PARVIS_SITE_NAME} <noreply@parvis.example>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Celery: eager in the embedded default, Redis otherwise.
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A task whose worker dies is delivered again (acks_late), by Redis after the visibility
# timeout: longer than the longest task (digest, 30 min) and retry countdown (10 min).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 7200),
    # A request publishing a task must not hang on an unreachable broker (the outbox keeps
    # the e-mail): connect quickly or give up.
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
# Queues: e-mails and the digest apart from the rest, so that a machine can run workers for
# one of them only (`celery worker -Q digest`, docs/deployment.md "More workers by queue"). A
# worker started without -Q consumes every queue below.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in ("celery", "email", "digest")]
CELERY_TASK_ROUTES = {
    "parvis.notifications.tasks.outbox_*": {"queue": "email"},
    "parvis.core.tasks.send_templated_email": {"queue": "email"},
    "parvis.notifications.tasks.digest_*": {"queue": "digest"},
}
# Notifications: the outbox drain (e-mails the broker never got) and the daily digest.
PARVIS_OUTBOX_DRAIN_SECONDS = env_int("PARVIS_OUTBOX_DRAIN_SECONDS", 60)
# Direct e-mails (to an address) and told activities are deleted this long after.
PARVIS_OUTBOX_RETENTION_DAYS = env_int("PARVIS_OUTBOX_RETENTION_DAYS", 30)
PARVIS_DIGEST_HOUR = env_int("PARVIS_DIGEST_HOUR", 7)
CELERY_BEAT_SCHEDULE = {
    "notifications-outbox-purge": {
        "task": "parvis.notifications.tasks.outbox_purge",
        "schedule": crontab(hour=4, minute=30),
    },
    "notifications-outbox-drain": {
        "task": "parvis.notifications.tasks.outbox_drain",
        "schedule": float(PARVIS_OUTBOX_DRAIN_SECONDS),
    },
    # The activities the broker never got, and those scheduled for now (a post's publication
    # date, a consultation's opening): told by a worker.
    "notifications-activities-drain": {
        "task": "parvis.notifications.tasks.activities_drain",
        "schedule": float(PARVIS_OUTBOX_DRAIN_SECONDS),
    },
    "notifications-activities-purge": {
        "task": "parvis.notifications.tasks.activities_purge",
        "schedule": crontab(hour=4, minute=40),
    },
    "notifications-daily-digest": {
        "task": "parvis.notifications.tasks.digest_daily",
        "schedule": crontab(hour=PARVIS_DIGEST_HOUR, minute=0),
    },
    # Volunteers of the time slots starting tomorrow: reminded once, in the late afternoon.
    "volunteers-reminders": {
        "task": "parvis.volunteers.tasks.reminders_send",
        "schedule": crontab(hour=17, minute=0),
    },
    "insight-stats-compute": {
        "task": "parvis.insight.tasks.stats_compute",
        "schedule": crontab(hour=2, minute=15),
    },
    "privacy-exports-maintain": {
        "task": "parvis.privacy.tasks.exports_maintain",
        "schedule": crontab(minute=20),
    },
    "privacy-inactive-accounts": {
        "task": "parvis.privacy.tasks.inactive_accounts_sweep",
        "schedule": crontab(hour=3, minute=40),
    },
}

# Django REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "parvis.api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "parvis.core.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "parvis.api.exceptions.exception_handler",
    # Without it, DRF keys its throttles on the whole X-Forwarded-For a client sends.
    "NUM_PROXIES": PARVIS_TRUSTED_PROXIES,
    "DEFAULT_THROTTLE_CLASSES": [
        "parvis.api.throttling.AnonRateThrottle",
        "parvis.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", "60/minute"),
        "user": env("API_THROTTLE_USER", "600/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Parvis API",
    "DESCRIPTION": "Public reads and authenticated writes of the Parvis territorial network.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TerritoryKindEnum": "parvis.territories.models.TerritoryKind",
        "OrganisationKindEnum": "parvis.organisations.models.OrganisationKind",
        "ProfileKindEnum": "parvis.accounts.models.ProfileKind",
    },
}

# Security
if REDIS_URL:
    # Sessions read from Redis, written through to the database (a member's request saves
    # one query); ending a session (log-out, "end my other sessions") deletes both; Redis
    # down, the database alone (parvis.accounts.sessions).
    SESSION_ENGINE = "parvis.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
# Flash messages live in the session: no "messages" cookie (only session, CSRF, language).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Map tiles, loaded by the visitor's browser (maps of the local reports); the pages stay whole
# lists without them. Empty: no map at all.
PARVIS_MAP_TILES_URL = os.environ.get(
    "PARVIS_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
PARVIS_MAP_ATTRIBUTION = os.environ.get("PARVIS_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
_map_tiles_origin = [origin_of(PARVIS_MAP_TILES_URL)] if PARVIS_MAP_TILES_URL else []
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_map_tiles_origin],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if FRANCECONNECT_CLIENT_ID:
    # Signing in and out of FranceConnect: forms whose answer redirects there.
    SECURE_CSP["form-action"].append(origin_of(FRANCECONNECT_URL))
if MEDIA_STORAGE == "s3":
    # Images are read from the object store (or its CDN domain): allow that origin.
    _options = STORAGES["default"]["OPTIONS"]
    if _options["custom_domain"]:
        SECURE_CSP["img-src"].append(f"https://{_options['custom_domain']}")
    elif _options["endpoint_url"]:
        SECURE_CSP["img-src"].append(_options["endpoint_url"].rstrip("/"))
    else:
        SECURE_CSP["img-src"].append("https://*.amazonaws.com")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Error reports: server errors (500) are logged, and e-mailed to ADMINS when it is set
# ("Name <address>" or plain addresses, comma-separated).
ADMINS = [address for address in env_list("ADMINS", []) if address]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"},
    },
    "filters": {"production": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "class": "parvis.core.logging.AdminEmailHandler",  # never fails the request
            "level": "ERROR",
            "filters": ["production"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "INFO"},
        "django.request": {"handlers": ["mail_admins"], "level": "ERROR", "propagate": True},
    },
}
