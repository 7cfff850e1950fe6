"""Django settings, built from :mod:`manager.config` (environment and settings file)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from manager import config as _config

CONFIG = _config.load()
DATA_DIR = CONFIG.data_dir

SECRET_KEY = _config.secret_key(CONFIG)
DEBUG = CONFIG["debug"]

PUBLIC_URL = CONFIG["public_url"].rstrip("/")
ALLOWED_HOSTS = list(CONFIG["allowed_hosts"])
CSRF_TRUSTED_ORIGINS: list[str] = []
if PUBLIC_URL:
    ALLOWED_HOSTS.append(urlsplit(PUBLIC_URL).hostname or "")
    CSRF_TRUSTED_ORIGINS.append(PUBLIC_URL)
if CONFIG["behind_proxy"]:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Outside development the cookies travel over TLS only.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG and PUBLIC_URL.startswith("https://")
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "manager.core",
    "manager.accounts",
    "manager.fleet",
    "manager.dialogs",
    "manager.inbox",
    "manager.reporting",
    "manager.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The admin's and the pages' static files, served by each serve process
    # itself: no shared folder between machines, nothing for the proxy to mount.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "manager.urls"
WSGI_APPLICATION = "manager.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The pages' own templates first: the admin app ships registration/
        # templates (password change) that would otherwise win.
        "DIRS": [Path(__file__).resolve().parent / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

if CONFIG["database_url"]:
    DATABASES = {
        # No health check (a round trip before every request's first query): a
        # connection PostgreSQL closed (a restart) fails that one request, Django
        # closes it at the request's end, the next one connects again, and a
        # terminal retries a 5xx. A message is acknowledged only after its commit.
        "default": dj_database_url.parse(
            CONFIG["database_url"], conn_max_age=60, conn_health_checks=False
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "manager.sqlite3",
            # A connection kept across requests, as for PostgreSQL: closing the
            # last one to a WAL database checkpoints it and deletes the WAL, and
            # the next request's first commit makes it again, both with fsyncs,
            # which tripled the cost of a message POST.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # Several gunicorn workers write at once: WAL lets readers go on,
                # IMMEDIATE takes the write lock at BEGIN (no deadlock on upgrade),
                # and a writer waits for the lock instead of failing at once.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

if CONFIG["storage_s3_bucket"]:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _config.s3_options(
            bucket=CONFIG["storage_s3_bucket"],
            endpoint_url=CONFIG["storage_s3_endpoint_url"],
            region=CONFIG["storage_s3_region"],
            access_key_id=CONFIG["storage_s3_access_key_id"],
            secret_access_key=(
                _config.read_secret_file(
                    CONFIG["storage_s3_secret_access_key_file"], "the S3 secret access key"
                )
                if CONFIG["storage_s3_secret_access_key_file"]
                else ""
            ),
            signed_url_s=CONFIG["storage_signed_url_s"],
        ),
    }
else:
    MEDIA_STORAGE = {
        "BACKEND": "manager.storage.DurableFileSystemStorage",
        "OPTIONS": {
            "location": DATA_DIR / "media",
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    }
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

# The terminal API reads message bodies itself, up to MAX_MESSAGE_BYTES;
# Django's own limit guards every other form.
MAX_MESSAGE_BYTES = CONFIG["api_max_message_mb"] * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
ENROLMENT_CODE_HOURS = CONFIG["api_enrolment_code_hours"]
MEDIA_RETENTION_DAYS = CONFIG["retention_media_days"]
STATUS_RETENTION_DAYS = CONFIG["retention_status_days"]
SILENT_AFTER_S = CONFIG["terminals_silent_after_s"]
SERVE_WORKERS = CONFIG["serve_workers"]

if CONFIG["mail_host"]:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = CONFIG["mail_host"]
    EMAIL_PORT = CONFIG["mail_port"]
    EMAIL_USE_TLS = CONFIG["mail_security"] == "starttls"
    EMAIL_USE_SSL = CONFIG["mail_security"] == "tls"
    EMAIL_HOST_USER = CONFIG["mail_username"]
    EMAIL_HOST_PASSWORD = (
        _config.read_secret_file(CONFIG["mail_password_file"], "the SMTP password")
        if CONFIG["mail_password_file"]
        else ""
    )
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = SERVER_EMAIL = CONFIG["mail_sender"]

LANGUAGE_CODE = CONFIG["language"]
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("it", "Italiano"), ("ko", "한국어")]
TIME_ZONE = CONFIG["time_zone"]
USE_I18N = True
USE_TZ = True

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/inbox/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
SESSION_COOKIE_AGE = 12 * 3600  # a working day; the manager signs in again the next morning
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {"django.request": {"level": "ERROR"}},
}
