"""Settings for zibo-edu, read from the environment.

The defaults serve a newcomer's first run: SQLite in var/, Celery tasks run in-process and mail
printed to the console. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and the
EMAIL_* variables.
"""

import datetime
from pathlib import Path

import dj_database_url

from zibo_edu.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ZIBO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
# The fallback key is for the embedded demo only; `manage.py check --deploy` flags it (W009).
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-zibo-edu-demo-key-never-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "departments.admin_app.AdminConfig",  # django.contrib.admin, its site naming the user's city
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_celery_beat",
    "django_filters",
    "django_tables2",
    "zibo_edu",
    "departments",
    "plans",
    "targets",
    "ledger",
    "schools",
    "reports",
    "public",
    "inspections",
    "projections",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "zibo_edu.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zibo_edu.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zibo_edu.middleware.RefuseNulMiddleware",  # before any view reads a parameter or a form
    "zibo_edu.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into zibo_edu.lockout's answer
]

ROOT_URLCONF = "zibo_edu.urls"
WSGI_APPLICATION = "zibo_edu.wsgi.application"
# Plain inputs rendered without a template each (the entry page renders 200 of them).
FORM_RENDERER = "zibo_edu.lib.form_rendering.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plans.context_processors.role",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://postgres@127.0.0.1:5432/zibo_edu) or an embedded SQLite file.
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# The JSON API's per-client tokens (Authorization: Bearer): the callable that recognises one.
API_TOKEN_AUTHENTICATOR = "departments.tokens.authenticate"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out user+address
    "django.contrib.auth.backends.ModelBackend",
    "departments.backends.CityAdminBackend",
]
# Brute force (django-axes, zibo_edu/lockout.py): a username is locked at one address after 5
# failures, an address after 20 failures with names no account has (for such names only: the
# office's accounts still sign in), for 30 minutes; the login form, the admin's and HTTP Basic on
# the API all count. The city admin unlocks in the admin (访问尝试) or `manage.py axes_reset`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
ZIBO_ADDRESS_FAILURE_LIMIT = env_int("ZIBO_ADDRESS_FAILURE_LIMIT", 20)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the address: AddressAwareHandler
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "zibo_edu.lockout.AddressAwareHandler"
AXES_LOCKOUT_CALLABLE = "zibo_edu.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "zibo_edu.lockout.client_ip"
AXES_USERNAME_CALLABLE = "zibo_edu.lockout.client_username"
# Behind reverse proxies (nginx, a load balancer), how many append to X-Forwarded-For: the
# address axes counts is the one the outermost trusted proxy saw. 0: REMOTE_ADDR.
ZIBO_PROXY_COUNT = env_int("ZIBO_PROXY_COUNT", 0)
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Chinese first: the interface speaks simplified Chinese unless the user picks English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zibo_edu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "zibo_edu" / "static"]
# whitenoise serves the collected, compressed static files from the app server itself (and,
# before collectstatic, the app's own static folders).
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Behind HTTPS (production): secure cookies, HSTS, redirects. ZIBO_HTTPS=true turns them on.
if env_bool("ZIBO_HTTPS", default=False):
    SECURE_SSL_REDIRECT = True
    # Load balancers probe over plain HTTP inside the network: /healthz answers there too.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp) on every page: scripts, styles, fonts and images from this
# site only; no inline script, no inline style attribute, no plugin, no framing, forms post here.
# Charts are inline SVG elements with presentation attributes, which CSP does not restrict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The public pages (/public/): the sites that may embed them in a frame (the government's
# website: "https://www.zibo.gov.cn"); none by default.
ZIBO_PUBLIC_FRAME_ANCESTORS = env_list("ZIBO_PUBLIC_FRAME_ANCESTORS", [])
# Requests a minute from one address before a 429 (the next minute counts afresh); 0: no limit.
ZIBO_PUBLIC_RATE_PER_MINUTE = env_int("ZIBO_PUBLIC_RATE_PER_MINUTE", 300)
# How long a public page is kept in the cache (a change of the figures drops it at once) and
# how long browsers and proxies may keep it.
ZIBO_PUBLIC_CACHE_SECONDS = env_int("ZIBO_PUBLIC_CACHE_SECONDS", 3600)
ZIBO_PUBLIC_MAX_AGE = env_int("ZIBO_PUBLIC_MAX_AGE", 60)
ZIBO_PERMISSIONS_POLICY = [
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb", "xr-spatial-tracking",
]  # fmt: skip

