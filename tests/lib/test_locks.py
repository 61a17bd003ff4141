import threading

import pytest
from django.db import connections

from lindungdesa.lib.locks import NamedLock, lock_is_held, named_lock, separate_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere():
    """A lock holder that is not this test's connection (another process, as far as the lock can tell)."""
    other = separate_connection()
    yield other
    if other is not connections["default"]:
        other.close()


def test_a_lock_held_elsewhere_is_seen_as_held_and_then_as_free(elsewhere):
    lock = NamedLock("proof-held", connection=elsewhere)
    assert lock.acquire(wait=False)
    assert lock_is_held("proof-held")
    assert not NamedLock("proof-held").acquire(wait=False)
    lock.release()
    assert not lock_is_held("proof-held")


def test_named_lock_waits_for_the_holder_and_says_so(elsewhere):
    holder = NamedLock("proof-wait", connection=elsewhere)
    assert holder.acquire(wait=False)
    waited, order = [], []

    def let_go_soon() -> None:
        waited_event.wait(5)
        order.append("holder")
        holder.release()

    waited_event = threading.Event()

    def on_wait() -> None:
        waited.append(True)
        threading.Thread(target=let_go_soon).start()
        waited_event.set()

    with named_lock("proof-wait", on_wait=on_wait):
        order.append("waiter")
    assert waited == [True]
    assert order == ["holder", "waiter"]
