from django.urls import path

# Importing the web URLs registers the `region` converter (Kemendagri codes) used here too.
from lindungdesa.web import urls as _web_urls  # noqa: F401

from . import views

urlpatterns = [
    path("", views.budget_home, name="budget-home"),
    path("aturan/", views.rules, name="budget-rules"),
    path("ditetapkan/<int:pk>.<str:fmt>", views.stored_download, name="budget-stored-download"),
    path("<region:code>/", views.budget_region, name="budget"),
    path("<region:code>/anggaran.<str:fmt>", views.budget_download, name="budget-download"),
    path("<region:code>/tetapkan/", views.budget_adopt, name="budget-adopt"),
    path("<region:code>/pengaturan/", views.regency_settings, name="budget-settings"),
]