# Redis and Celery. Without REDIS_URL, tasks run in-process (the embedded default).
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Reliability (see the README's design notes). A task is acknowledged only when it has finished
# (acks_late), and one whose worker process died is handed back at once (reject_on_worker_lost);
# a worker reserves one task at a time beyond the ones it runs. Messages held by a worker that
# vanished entirely come back after the visibility timeout, which must exceed the longest retry
# countdown (8 minutes); the outbox sweep (zibo_edu/lib/outbox.py, every minute) does not wait for
# it: it takes back whatever a dead worker held past its model's lease and signals again what was
# never heard. Every task is safe to run twice (each step is claimed in the database).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900),
    # The web process must not hang on a dead Redis: connect in 1 s, give up after one retry.
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True  # a worker waits for Redis at start-up
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# The result backend's own reconnection (20 tries a second apart by default: the 19 s a page
# once waited) is cut to one quick retry too.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": CELERY_TASK_PUBLISH_RETRY_POLICY}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_RESULT_EXPIRES = datetime.timedelta(days=1)
ZIBO_REPORT_STUCK_AFTER = env_int("ZIBO_REPORT_STUCK_AFTER", 300)  # seconds: a report's lease
# The lease of every other outbox row (a notification, an evaluation build, a reminder): held by a
# worker longer than this, it was a dead worker's; signalled that long ago and still waiting, the
# signal was lost.
ZIBO_OUTBOX_LEASE = env_int("ZIBO_OUTBOX_LEASE", 300)  # seconds
# Without a broker, outbox steps run in one background thread so a request answers at once (the
# embedded default); the tests run them inline.
ZIBO_TASKS_IN_BACKGROUND = env_bool("ZIBO_TASKS_IN_BACKGROUND", not REDIS_URL)
# The schedules live in the database (django-celery-beat), where the city admin can change them
# in the admin; a migration in reports/ creates them: reminders daily at 08:00, reports on the
# 1st at 08:00, Asia/Shanghai.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Email: SMTP when EMAIL_HOST is set, the console otherwise (demo); tests use locmem.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "zibo-edu <noreply@localhost>")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# Where links in emails point.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Group robots (企业微信, 钉钉) are reached over HTTPS at these hosts only, and only at public
# addresses. ROBOT_ALLOW_PRIVATE also lets plain HTTP reach private addresses (loopback, LAN) of
# the listed hosts: for a relay on this machine, and the tests' recorder. Never in production.
ROBOT_HOSTS = env_list("ROBOT_HOSTS", ["qyapi.weixin.qq.com", "oapi.dingtalk.com"])
ROBOT_ALLOW_PRIVATE = env_bool("ROBOT_ALLOW_PRIVATE", default=False)

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every step of every PDF at INFO (weasyprint.progress: ~300 lines for one
    # month's reports) and fontTools every font it subsets: their warnings and errors only.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The plan shown at / when an installation holds several.
ZIBO_DEFAULT_PLAN = env_str("ZIBO_DEFAULT_PLAN", "zibo-2021-2025")

# Licensed fonts for official documents (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体): a folder
# whose fonts take precedence over the free ones Debian ships (zibo_edu/lib/official/fonts.py).
OFFICIAL_FONTS_DIR = env_str("OFFICIAL_FONTS_DIR")

# --- Task ledger (plans app, issue 11): attachments, notices ----------------------------------
# Attachments go through Django's storage API: the file system under var/media on the embedded
# default; any S3-compatible store (django-storages) when STORAGE_URL names a bucket, e.g.
# STORAGE_URL=s3://zibo-ledger with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for a store
# other than AWS, AWS_S3_ENDPOINT_URL (MinIO, 阿里云 OSS, 腾讯云 COS…).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGE_URL = env_str("STORAGE_URL")
if STORAGE_URL:
    if not STORAGE_URL.startswith("s3://") or len(STORAGE_URL) <= len("s3://"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"STORAGE_URL must be s3://<bucket>, not {STORAGE_URL!r}")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_URL.removeprefix("s3://").strip("/"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
LEDGER_ATTACHMENT_MAX_BYTES = env_int("LEDGER_ATTACHMENT_MAX_MB", 20) * 2**20
LEDGER_ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "txt": "text/plain",
}
# Supervision notices are numbered as the bureau numbers them: 淄教督〔2026〕3号.
NOTICE_NUMBER_PREFIX = env_str("NOTICE_NUMBER_PREFIX", "淄教督")
# Days before a round's deadline when departments that still owe a contribution are reminded.
LEDGER_REMIND_DAYS = env_int("LEDGER_REMIND_DAYS", 7)
