from django.urls import path

from . import views

urlpatterns = [
    path("", views.imports, name="imports"),
    path("templat-roster.xlsx", views.roster_template_download, name="import-template"),
    path("templat-bpjs.xlsx", views.bpjs_template_download, name="import-template-bpjs"),
    path("format/", views.formats, name="import-formats"),
    path("<int:pk>/", views.detail, name="import-detail"),
    path("<int:pk>/progres/", views.progress, name="import-progress"),
    path("<int:pk>/pemetaan/", views.mapping, name="import-mapping"),
    path("<int:pk>/simpan/", views.commit, name="import-commit"),
    path("<int:pk>/coba-lagi/", views.retry, name="import-retry"),
    path("<int:pk>/batalkan/", views.undo, name="import-undo"),
    path("<int:pk>/ditolak.xlsx", views.rejected_download, name="import-rejected"),
]
