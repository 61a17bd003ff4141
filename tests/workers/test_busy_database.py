"""Requests while an import holds the database (issue 21, item 6): a login and an API write never answer
500. On SQLite they wait for the import's write lock up to the busy timeout, then answer 503 with
Retry-After (JSON for the API); on PostgreSQL an import locks only its own rows, so they go through."""

import json
import time

import pytest

# One test process runs the tests of the side database (tests/workers/conftest.py), so it is migrated once.
pytestmark = pytest.mark.xdist_group("side-database")

REQUESTS = """
from django.test import Client
body = {"region_code": "61.03", "indicator": "aparat", "year": 2027, "value": "70.5", "note": "sibuk"}
signin = {"username": "analis.sibuk", "password": PASSWORD}
print("asking", flush=True)
login = Client(raise_request_exception=False).post("/masuk/", signin)
write = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {KEY}").put(
    "/api/targets/set/", json.dumps(body), content_type="application/json"
)
result = [
    {"status": r.status_code, "retry_after": r.get("Retry-After"), "type": r["Content-Type"],
     "body": r.content.decode()}
    for r in (login, write)
]
"""

PASSWORD = "kata-sandi-sibuk-123"


@pytest.fixture(scope="module")
def analyst_key(side_db) -> str:
    return side_db.django(
        "from lindungdesa.accounts.models import User\n"
        "from lindungdesa.api.auth import token_create\n"
        "user, _ = User.objects.get_or_create(username='analis.sibuk', "
        "defaults={'role': User.Role.PROVINCE_ANALYST, 'region_id': '61'})\n"
        f"user.set_password({PASSWORD!r}); user.save()\n"
        "result = token_create(user=user, name='sibuk')[1]\n"
    )


def during_an_import(side_db, key: str, *, busy_timeout: float, let_go_while_waiting: bool) -> list[dict]:
    """The two requests while another process holds an import's transaction: let go a second after they
    are sent, or only once they have been answered."""
    with side_db.import_transaction() as let_go:
        code = f"PASSWORD = {PASSWORD!r}\nKEY = {key!r}\n{REQUESTS}"
        requests = side_db.django_process(
            code, SQLITE_BUSY_TIMEOUT=str(busy_timeout), ALLOWED_HOSTS="testserver"
        )
        assert requests.stdout.readline().strip() == "asking"
        if let_go_while_waiting:
            time.sleep(1)
            let_go()
        out, err = requests.communicate(timeout=180)
    assert requests.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_requests_wait_for_a_short_import(side_db, analyst_key):
    login, write = during_an_import(side_db, analyst_key, busy_timeout=60, let_go_while_waiting=True)
    assert login["status"] == 302, login  # signed in, after the import let go
    assert write["status"] == 200, write


def test_requests_during_a_long_import_answer_503_with_retry_after_never_500(side_db, analyst_key):
    login, write = during_an_import(side_db, analyst_key, busy_timeout=1, let_go_while_waiting=False)
    if side_db.vendor == "postgresql":
        # The import's transaction locks its own rows, not the tables a login or a target writes.
        assert (login["status"], write["status"]) == (302, 200), (login, write)
        return
    assert login["status"] == 503 and login["retry_after"], login
    assert "text/html" in login["type"] and "Sedang sibuk" in login["body"]
    assert write["status"] == 503 and write["retry_after"], write
    assert write["type"] == "application/json"
    assert json.loads(write["body"]) == {"detail": "Basis data sedang sibuk; coba lagi sebentar lagi."}
