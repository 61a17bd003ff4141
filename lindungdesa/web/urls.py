from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from lindungdesa.accounts.views import LoginView

from . import views


class RegionCodeConverter:
    """Kemendagri codes: "61", "61.03", "61.03.01", "61.03.01.2001"."""

    regex = r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegionCodeConverter, "region")

urlpatterns = [
    path("masuk/", LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("wilayah/<region:code>/", views.region, name="region"),
]
