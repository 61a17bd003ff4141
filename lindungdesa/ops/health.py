"""Readiness: can this deployment do its work? Each check is cheap (one or two small queries) and says
nothing about a person, a user or the servers (a database error is logged, never shown)."""

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from lindungdesa.indicators.models import Snapshot
from lindungdesa.lib.months import Month

from .worker_health import worker_heartbeat_age

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    data: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "detail": self.detail, **self.data}


def health_database(now: datetime) -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check(True, _("Basis data menjawab."))


@functools.cache
def _migrations_in_code() -> frozenset[tuple[str, str]]:
    # Read from the files once per process: the code does not change while it runs.
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def health_migrations(now: datetime) -> Check:
    applied = set(MigrationRecorder(connection).applied_migrations())
    missing = len(_migrations_in_code() - applied)
    if missing:
        return Check(
            False,
            _("%(count)d migrasi belum dijalankan (lindungdesa migrate).") % {"count": missing},
            {"unapplied": missing},
        )
    return Check(True, _("Semua migrasi sudah dijalankan."), {"unapplied": 0})


def health_worker(now: datetime) -> Check:
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return Check(True, _("Pekerjaan latar dijalankan langsung, tanpa pekerja."))
    age = worker_heartbeat_age(now=now)
    stale = settings.WORKER_HEARTBEAT_STALE_SECONDS
    if age is None:
        return Check(False, _("Tidak ada pekerja latar (lindungdesa db_worker) yang berjalan."))
    data = {"heartbeat_age_seconds": round(age, 1), "stale_after_seconds": stale}
    if age > stale:
        return Check(False, _("Detak pekerja latar terakhir %(age)d detik lalu.") % {"age": age}, data)
    return Check(True, _("Pekerja latar berjalan."), data)


def health_snapshot(now: datetime) -> Check:
    """This month's snapshot exists. In the first hours of a month, while the monthly task computes it
    (from 01:00 on the first), last month's is accepted."""
    local = timezone.localtime(now)
    this_month = Month.of(local.date())
    periods = [str(this_month)]
    if local.day == 1 and local.hour < settings.HEALTH_SNAPSHOT_GRACE_HOURS:
        periods.append(str(this_month.add(-1)))
    found = (
        Snapshot.objects.filter(kind=Snapshot.Kind.MONTHLY, period__in=periods)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    data = {"expected": str(this_month), "period": found}
    if found is None:
        return Check(
            False,
            _("Potret bulan %(period)s belum ada (lindungdesa snapshot).") % {"period": this_month},
            data,
        )
    return Check(True, _("Potret bulan %(period)s ada.") % {"period": found}, data)


CHECKS: dict[str, Callable[[datetime], Check]] = {
    "database": health_database,
    "migrations": health_migrations,
    "worker": health_worker,
    "snapshot": health_snapshot,
}


def health_readiness(names: list[str] | None = None, *, now: datetime | None = None) -> dict:
    """{"ready", "checks": {name: {"ok", "detail", ...}}, "failing": [names]} for the named checks (all by
    default). Raises KeyError for an unknown name."""
    now = now or timezone.now()
    checks = {}
    for name in names or list(CHECKS):
        check = CHECKS[name]
        try:
            result = check(now)
        except DatabaseError as exc:
            # The message may name hosts and accounts: for the log, not for whoever asks.
            logger.warning("Readiness check %s: database error: %s", name, exc)
            result = Check(False, _("Basis data tidak dapat dibaca."))
        checks[name] = result.as_dict()
    failing = [name for name, result in checks.items() if not result["ok"]]
    return {"ready": not failing, "checks": checks, "failing": failing}
