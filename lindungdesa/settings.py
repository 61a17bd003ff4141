"""One settings module; every value comes from an environment variable with a default that runs on SQLite."""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LINDUNGDESA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{name} must be true or false, got {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")
PRODUCTION = env_bool("LINDUNGDESA_PRODUCTION", False)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
if PRODUCTION and SECRET_KEY == _DEV_SECRET:
    raise RuntimeError("SECRET_KEY must be set when LINDUNGDESA_PRODUCTION is on")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "lindungdesa.ops.apps.StaticFilesConfig",  # django.contrib.staticfiles, collecting fewer files
    "django.contrib.humanize",
    "django_htmx",
    "lindungdesa.ops",
    "django_tasks",
    # Before django_tasks_db: its `db_worker` command is this app's (recovers dead workers' tasks, beats).
    "lindungdesa.workers",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "lindungdesa.accounts",
    "lindungdesa.regions",
    "lindungdesa.officials",
    "lindungdesa.enrolment",
    "lindungdesa.indicators",
    "lindungdesa.imports",
    "lindungdesa.reports",
    "lindungdesa.monev",
    "lindungdesa.budget",
    "lindungdesa.web",
    "lindungdesa.api",
    "lindungdesa.dev",  # the demo generator's command; it needs the `demo` extra (Faker) only when run
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After htmx's: a request from htmx whose session has ended goes to the login page as a whole page.
    "lindungdesa.accounts.middleware.HtmxLoginRedirectMiddleware",
    # Who is acting, for the audit trail (accounts/audit.py).
    "lindungdesa.accounts.middleware.AuditUserMiddleware",
    # Last, as django-axes asks: it turns a lockout into the page that says so.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses a locked-out username from the same address (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "lindungdesa.urls"
WSGI_APPLICATION = "lindungdesa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lindungdesa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lindungdesa.accounts.context_processors.rights",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lindungdesa.sqlite3'}"),
        conn_max_age=int(env_str("DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request reuses it: after the database restarted, each web
        # process opens a new one instead of answering 500 once on the broken one (docs/scaling.md).
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dashboard read while an import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    # A transaction takes the write lock when it begins, so it never fails half-way on a lock it could not
    # upgrade; a writer waits up to SQLITE_BUSY_TIMEOUT seconds for another's lock (an import holds it for
    # its whole transaction), then the request answers 503 with Retry-After (web/errors.py).
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = float(env_str("SQLITE_BUSY_TIMEOUT", "15"))

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Connection pooling (psycopg's pool, in each process), instead of persistent connections: at most
    # DATABASE_POOL_MAX_SIZE connections per process. 0 (the default): no pool, DB_CONN_MAX_AGE applies.
    # Behind PgBouncer, leave it at 0 (docs/scaling.md).
    # A server that does not answer makes a request (and the readiness check) fail after this many seconds
    # instead of hanging; a connect_timeout in DATABASE_URL's query string wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(env_str("DATABASE_CONNECT_TIMEOUT", "5"))
    )
    _pool_max = int(env_str("DATABASE_POOL_MAX_SIZE", "0"))
    if _pool_max:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(env_str("DATABASE_POOL_MIN_SIZE", "1")),
            "max_size": _pool_max,
            "timeout": float(env_str("DATABASE_POOL_TIMEOUT", "10")),
        }

# A PostgreSQL streaming replica for the read-only pages (lindungdesa/dbrouter.py says which, and when not).
DATABASE_REPLICA_MAX_LAG = float(env_str("DATABASE_REPLICA_MAX_LAG", "10"))  # seconds behind, at most
DATABASE_REPLICA_PIN_SECONDS = int(env_str("DATABASE_REPLICA_PIN_SECONDS", "30"))  # primary after a write
DATABASE_REPLICA_CHECK_SECONDS = float(env_str("DATABASE_REPLICA_CHECK_SECONDS", "2"))  # lag answer kept
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            env_str("DATABASE_REPLICA_URL", ""),
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=DATABASES["default"]["CONN_HEALTH_CHECKS"],
        ),
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {})},
        # Tests make no database of their own for it; the router's tests point it at the real replica.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["lindungdesa.dbrouter.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    # Argon2id with OWASP's parameters (accounts/hashers.py); hashes made with Django's still verify.
    "lindungdesa.accounts.hashers.Argon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing with Argon2 in every test would dominate the suite's time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
