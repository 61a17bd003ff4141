"""Requests while an import holds the database (issue 21, item 6): a login and an API write never answer
500. On SQLite they wait for the import's write lock up to the busy timeout, then answer 503 with
Retry-After (JSON for the API); on PostgreSQL an import locks only its own rows, so they go through."""

import json
import subprocess
import sys

import pytest

from tests.workers.procs import ROOT, wait_for

HOLDER = """
import sys, time
import django
django.setup()
from django.db import transaction
from lindungdesa.imports.models import ImportBatch
# As an import does: one transaction, written to from the start, held while the rows are worked through.
with transaction.atomic():
    ImportBatch.objects.create(kind="roster", file_name="besar.csv", file_sha256="0" * 64)
    print("held", flush=True)
    time.sleep(float(sys.argv[1]))
"""

REQUESTS = """
from django.test import Client
body = {"region_code": "61.03", "indicator": "aparat", "year": 2027, "value": "70.5", "note": "sibuk"}
signin = {"username": "analis.sibuk", "password": PASSWORD}
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


def during_an_import(side_db, key: str, *, hold: float, busy_timeout: float) -> list[dict]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(hold)],
        env=side_db.env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: holder.stdout.readline().strip() == "held", seconds=60, what="the transaction held")
        code = f"PASSWORD = {PASSWORD!r}\nKEY = {key!r}\n{REQUESTS}"
        return side_db.django(code, SQLITE_BUSY_TIMEOUT=str(busy_timeout), ALLOWED_HOSTS="testserver")
    finally:
        holder.wait(hold + 60)


def test_requests_wait_for_a_short_import(side_db, analyst_key):
    login, write = during_an_import(side_db, analyst_key, hold=2, busy_timeout=30)
    assert login["status"] == 302, login  # signed in, after the import let go
    assert write["status"] == 200, write


def test_requests_during_a_long_import_answer_503_with_retry_after_never_500(side_db, analyst_key):
    login, write = during_an_import(side_db, analyst_key, hold=8, busy_timeout=1)
    if side_db.vendor == "postgresql":
        # The import's transaction locks its own rows, not the tables a login or a target writes.
        assert (login["status"], write["status"]) == (302, 200), (login, write)
        return
    assert login["status"] == 503 and login["retry_after"], login
    assert "text/html" in login["type"] and "Sedang sibuk" in login["body"]
    assert write["status"] == 503 and write["retry_after"], write
    assert write["type"] == "application/json"
    assert json.loads(write["body"]) == {"detail": "Basis data sedang sibuk; coba lagi sebentar lagi."}
