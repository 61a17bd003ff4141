from django.urls import path

# Importing the web URLs registers the `region` converter (Kemendagri codes) used here too.
from lindungdesa.web import urls as _web_urls  # noqa: F401

from . import views

urlpatterns = [
    path("", views.reconcile_home, name="reconcile-home"),
    path("<region:code>/", views.reconcile, name="reconcile"),
    path("<region:code>/<slug:name>.xlsx", views.reconcile_download, name="reconcile-download"),
    path("<region:code>/usulan/<int:pk>/konfirmasi/", views.proposal_confirm, name="proposal-confirm"),
    path("<region:code>/usulan/<int:pk>/tolak/", views.proposal_refuse, name="proposal-refuse"),
]
