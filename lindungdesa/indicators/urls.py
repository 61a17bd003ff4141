from django.urls import path

import lindungdesa.regions.converters  # noqa: F401  (registers <region:code>)

from . import views

urlpatterns = [
    path("wilayah/<region:code>/peta.json", views.region_map, name="region-map"),
    path("wilayah/<region:code>/batas.json", views.region_boundaries, name="region-boundaries"),
    path("wilayah/<region:code>/tindak-lanjut/", views.worklist, name="worklist"),
    path("target/", views.targets, name="targets"),
    path("ucj/", views.ucj, name="ucj"),
    path("ucj/templat.csv", views.ucj_template, name="ucj-template"),
    path("potret/", views.snapshots, name="snapshots"),
    path("potret/progres/", views.snapshot_status, name="snapshot-status"),
]
