"""`lindungdesa serve`: the production web server, gunicorn, with this project's defaults.

The command becomes gunicorn (exec): signals from systemd reach gunicorn's master directly. `--print`
shows the gunicorn command instead, to run it by hand or under another supervisor.
"""

import os
import shlex
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

# Method, path without the query string (search words, NIKs typed in a search box), status, bytes, time.
# No client address: the reverse proxy's log keeps that, under its own retention rules.
ACCESS_LOG_FORMAT = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def usable_cores() -> int:
    """Cores this process may run on (a container's or systemd's CPU set, not the whole machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def default_workers(cores: int) -> int:
    """gunicorn's advice for synchronous workers: two per core, plus one."""
    return 2 * cores + 1


def gunicorn_argv(
    *,
    binds: list[str],
    workers: int,
    threads: int,
    timeout: int,
    access_log: bool,
) -> list[str]:
    argv = [sys.executable, "-m", "gunicorn", "lindungdesa.wsgi:application"]
    for bind in binds:
        argv += ["--bind", bind]
    argv += [
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        "30",
        # A process is replaced after so many requests, so that no slow leak grows for weeks.
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        # The application is loaded once, before the processes are forked: a bad setting stops the
        # server at once with its message, and the processes share the loaded code's memory.
        "--preload",
        # gunicorn >= 25.1 would otherwise open a control socket in the home directory, shared by every
        # server started by the same user.
        "--no-control-socket",
        "--error-logfile",
        "-",
    ]
    if access_log:
        argv += ["--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT]
    return argv


class Command(BaseCommand):
    help = (
        "Menjalankan server web produksi (gunicorn): beberapa proses, berkas statis terkompresi dari "
        "STATIC_ROOT (jalankan `lindungdesa collectstatic` lebih dulu)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            action="append",
            metavar="ALAMAT",
            help=f"alamat:port atau unix:/jalur/soket; boleh berulang (bawaan LINDUNGDESA_BIND: "
            f"{settings.SERVE_BIND})",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="jumlah proses web (bawaan WEB_CONCURRENCY, atau 2 × inti + 1)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            help=f"utas per proses (bawaan LINDUNGDESA_THREADS: {settings.SERVE_THREADS})",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            help=f"detik paling lama satu permintaan (bawaan LINDUNGDESA_TIMEOUT: {settings.SERVE_TIMEOUT})",
        )
        parser.add_argument("--no-access-log", action="store_true", help="tanpa log akses")
        parser.add_argument(
            "--print", action="store_true", help="cetak perintah gunicorn yang akan dijalankan, lalu berhenti"
        )

    def handle(self, *args, **options):
        workers = options["workers"] or settings.SERVE_WORKERS or default_workers(usable_cores())
        threads = options["threads"] or settings.SERVE_THREADS
        timeout = options["timeout"] or settings.SERVE_TIMEOUT
        if workers < 1 or threads < 1 or timeout < 1:
            raise CommandError("--workers, --threads dan --timeout harus bilangan bulat positif.")
        argv = gunicorn_argv(
            binds=options["bind"] or [settings.SERVE_BIND],
            workers=workers,
            threads=threads,
            timeout=timeout,
            access_log=not options["no_access_log"],
        )
        if options["print"]:
            self.stdout.write(shlex.join(argv))
            return
        if not (settings.STATIC_ROOT / "staticfiles.json").exists() and not settings.DEBUG:
            raise CommandError(
                f"Berkas statis belum dikumpulkan di {settings.STATIC_ROOT}: jalankan "
                "`lindungdesa collectstatic --noinput` lebih dulu."
            )
        self.stdout.flush()
        connections.close_all()  # nothing opened here may be shared with the forked processes
        os.execv(argv[0], argv)
