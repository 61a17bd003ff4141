from django.contrib import admin
from django.urls import include, path

# A server error answers JSON under /api/, and 503 with Retry-After while the database is busy.
handler500 = "lindungdesa.web.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
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