# English joins when a translation exists; until then it would only switch number formats.
LANGUAGES = [("id", "Bahasa Indonesia")]
LOCALE_PATHS = [BASE_DIR / "lindungdesa" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Pontianak")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "lindungdesa" / "static"]
# Under test a folder nothing collects into: the browser tests' live server serves STATIC_ROOT before the
# source folders, so the copy `make run` collected into var/static would stand in for the files under test.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / ("static-tests" if TESTING else "static"))))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request until it exists
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
# Static files looked up when asked for, as under DEBUG: otherwise each test client (one a test) lists every
# static file at its start, a tenth of a second each on a busy machine.
WHITENOISE_AUTOREFRESH = TESTING or DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(env_str("SESSION_COOKIE_AGE", str(60 * 60 * 10)))
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "lindungdesa.web.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS: on by default in production; behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365) if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# Preloading is a promise to browsers that the domain stays HTTPS-only; turn it off with
# SECURE_HSTS_PRELOAD=0 and SILENCED_SYSTEM_CHECKS=security.W021 when that cannot be promised.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", "")

# Content Security Policy (django-csp): only our own scripts and styles, never inline ones or eval.
_SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:", "blob:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": [_SELF],
    }
}

if "replica" in DATABASES:
    # Which reads of a request may go to the replica (after the session and the user are known).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "lindungdesa.dbrouter.ReplicaMiddleware",
    )

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures the username is locked out from that
# address for AXES_COOLOFF_MINUTES. By username and address together, so that one office behind one address
# is not locked out by a single mistyping colleague, and one guessed username does not lock everyone.
AXES_FAILURE_LIMIT = int(env_str("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env_str("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "lindungdesa.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = int(env_str("AXES_PROXY_COUNT", "0")) or None
AXES_VERBOSE = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lindungdesa.api.auth.TokenAuthentication",
        "lindungdesa.api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "lindungdesa.api.base.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lindungdesa.api.base.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lindung Desa API",
    "DESCRIPTION": (
        "API Lindung Desa: wilayah, aparat dan BPD, kepesertaan BPJS Ketenagakerjaan, indikator, potret "
        "bulanan, target dan impor. Setiap permintaan memakai token (`Authorization: Token <kunci>`); "
        "peran menentukan apa yang boleh, wilayah pengguna menentukan di mana."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {
        "RegionKindEnum": "lindungdesa.regions.models.Region.Kind",
        "ImportKindEnum": "lindungdesa.imports.models.ImportBatch.Kind",
        "EndReasonEnum": "lindungdesa.officials.models.Position.EndReason",
        "ImportStateEnum": "lindungdesa.imports.models.ImportBatch.State",
        "RoundStateEnum": "lindungdesa.monev.models.Round.State",
        "CaseStateEnum": "lindungdesa.monev.rules.STATE_CHOICES",
    },
}

# Every record goes through one handler whose filter masks NIK-, KPJ- and phone-like numbers (PDP law).
# Django's own handlers for its loggers are replaced, so that no record escapes the filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "refusals_in_one_line": {"()": "lindungdesa.lib.logging.RefusalsInOneLine"},
        "mask_personal_data": {"()": "lindungdesa.lib.logging.MaskPersonalData"},
        "no_empty_traceback": {"()": "lindungdesa.lib.logging.NoEmptyTraceback"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["refusals_in_one_line", "no_empty_traceback", "mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # django-axes notes every successful login at INFO; failures and lockouts stay (WARNING).
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Long jobs (imports, later snapshots and reports) run in `lindungdesa db_worker`; `make run` starts one.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING or env_bool("TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": [],
    }
}

# Progress of running jobs is written here, outside the job's own database transaction; and results kept
# per region and data version (budget totals, reconciliation lists). Django's default of 300 entries would
# drop a third of them at random whenever a province's regions passed it, and the province's budget totals
# (seconds to compute) with them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        if TESTING
        else "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
    # The parts of pages that name people, kept rendered (web/kept.py): in this process's memory only,
    # never on disk or shared (docs/security.md). 0 entries keeps nothing.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lindungdesa-pages",
        "OPTIONS": {"MAX_ENTRIES": int(env_str("PAGES_CACHE_ENTRIES", "500"))},
    },
}
if CACHES["pages"]["OPTIONS"]["MAX_ENTRIES"] <= 0:
    # Django's in-memory cache culls a third of its entries when full: at 0 it would never cull.
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served: uploaded files are only read back by the application

# Administrator created by `lindungdesa setup` when these are given; otherwise a password is generated.
ADMIN_USERNAME = env_str("LINDUNGDESA_ADMIN_USERNAME", "admin")
ADMIN_PASSWORD = env_str("LINDUNGDESA_ADMIN_PASSWORD", "")

# --- Imports: what reading one uploaded file may cost, and how long uploads are kept ------------------------
# Read by lib/readlimits.py and imports/retention.py; the table and the reasons are in docs/security.md
# ("Limits and retention"). Sizes in MB (2**20 bytes).
IMPORT_MAX_UNPACKED_MB = int(env_str("IMPORT_MAX_UNPACKED_MB", "1024"))  # all members of a workbook, unpacked
IMPORT_MAX_SHEET_MB = int(env_str("IMPORT_MAX_SHEET_MB", "512"))  # one sheet's XML, and the shared strings
IMPORT_MAX_ROWS = int(env_str("IMPORT_MAX_ROWS", "2000000"))  # rows of a file that hold anything
IMPORT_MAX_COLUMNS = int(env_str("IMPORT_MAX_COLUMNS", "1024"))  # data further right refuses the file
IMPORT_MAX_CELLS = int(env_str("IMPORT_MAX_CELLS", "50000000"))  # with merged cells and HTML spans filled
IMPORT_READER_MEMORY_MB = int(env_str("IMPORT_READER_MEMORY_MB", "1024"))  # python-calamine's child process
IMPORT_DRAFT_DAYS = int(env_str("IMPORT_DRAFT_DAYS", "7"))  # dry runs, failed and undone imports
IMPORT_UNDO_DAYS = int(env_str("IMPORT_UNDO_DAYS", "90"))  # a saved import can be undone, its file is kept
IMPORT_QUOTA_MB = int(env_str("IMPORT_QUOTA_MB", "2048"))  # uploaded files kept per user (0: no quota)

# --- Production: the server, static files, health checks (lindungdesa/ops) ------------------------------
# `lindungdesa serve` runs gunicorn with these; `lindungdesa serve --help` lists the options overriding them.
SERVE_BIND = env_str("LINDUNGDESA_BIND", "127.0.0.1:8000")
# Web processes; 0: twice the cores the process may use, plus one (gunicorn's advice).
SERVE_WORKERS = int(env_str("WEB_CONCURRENCY", "0"))
SERVE_THREADS = int(env_str("LINDUNGDESA_THREADS", "1"))
# Seconds a request may take before its process is replaced (a province's PDF takes a few).
SERVE_TIMEOUT = int(env_str("LINDUNGDESA_TIMEOUT", "120"))

# Source maps are only fetched by a browser's developer tools: compressing them took a third of
# collectstatic's compression time (docs/benchmarks.md).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Progress of running jobs is written by a task worker and read by the pages: on several machines, a folder
# they all mount.
CACHES["default"]["LOCATION"] = env_str("LINDUNGDESA_CACHE_DIR", CACHES["default"]["LOCATION"])

# Health probes come over plain HTTP from the machine itself or the load balancer: never redirected.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# A task worker writes its heartbeat this often, and is taken for dead when its last one is older.
WORKER_HEARTBEAT_SECONDS = float(env_str("WORKER_HEARTBEAT_SECONDS", "10"))
WORKER_HEARTBEAT_STALE_SECONDS = float(env_str("WORKER_HEARTBEAT_STALE_SECONDS", "60"))
# The monthly snapshot is computed from 01:00 on the first: until this hour, last month's will do.
HEALTH_SNAPSHOT_GRACE_HOURS = int(env_str("HEALTH_SNAPSHOT_GRACE_HOURS", "6"))
