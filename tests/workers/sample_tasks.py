"""A task for the tests that run real workers: it notes who ran it, once per run."""

import os
import time

from django_tasks import task


@task()
def note_run(number: int, path: str) -> None:
    time.sleep(0.03)  # long enough that the two workers' turns interleave
    with open(path, "a") as fh:  # one short append per run: whole lines, even from two processes
        fh.write(f"{number} {os.getpid()}\n")
