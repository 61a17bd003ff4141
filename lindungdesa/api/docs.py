from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import method_not_allowed

SAFE = ["GET", "HEAD"]


@login_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI from our own static files (no CDN, no inline script), reading /api/schema/."""
    if request.method not in SAFE:
        return method_not_allowed(request, SAFE)  # in JSON, as everywhere under /api/
    return render(request, "api/docs.html", {"section": "akun"})
