from django.urls import path

import lindungdesa.regions.converters  # noqa: F401  (registers <region:code>)

from . import public

urlpatterns = [
    path("", public.public_home, name="public-home"),
    path("data.csv", public.open_data_csv, name="public-data-csv"),
    path("data.json", public.open_data_json, name="public-data-json"),
    path("<region:code>/", public.public_region, name="public-region"),
]
