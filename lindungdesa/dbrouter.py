"""Reads of the read-only pages from a PostgreSQL streaming replica (`DATABASE_REPLICA_URL`), everything
else from the primary. Active only when a replica is configured (settings.py adds the router and the
middleware then).

A request reads from the replica only when all of these hold:
- its page is one of REPLICA_PAGES (dashboards, public pages, the Kemendagri report) and it is a GET/HEAD;
- nothing was written earlier in the request (a write sends the rest of the request to the primary);
- the browser wrote nothing in the last DATABASE_REPLICA_PIN_SECONDS (a response to a request that wrote
  sets a cookie that pins the browser to the primary for that long: a user sees its own writes);
- the replica lags the primary by at most DATABASE_REPLICA_MAX_LAG seconds (asked of the replica, the
  answer kept DATABASE_REPLICA_CHECK_SECONDS in each process), and answers at all.
Users, sessions, login attempts, tasks and import batches are always read from the primary.
"""

import contextlib
import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "ld_primary"
# Pages (URL names) whose reads may come from the replica: figures that may be a few seconds old.
REPLICA_PAGES = frozenset(
    {
        "home",
        "region",
        "region-map",
        "region-boundaries",
        "worklist",
        "public-home",
        "public-region",
        "public-data-csv",
        "public-data-json",
        "report-kemendagri",
    }
)
# Apps always read from the primary: who is signed in, and the state of work in progress.
PRIMARY_APPS = frozenset({"accounts", "auth", "sessions", "axes", "django_tasks_database", "imports"})


@dataclass
class _Request:
    replica: bool = False  # this request's reads may go to the replica
    wrote: bool = False  # something was written: the rest of the request reads the primary


_current: contextvars.ContextVar[_Request | None] = contextvars.ContextVar("dbrouter_request", default=None)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        state = _current.get()
        if (
            state is not None
            and state.replica
            and not state.wrote
            and model._meta.app_label not in PRIMARY_APPS
        ):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints) -> str:
        state = _current.get()
        if state is not None:
            state.wrote = True
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == "default"


@contextlib.contextmanager
def replica_reads(allowed: bool = True) -> Iterator[_Request]:
    """Inside, reads may go to the replica (until something is written). What the middleware does for a
    page; also for a command or a job that only reads."""
    state = _Request(replica=allowed)
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)


class ReplicaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with replica_reads(allowed=False) as state:
            response = self.get_response(request)
        if state.wrote or request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        state = _current.get()
        match = request.resolver_match
        state.replica = (
            request.method in ("GET", "HEAD")
            and match is not None
            and match.url_name in REPLICA_PAGES
            and PIN_COOKIE not in request.COOKIES
            and not state.wrote
            and replica_fresh()
        )


_checked: tuple[float, bool] | None = None  # (monotonic time, fresh enough)
_check_lock = threading.Lock()


def replica_fresh() -> bool:
    """The replica answers and lags by at most DATABASE_REPLICA_MAX_LAG seconds (kept a few seconds)."""
    global _checked
    now = time.monotonic()
    with _check_lock:
        if _checked is not None and now - _checked[0] < settings.DATABASE_REPLICA_CHECK_SECONDS:
            return _checked[1]
        lag = replica_lag()
        fresh = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG
        _checked = (now, fresh)
        return fresh


def forget_replica_check() -> None:
    global _checked
    with _check_lock:
        _checked = None


def replica_lag() -> float | None:
    """Seconds the replica is behind the primary (0 when it has replayed all it received), or None when
    it cannot be asked."""
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return 0.0
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
                "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END"
            )
            return float(cursor.fetchone()[0])
    except DatabaseError:
        connection.close()
        return None
