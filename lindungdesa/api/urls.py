"""The API: one small module per subject, each with its own URL patterns.

Adding a subject (budget, cases) is a module with its views and a line in MODULES.
"""

from django.urls import path

import lindungdesa.regions.converters  # noqa: F401  (registers the `region` converter)

from . import budget, docs, enrolments, imports, indicators, monev, people, regions
from .schema import SchemaView

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", docs.api_docs, name="api-docs"),
    path("regions/", regions.RegionList.as_view(), name="api-regions"),
    path("regions/<region:code>/", regions.RegionDetail.as_view(), name="api-region"),
    path("people/", people.PersonList.as_view(), name="api-people"),
    path("people/<int:pk>/", people.PersonDetail.as_view(), name="api-person"),
    path("positions/", people.PositionList.as_view(), name="api-positions"),
    path("positions/appoint/", people.PositionCreate.as_view(), name="api-position-appoint"),
    path("positions/<int:pk>/", people.PositionDetail.as_view(), name="api-position"),
    path("positions/<int:pk>/end/", people.PositionEnd.as_view(), name="api-position-end"),
    path("enrolments/", enrolments.EnrolmentList.as_view(), name="api-enrolments"),
    path("enrolments/<int:pk>/", enrolments.EnrolmentDetail.as_view(), name="api-enrolment"),
    path("indicators/<region:code>/", indicators.Indicators.as_view(), name="api-indicators"),
    path("snapshots/", indicators.SnapshotList.as_view(), name="api-snapshots"),
    path(
        "snapshots/<str:period>/figures/", indicators.SnapshotFigures.as_view(), name="api-snapshot-figures"
    ),
    path("targets/", indicators.TargetList.as_view(), name="api-targets"),
    path("targets/set/", indicators.TargetSet.as_view(), name="api-target-set"),
    path("imports/", imports.BatchList.as_view(), name="api-imports"),
    path("imports/upload/", imports.BatchUpload.as_view(), name="api-import-upload"),
    path("imports/<int:pk>/", imports.BatchDetail.as_view(), name="api-import"),
    path("imports/<int:pk>/rejected/", imports.RejectedList.as_view(), name="api-import-rejected"),
    path("imports/<int:pk>/commit/", imports.BatchCommit.as_view(), name="api-import-commit"),
    path("budget/<region:code>/", budget.Budget.as_view(), name="api-budget"),
    path("rounds/", monev.RoundList.as_view(), name="api-rounds"),
    path("cases/", monev.CaseList.as_view(), name="api-cases"),
    path("cases/<int:pk>/", monev.CaseDetail.as_view(), name="api-case"),
    path("cases/<int:pk>/move/", monev.CaseMove.as_view(), name="api-case-move"),
]
