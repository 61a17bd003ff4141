from django.contrib.auth import views as auth_views
from django.urls import path

import lindungdesa.regions.converters  # noqa: F401  (registers <region:code>)

from . import views

urlpatterns = [
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("wilayah/<region:code>/", views.region, name="region"),
]
