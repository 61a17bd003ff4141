from django.urls import path

from . import views

urlpatterns = [
    path("", views.rounds, name="monev-rounds"),
    path("<int:pk>/", views.round_detail, name="monev-round"),
    path("<int:pk>/laporan.xlsx", views.round_report_download, name="monev-round-report"),
    path("<int:pk>/konfirmasi/", views.round_confirm, name="monev-round-confirm"),
    path("<int:pk>/terima/", views.round_accept_view, name="monev-round-accept"),
    path("<int:pk>/ambil-ulang/", views.round_refreeze_view, name="monev-round-refreeze"),
    path("kasus/<int:pk>/", views.case_detail, name="monev-case"),
    path("kasus/<int:pk>/surat.pdf", views.case_letter, name="monev-case-letter"),
    path("lampiran/<int:pk>/", views.attachment, name="monev-attachment"),
]
