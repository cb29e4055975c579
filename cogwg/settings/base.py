"""Settings shared by every environment, read from the environment (django-environ).

The embedded defaults need no service: a SQLite file in ``var/``, Celery tasks run eagerly
in-process, e-mail printed to the console. ``local``, ``test`` and ``production`` build on
this module.
"""

import datetime
from email.utils import parseaddr
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A .env beside manage.py supplies what the environment does not. COGWG_READ_DOT_ENV=false
# turns that off, for a process that must see its own environment only (the tests that
# start manage.py without a setting, to see it refused, whatever .env a developer keeps).
if env.bool("COGWG_READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
# Earlier keys, still accepted to verify signatures (sessions, password reset links, the
# messages cookie) while a new key takes over: rotating the key signs nobody out. Remove
# an old key once sessions signed with it have expired (SESSION_COOKIE_AGE).
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before django.contrib.admin.
    "modeltranslation",
    # django.contrib.admin, with the tracker's site (a second factor for staff).
    "cogwg.admin_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "cogwg",
    "jurisdictions",
    "workplan",
    "stories",
]

MIDDLEWARE = [
    # First, so that every log record of a request, redirects included, carries its id.
    "cogwg.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside the security headers (its preflight answers carry them), outside all else that
    # may answer (the database's 503, a throttled or kept API answer).
    "cogwg.middleware.ApiCorsMiddleware",
    # A null character in the address: 400 before anything may query with it (inside the
    # security headers and CORS, so that its answer carries them).
    "cogwg.middleware.NullCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside sessions and auth, so that their database errors also become a 503.
    "cogwg.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cogwg.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cogwg.security.PermissionRefusalLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a lockout found during the login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cogwg.urls"
# A form refused for its CSRF token or cookie: the site's page, in the page's language.
CSRF_FAILURE_VIEW = "cogwg.views.csrf_failure"
WSGI_APPLICATION = "cogwg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cogwg" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cogwg.context_processors.site",
            ],
            # Its ``date`` filter takes the place of Django's: « 1er janvier » in French.
            "builtins": ["cogwg.templatetags.cogwg_dates"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The public story form's per-address rate limit counts in this cache. Local memory by
# default; with several web processes, point it at Redis (CACHE_URL=redis://…).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://cogwg")}
# The page frame's static parts (menu, footer) rendered once per language and process
# (``{% cache … using="frame" %}`` in base.html): they hold no data, only translations and
# addresses, which change only with a release, and a release starts new processes. Under
# DEBUG (``make run``) nothing is kept: the development server reloads an edited template
# without restarting.
CACHES["frame"] = (
    {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if DEBUG
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "frame", "TIMEOUT": None}
)
# Rendered public pages are kept this many seconds, keyed by their ETag (the data version,
# the day and the address: cogwg/http.py), so a change shows at once. 0 turns it off.
COGWG_PAGE_CACHE_SECONDS = env.int("COGWG_PAGE_CACHE_SECONDS", default=3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Both official languages, English first. Content fields get _en and _fr columns.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "fr")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")

# Printed to the console by default (development); production demands a mail server
# (production.py). An empty EMAIL_URL is no mail server either.
EMAIL_CONFIG = env.email_url_config(env.str("EMAIL_URL", default="").strip() or "consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="COGWG Tracker <cogwg@localhost>")
# The site's public address: e-mails (reminders, the review) link to pages under it.
# By default, ``make run``'s development server.
COGWG_SITE_URL = env("COGWG_SITE_URL", default="") or "http://127.0.0.1:8000"
# Told when a record is submitted for review, with the Secretariat group's members.
COGWG_SECRETARIAT_EMAILS = env.list("COGWG_SECRETARIAT_EMAILS", default=[])
# Whom to tell of a vulnerability (mailto: or https: addresses), published in
# /.well-known/security.txt (RFC 9116); none: no such file.
COGWG_SECURITY_CONTACTS = env.list("COGWG_SECURITY_CONTACTS", default=[])

# Celery: with no broker configured, tasks run eagerly in the calling process (``make
# run``). Production demands a broker and never runs a task eagerly (production.py).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Whether running tasks eagerly is a fault: /readyz then reports the broker as failing.
COGWG_REQUIRE_BROKER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
# Tasks are acknowledged as a worker takes them: one cut short (its worker killed) is not
# run again, as an e-mail sent twice would be. Only the idempotent ones acknowledge late
# and are run again, each saying so in its decorator (tests/ops/test_task_delivery.py).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Redis hands a task still unacknowledged to another worker after this many seconds. Longer
# than the longest task's time limit (check_links: 2 h 1 min), or a long run would start a
# second time while the first goes on; and than any retry's countdown, which a worker also
# waits out with the task unacknowledged.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 60 * 60}
CELERY_TIMEZONE = TIME_ZONE
# Two queues, each with workers of its own (docker-compose.yml: `worker` and `worker-long`):
# the jobs allowed to run longer than the default time limit (the Sunday harvest and link
# check, for hours; the nightly overdue marks and the Monday reminders, 10 minutes) go to
# ``long``, so that they never take the slots of the report renders and the e-mails, which
# stay on the default queue. Celery cannot keep slots of one worker for one queue:
# separate workers are what keeps them apart (tests/ops/test_queues.py).
CELERY_TASK_DEFAULT_QUEUE = "celery"
COGWG_LONG_QUEUE = "long"
CELERY_TASK_ROUTES = {
    name: {"queue": COGWG_LONG_QUEUE}
    for name in (
        "stories.tasks.harvest_datasets",
        "cogwg.tasks.check_links",
        "cogwg.reports.tasks.mark_overdue_milestones",
        "cogwg.reports.tasks.remind_upcoming_milestones",
        "cogwg.cycle_tasks.send_period_reminders",
    )
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "cogwg.api.schema.ApiAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Token first: an anonymous write is answered 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cogwg.api.authentication.ExpiringTokenAuthentication",
        "cogwg.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cogwg.api.permissions.PublicReadStaffWrite"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "cogwg.api.renderers.CSVRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "cogwg.api.negotiation.ContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "cogwg.api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["cogwg.api.throttling.AnonWindowRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env("DJANGO_API_ANON_RATE", default="1200/hour")},
    # Behind a reverse proxy set this to the number of proxies, or every client shares one
    # address; with 0 a client cannot dodge the throttle with a forged X-Forwarded-For.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "COGWG Work-Plan Tracker API",
    "DESCRIPTION": (
        "The Canada Open Government Working Group's work plan, progress and reports.\n\n"
        "- **Reading** is open to everyone and shows published records only; anonymous clients are "
        "throttled per address (429).\n"
        "- **Rate limits**: anonymous clients have a quota of requests per address in fixed windows. Every "
        "answer to an anonymous read (200, 304, errors and 429 alike) tells where the address stands, with "
        'the fields of draft-ietf-httpapi-ratelimit-headers (draft 11): `RateLimit-Policy: "anon";q=1200;w=3600` '
        '(the quota `q` per window of `w` seconds; these are the defaults) and `RateLimit: "anon";r=1187;t=2140` '
        "(`r` requests left in the current window, which ends in `t` seconds, when the count starts again). "
        "Past the quota the answer is a 429 whose `Retry-After` gives the same seconds as `t`. Clients with a "
        "session or a token are not throttled, and their answers carry neither field.\n"
        "- **Writing** needs a session or a token (`Authorization: Token …`): `POST /api/v1/auth/token/` with "
        "`username`, `password` and, for staff, `otp_token` (the authenticator's code) answers `token` and "
        "`expires` (ISO 8601); each request ends the previous token, and a new password ends it too. "
        "`DELETE /api/v1/auth/token/` with the token itself ends it at once (204, a sign-out): it is then "
        "refused (401) like any unknown token, a second `DELETE` included. Neither answer is ever stored "
        "(`Cache-Control: no-store`). The secretariat writes "
        "everything; a jurisdiction contributor files their jurisdictions' accomplishments, challenges, stories "
        "and progress updates (drafts, visible to them and the secretariat only) and submits them "
        "(`POST …/submit/`) for the secretariat to publish (`…/publish/`) or return with a comment "
        "(`…/return/`). Anonymous writes get 401, others 403; another jurisdiction's draft is a 404. "
        "A record's `publication_state` (a story's `state`) moves only through those actions (a story's: "
        "`…/approve/`, `…/review/`, `…/reject/`, `…/publish/`): a write that sends another value than the "
        "record's (on creation, than what creation gives) is a 400 naming the actions, and changes nothing; the "
        "same value is accepted. A milestone's `status` and `progress` move only by posting a progress update.\n"
        "- **Languages**: translated fields come in the language of `?lang=en|fr`, else of "
        "`Accept-Language`; `Content-Language` says which. Writes take each translated field per "
        "language (`title_en`, `title_fr`).\n"
        "- **Lists** take the filters listed on each, `ordering`, `page` and `page_size` (from 1; a size above "
        "200 gives pages of 200); an invalid value is a 400 naming the parameter, a page past the last a 404. "
        "`?format=csv` (and `xlsx` for milestones and accomplishments) downloads every record the filters "
        "select.\n"
        "- **Caching**: every read carries `ETag` and `Last-Modified`; send `If-None-Match` to get a 304. "
        "Anonymous reads are `Cache-Control: public, max-age=0, must-revalidate`, others `private, no-cache`.\n"
        "- **Concurrent writes**: a record read or written carries its `Record-ETag`; send it back in `If-Match` "
        "(or a date in `If-Unmodified-Since`) with a write of that record to get a 412 rather than overwrite "
        "a change made since.\n"
        "- **Browsers on other sites** may read without credentials (CORS: `Access-Control-Allow-Origin: *` on "
        "GET, HEAD and OPTIONS); writes stay on this site.\n"
        "- **Licence**: the data is published under the Open Government Licence \u2013 Canada."
    ),
    "LICENSE": {
        "name": "Open Government Licence \u2013 Canada",
        "url": "https://open.canada.ca/en/open-government-licence-canada",
    },
    "CONTACT": {
        "name": "COGWG secretariat",
        # The about page, which says how to reach the working group. Not an address of
        # COGWG_SECRETARIAT_EMAILS: those are the people told of submissions, not a public
        # contact. production.py sets the address again from its own COGWG_SITE_URL.
        "url": f"{COGWG_SITE_URL}/en/about/",
    },
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MilestoneStatusEnum": "workplan.choices.MilestoneStatus",
        "MilestoneKindEnum": "workplan.choices.MilestoneKind",
        "WorkPlanStatusEnum": "workplan.choices.WorkPlanStatus",
        "SeatRoleEnum": "workplan.choices.SeatRole",
        "JurisdictionKindEnum": "jurisdictions.choices.JurisdictionKind",
        "AccomplishmentCategoryEnum": "jurisdictions.choices.AccomplishmentCategory",
        "ChallengeCategoryEnum": "jurisdictions.choices.ChallengeCategory",
        "ChallengeStatusEnum": "jurisdictions.choices.ChallengeStatus",
        "PublicationStateEnum": "cogwg.choices.PublicationState",
        "MeetingKindEnum": "cogwg.choices.MeetingKind",
        "StatusReportStateEnum": "cogwg.choices.StatusReportState",
        "ReportFormatEnum": "cogwg.choices.ReportFormat",
        "RenderStatusEnum": "cogwg.choices.RenderStatus",
        "StoryStateEnum": "stories.choices.StoryState",
        "UserTypeEnum": "stories.choices.UserType",
        "ImpactEnum": "stories.choices.Impact",
    },
}

