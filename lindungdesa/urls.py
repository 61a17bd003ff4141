from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
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
