"""Health URLs for load balancers, process supervisors and monitoring: no sign-in, JSON, no personal data."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import CHECKS, health_readiness


@require_safe
@never_cache
def health_live(request):
    """The process answers requests. Touches nothing else, the database included."""
    return JsonResponse({"status": "alive"})


@require_safe
@never_cache
def health_ready(request):
    """200 when every check passes, else 503 naming the failing ones. `?only=database,migrations` runs
    only those (a load balancer deciding whether to send pages here need not wait for a task worker)."""
    names = [name.strip() for name in request.GET.get("only", "").split(",") if name.strip()]
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        return JsonResponse(
            {
                "detail": _("Pemeriksaan tidak dikenal: %(names)s. Yang ada: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(CHECKS)}
            },
            status=400,
        )
    result = health_readiness(names or None)
    return JsonResponse(
        {"status": "ready" if result["ready"] else "not ready", **result},
        status=200 if result["ready"] else 503,
    )
