from django.urls import path

from . import views

urlpatterns = [
    path("laporan/kemendagri/", views.kemendagri, name="report-kemendagri"),
]
