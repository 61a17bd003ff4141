from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request):
    """Browsers ask for /favicon.ico on pages without a <link rel="icon"> (files, the API's JSON)."""
    return HttpResponseRedirect(static("img/favicon.svg"))  # the file name changes with its content


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    path("health/", include("lindungdesa.ops.urls")),
    path("impor/", include("lindungdesa.imports.urls")),
    path("rekonsiliasi/", include("lindungdesa.enrolment.urls")),
    path("api/", include("lindungdesa.api.urls")),
    path("", include("lindungdesa.accounts.urls")),
    path("publik/", include("lindungdesa.indicators.public_urls")),
    path("monev/", include("lindungdesa.monev.urls")),
    path("", include("lindungdesa.indicators.urls")),
    path("", include("lindungdesa.reports.urls")),
    path("anggaran/", include("lindungdesa.budget.urls")),
    path("", include("lindungdesa.web.urls")),
]

# Under /api/ these answer in JSON (lindungdesa/api/errors.py); elsewhere the site's error pages.
handler400 = "lindungdesa.api.errors.bad_request"
handler403 = "lindungdesa.api.errors.permission_denied"
handler404 = "lindungdesa.api.errors.page_not_found"
# A server error: JSON under /api/ too, and 503 with Retry-After while the database is busy.
handler500 = "lindungdesa.web.errors.server_error"
