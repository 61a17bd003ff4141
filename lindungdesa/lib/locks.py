"""Named locks shared by every process that uses the database, let go when their holder ends, even by
`kill -9`.

PostgreSQL: a session advisory lock (the server drops it with the connection, whichever machine held it).
SQLite: an `flock` on a file in a folder beside the database file (the kernel drops it with the process);
an SQLite database lives on one machine, so all its processes see that folder. An in-memory SQLite
database (the tests) belongs to one process: its locks are files in a folder of that process.
"""

import contextlib
import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend


def lock_key(name: str) -> int:
    """A signed 64-bit key for pg_advisory_lock, the same in every process."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def lock_folder(connection: BaseDatabaseWrapper) -> Path:
    """Where an SQLite database's lock files are (made when missing)."""
    if connection.is_in_memory_db():
        folder = Path(tempfile.gettempdir()) / f"lindungdesa-locks-{os.getpid()}"
    else:
        folder = Path(f"{connection.settings_dict['NAME']}-locks")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".lock"


class NamedLock:
    """One lock by name. `acquire(wait=False)` says whether it was taken; `release()` lets it go.

    On PostgreSQL it is held by a connection: the database's default one (let go before that connection
    is closed or returned to a pool), or the one given (a worker's own, held for the process's life)."""

    def __init__(self, name: str, *, connection: BaseDatabaseWrapper | None = None) -> None:
        self.name = name
        self.connection = connection or connections["default"]
        self._file: int | None = None
        self._held = False

    def acquire(self, *, wait: bool = True) -> bool:
        if self.connection.vendor == "postgresql":
            function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT {function}(%s)", [lock_key(self.name)])
                taken = cursor.fetchone()[0]
            self._held = wait or bool(taken)
            return self._held
        fd = os.open(lock_folder(self.connection) / _file_name(self.name), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._file = fd
        self._held = True
        return True

    @property
    def held(self) -> bool:
        return self._held

    def forget(self) -> None:
        """The connection that held it was lost, and the lock with it."""
        self._held = False

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        if self.connection.vendor == "postgresql":
            try:
                with self.connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(self.name)])
            except DatabaseError:
                # The connection broke (the lock went with it), or sits in a failed transaction and would
                # keep the lock: closed, so that the server lets the lock go.
                with contextlib.suppress(DatabaseError):
                    self.connection.close()
            return
        if self._file is not None:
            os.close(self._file)  # closing the file lets the flock go
            self._file = None


@contextlib.contextmanager
def named_lock(name: str, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock `name` inside the block, waiting for it first if another process holds it
    (`on_wait` is called once before waiting, to say so)."""
    lock = NamedLock(name)
    if not lock.acquire(wait=False):
        if on_wait is not None:
            on_wait()
        lock.acquire(wait=True)
    try:
        yield
    finally:
        lock.release()


def lock_is_held(name: str) -> bool:
    """Whether some other process (or connection) holds the lock `name` now."""
    lock = NamedLock(name)
    if lock.acquire(wait=False):
        lock.release()
        return False
    return True


def remove_lock_file(name: str) -> None:
    """Forget an SQLite lock file nobody holds any more (a dead worker's); nothing on PostgreSQL."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        with contextlib.suppress(FileNotFoundError):
            (lock_folder(connection) / _file_name(name)).unlink()


def separate_connection() -> BaseDatabaseWrapper:
    """On PostgreSQL, a connection of its own, outside any pool, for a lock held longer than a task's or a
    request's connection lives (a worker's lease). On SQLite the default one (a lock there is a file)."""
    default = connections["default"]
    if default.vendor != "postgresql":
        return default
    settings_dict = {**default.settings_dict, "OPTIONS": dict(default.settings_dict["OPTIONS"])}
    settings_dict["OPTIONS"].pop("pool", None)
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="separate")
    wrapper.inc_thread_sharing()  # a worker takes its lease at start, its recovery thread again when lost
    return wrapper