SIMPLE_HISTORY_REVERT_DISABLED = False
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Outgoing HTTP (CKAN harvests, link checks): who we say we are, and how long we wait.
# Empty: COGWG-Tracker/1.0 with the address of DEFAULT_FROM_EMAIL as contact (cogwg/http_client.py).
COGWG_HTTP_USER_AGENT = env("COGWG_HTTP_USER_AGENT", default="")
COGWG_HTTP_TIMEOUT = env.float("COGWG_HTTP_TIMEOUT", default=10.0)
COGWG_LINKCHECK_DELAY = env.float("COGWG_LINKCHECK_DELAY", default=1.0)  # seconds between requests to one host

# Content Security Policy (django-csp), the same in development as in production: no
# inline script or style, no plugin, no framing. Production adds upgrade-insecure-requests.
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
    },
}

# Every record carries the id of its request (cogwg.middleware.RequestIdMiddleware, or
# "-" outside a request). DJANGO_LOG_FORMAT=json writes one JSON object per line, the
# default in production. Django's own loggers lose their handlers and reach the root's.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cogwg.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "cogwg.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env("DJANGO_LOG_FORMAT", default="plain"),
        },
    },
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Celery beat (`celery -A cogwg beat`): the schedule is kept in the database by
# django-celery-beat, editable in the admin; these entries are written there when beat starts.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # After midnight in Vancouver: a milestone is overdue once its due day is over
    # everywhere in Canada (workplan.selectors.overdue_cutoff).
    "mark-overdue-milestones": {
        "task": "cogwg.reports.tasks.mark_overdue_milestones",
        "schedule": crontab(hour=3, minute=15),
    },
    "remind-upcoming-milestones": {
        "task": "cogwg.reports.tasks.remind_upcoming_milestones",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    "harvest-datasets-weekly": {
        "task": "stories.tasks.harvest_datasets",
        "schedule": crontab(day_of_week="sun", hour=3, minute=0),
    },
    "check-links-weekly": {
        "task": "cogwg.tasks.check_links",
        "schedule": crontab(day_of_week="sun", hour=4, minute=0),
    },
    "remind-reporting-periods": {
        "task": "cogwg.cycle_tasks.send_period_reminders",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),
    },
    "sweep-pending-report-files": {
        "task": "cogwg.reports.tasks.sweep_pending_report_files",
        "schedule": 5 * 60,
    },
    "sweep-pending-emails": {
        "task": "cogwg.notification_tasks.sweep_pending_emails",
        "schedule": 5 * 60,
    },
    "dispose-of-personal-information": {
        "task": "cogwg.tasks.dispose_of_personal_information",
        "schedule": crontab(hour=3, minute=30),
    },
}
# Beat is alive while the sweepers above (every 5 minutes) keep being sent: beat records
# each periodic task's last run in the database (django-celery-beat's PeriodicTask.last_run_at,
# written at most 3 minutes after the run). Older than this many minutes, beat is reported
# stale: /readyz says so (without failing), `manage.py check_beat` (the beat container's
# health check) exits 1, and the admin's index warns the secretariat (cogwg/health.py).
COGWG_BEAT_MAX_AGE_MINUTES = env.int("COGWG_BEAT_MAX_AGE_MINUTES", default=15)

