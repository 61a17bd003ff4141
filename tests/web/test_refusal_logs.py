"""A refused request is logged in one line, without a traceback; a server error keeps its traceback."""

import io
import logging

import pytest

from lindungdesa.lib.logging import RefusalsInOneLine
from tests.web.conftest import village_operator  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """What the configured console handler writes (settings.LOGGING), captured."""
    [handler] = [
        h for h in logging.getLogger().handlers if any(isinstance(f, RefusalsInOneLine) for f in h.filters)
    ]
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_a_403_is_one_line_with_its_reason(client, village_operator, console):  # noqa: F811
    client.force_login(village_operator)
    assert client.get("/audit/").status_code == 403
    lines = [line for line in console.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1, console.getvalue()
    assert lines[0].startswith("Forbidden (Permission denied): /audit/")
    assert "tidak mengizinkan tindakan ini" in lines[0]
    assert "Traceback" not in console.getvalue()


def test_a_request_for_an_unknown_host_is_one_line(client, console, settings):
    settings.ALLOWED_HOSTS = ["lindungdesa.example"]
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    lines = [line for line in console.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1, console.getvalue()
    assert "Invalid HTTP_HOST header: 'evil.example'" in lines[0]
    assert "Traceback" not in console.getvalue()


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /", (), None
    )
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    record.status_code = 500
    RefusalsInOneLine().filter(record)
    assert record.exc_info is not None
