"""What a request that failed on the server answers (Django's handler500): JSON under /api/, a page
elsewhere; and 503 with Retry-After, not 500, when the database was busy or away (an import held SQLite's
write lock past the busy timeout, PostgreSQL restarting), since trying again then succeeds."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 10


def database_busy(exc: BaseException | None) -> bool:
    """An error that passes: SQLite's lock held too long, or a PostgreSQL connection lost or refused (an
    SQLite OperationalError may also be a missing table, which does not pass)."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if cause is not None and type(cause).__module__.startswith("sqlite3"):
        return "locked" in str(exc).lower() or "busy" in str(exc).lower()
    return True


def server_error(request: HttpRequest) -> HttpResponse:
    busy = database_busy(sys.exc_info()[1])
    status = 503 if busy else 500
    if request.path.startswith("/api/"):
        detail = (
            _("Basis data sedang sibuk; coba lagi sebentar lagi.")
            if busy
            else _("Terjadi kesalahan sistem. Coba lagi nanti; bila berulang, hubungi administrator.")
        )
        response: HttpResponse = JsonResponse({"detail": detail}, status=status)
    else:
        template = loader.get_template("503.html" if busy else "500.html")
        response = HttpResponse(template.render({"retry_after": RETRY_AFTER_SECONDS}), status=status)
    if busy:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