# Personal information: how long what identifies someone is kept, in days. Every night
# (the beat entry above, cogwg/retention.py) what is older is deleted or blanked; the
# privacy notice (/en/privacy/) states these periods. docs/operations.md, "Personal
# information and retention".
# Sign-ins and failed sign-ins (django-axes: address, browser, username).
COGWG_RETENTION_ACCESS_LOG_DAYS = env.int("COGWG_RETENTION_ACCESS_LOG_DAYS", default=90)
# Who was reminded (period reminders' and upcoming milestones' addresses), counted from the
# reporting period's close (from the day sent for upcoming milestones).
COGWG_RETENTION_REMINDER_DAYS = env.int("COGWG_RETENTION_REMINDER_DAYS", default=365)
# The name and e-mail address of whoever sent a story the secretariat rejected, counted
# from the rejection, in the story and its history (a deleted story's are blanked in its
# history as it is deleted; this long after, for one deleted another way).
COGWG_RETENTION_REJECTED_STORY_DAYS = env.int("COGWG_RETENTION_REJECTED_STORY_DAYS", default=180)
# Where the privacy notice invites questions, requests and complaints: by default the
# address e-mails come from (DEFAULT_FROM_EMAIL), which is where submitters reply.
COGWG_PRIVACY_CONTACT = env("COGWG_PRIVACY_CONTACT", default="") or parseaddr(DEFAULT_FROM_EMAIL)[1]

# Account security (cogwg/security.py, cogwg/admin_site.py).
# django-axes' backend comes first: a locked-out client is refused before any password hash.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked out after 5 failed logins for one username from one address (admin and API token
# alike), for AXES_COOLOFF_MINUTES; a success resets the count.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "cogwg.security.client_ip"
# The page of a lockout says for how long, and whom to ask, in the page's language.
AXES_LOCKOUT_CALLABLE = "cogwg.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# "cogwg.security" logs each login, failure and lockout; axes need not announce itself.
AXES_VERBOSE = False
# Staff (everyone who uses the admin) prove a second factor: a TOTP device (django-otp).
COGWG_REQUIRE_STAFF_OTP = env.bool("COGWG_REQUIRE_STAFF_OTP", default=True)
OTP_TOTP_ISSUER = "COGWG Tracker"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A session lasts a working day at most, ends with the browser, and its cookie is out of
# scripts' and other sites' reach (production also makes it HTTPS-only).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
# An API token works for this many hours after it is issued (POST /api/v1/auth/token/).
COGWG_API_TOKEN_HOURS = env.int("COGWG_API_TOKEN_HOURS", default=8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
