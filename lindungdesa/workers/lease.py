"""A worker's lease: a named lock (lib/locks.py) that a live worker holds for its whole life, so that any
other process can tell a task whose worker died (`kill -9`, a crash, a machine gone) from one still
running. Nothing to renew, nothing to time out: the database server (PostgreSQL) or the kernel (SQLite)
lets the lock go the moment the process ends."""

from lindungdesa.lib.locks import NamedLock, lock_is_held, separate_connection


def lease_name(worker_id: str) -> str:
    return f"worker-{worker_id}"


def worker_alive(worker_id: str) -> bool:
    return lock_is_held(lease_name(worker_id))


class WorkerLease:
    """Held by a worker from its start to its end."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.connection = separate_connection()
        self.lock = NamedLock(lease_name(worker_id), connection=self.connection)

    def hold(self) -> None:
        """Take the lease, or take it again after the database connection that held it was lost."""
        if self.connection.vendor == "postgresql":
            if self.lock.held and self.connection.is_usable():
                return
            self.connection.close()
            self.lock.forget()
        elif self.lock.held:
            return
        self.lock.acquire(wait=False)

    def release(self) -> None:
        self.lock.release()
        if self.connection.vendor == "postgresql":
            self.connection.close()
