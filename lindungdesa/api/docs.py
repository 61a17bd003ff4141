from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@login_required
@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI from our own static files (no CDN, no inline script), reading /api/schema/."""
    return render(request, "api/docs.html", {"section": "akun"})
