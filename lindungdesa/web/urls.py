from django.contrib.auth import views as auth_views
from django.urls import path

import lindungdesa.regions.converters  # noqa: F401  (registers <region:code>)
from lindungdesa.accounts.views import LoginView

from . import registry, views

urlpatterns = [
    path("masuk/", LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("wilayah/<region:code>/", views.region, name="region"),
    path("wilayah/<region:code>/aparat/tambah/", registry.official_add, name="official-add"),
    path("jabatan/<int:pk>/akhiri/", registry.position_end_page, name="position-end"),
    path("jabatan/<int:pk>/ubah/", registry.position_correct_page, name="position-correct"),
    path("jabatan/<int:pk>/ganti/", registry.position_replace_page, name="position-replace"),
    path("orang/<int:pk>/", registry.person_page, name="person"),
    path("orang/<int:pk>/ubah/", registry.person_edit, name="person-edit"),
    path("orang/<int:pk>/nik/", registry.person_nik, name="person-nik"),
]
