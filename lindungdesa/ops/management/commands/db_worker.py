"""django-tasks-db's `db_worker`, reporting a heartbeat while it runs (lindungdesa/ops/worker_health.py).

It takes the same options. This app is listed before django_tasks_db in INSTALLED_APPS, so that
`lindungdesa db_worker` is this command.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from lindungdesa.ops.worker_health import WorkerHeartbeatThread


class Command(DbWorkerCommand):
    help = (
        "Menjalankan pekerjaan latar (impor, potret) dari antrean di basis data, sambil melaporkan "
        "detak jantung pekerja setiap beberapa detik (lihat /health/ready/)."
    )

    def handle(self, *args, **options):
        reloading = options["reload"] and not options["batch"]
        if reloading and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # With --reload this process only watches the files; its child runs the tasks and beats.
            return super().handle(*args, **options)
        heartbeat = WorkerHeartbeatThread(options["worker_id"])
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
