from django.apps import AppConfig


class WorkersConfig(AppConfig):
    """The task worker (`lindungdesa db_worker`): django-tasks-db's, made to outlive database errors and
    to recover the tasks of workers that died."""

    name = "lindungdesa.workers"
    label = "workers"
