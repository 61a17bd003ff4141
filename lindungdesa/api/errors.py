"""Errors Django answers itself, before or after a view of the API runs (no URL matches, an unexpected
exception), in JSON for addresses under /api/ (a server error: `web.errors.server_error`, which also
answers 503 while the database is busy), as the API's own errors are (`base.exception_handler`);
the other addresses keep the site's pages (templates/404.html, 500.html ...)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"  # where lindungdesa/urls.py includes the API


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": _("Permintaan tidak dapat diproses.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": _("Peran Anda tidak mengizinkan tindakan ini.")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        # Never the exception's text: Django's names the address and the patterns it tried.
        return JsonResponse({"detail": _("Data tidak ditemukan.")}, status=404)
    return defaults.page_not_found(request, exception)


def method_not_allowed(request: HttpRequest, allowed: list[str]) -> HttpResponse:
    """405 for an API address that is not a DRF view (the documentation page), as DRF's are answered."""
    response = JsonResponse(
        {"detail": _("Metode %(method)s tidak diizinkan di alamat ini.") % {"method": request.method}},
        status=405,
    )
    response["Allow"] = ", ".join(allowed)
    return response
