from django.contrib.auth import views as auth_views
from django.urls import path

import lindungdesa.regions.converters  # noqa: F401  (registers <region:code>)
from lindungdesa.accounts.views import LoginView

from . import views

urlpatterns = [
    path("masuk/", LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("wilayah/<region:code>/", views.region, name="region"),
]
