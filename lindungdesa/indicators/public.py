"""The public page and open data: province and kabupaten/kota aggregates, no login, no personal data.

Only counts and percentages of regions down to kabupaten/kota; nothing that names a person, and no import
file names (which people sometimes name after a person).
"""

import io

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from lindungdesa.lib.cells import csv_writer
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region

from .dashboard import page_dashboard
from .models import RegionFigure, Snapshot
from .pagecache import public_page_kept
from .selectors import totals_of

FIELDS = [
    "kode_wilayah",
    "nama_wilayah",
    "tingkat",
    "periode",
    "jumlah_desa",
    "desa_terdaftar",
    "desa_terdaftar_persen",
    "desa_tercakup_penuh",
    "aparat_menjabat",
    "aparat_terlindungi",
    "aparat_persen",
    "bpd_menjabat",
    "bpd_terlindungi",
    "bpd_persen",
]


def _this_month() -> Month:
    return Month.of(timezone.localdate())


@require_safe
@cache_control(public=True, max_age=300)
def public_home(request: HttpRequest) -> HttpResponse:
    provinces = list(Region.objects.filter(level=1).order_by("code"))
    if len(provinces) == 1:
        return redirect("public-region", code=provinces[0].code)
    return render(request, "public/home.html", {"provinces": provinces})


@require_safe
@public_page_kept()  # kept whole for readers not signed in; private for those who are
def public_region(request: HttpRequest, code: str) -> HttpResponse:
    region = Region.objects.filter(code=code, level__lte=2).first()
    if region is None:
        raise Http404("Wilayah tidak ditemukan.")
    period = _this_month()
    dash = page_dashboard(region, period)
    return render(
        request,
        "public/region.html",
        {
            "region": region,
            "parent": region.parent,
            "period": period,
            "dashboard": dash,
            "total": dash.total,
            "progress": dash.own_progress,
            "children": dash.child_rows(),
            "trends": [t.as_dict() for t in dash.trends],
            "links_down": region.level == 1,
        },
    )


def open_data_rows() -> list[dict]:
    """Every province's and kabupaten/kota's figures in every snapshot, oldest first."""
    names = dict(Region.objects.filter(level__lte=2).values_list("code", "name"))
    figures = (
        RegionFigure.objects.filter(level__lte=2, snapshot__kind=Snapshot.Kind.MONTHLY)
        .select_related("snapshot")
        .order_by("snapshot__period", "region_code")
    )
    rows = []
    for f in figures:
        t = totals_of(f)
        rows.append(
            {
                "kode_wilayah": f.region_code,
                "nama_wilayah": names.get(f.region_code, ""),
                "tingkat": "provinsi" if f.level == 1 else "kabupaten/kota",
                "periode": f.snapshot.period,
                "jumlah_desa": t.villages,
                "desa_terdaftar": t.villages_registered,
                "desa_terdaftar_persen": t.villages_registered_pct,
                "desa_tercakup_penuh": t.villages_fully_covered,
                "aparat_menjabat": t.aparat_serving,
                "aparat_terlindungi": t.aparat_protected,
                "aparat_persen": t.aparat_coverage_pct,
                "bpd_menjabat": t.bpd_serving,
                "bpd_terlindungi": t.bpd_protected,
                "bpd_persen": t.bpd_coverage_pct,
            }
        )
    return rows


@require_safe
@cache_control(public=True, max_age=300)
def open_data_csv(request: HttpRequest) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(FIELDS)
    writer.writerows([row[f] for f in FIELDS] for row in open_data_rows())
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lindungdesa-data-terbuka.csv"'
    return response


@require_safe
@cache_control(public=True, max_age=300)
def open_data_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "keterangan": (
                "Angka agregat per provinsi dan kabupaten/kota dari potret bulanan Lindung Desa; "
                "tanpa data pribadi. Definisi: docs/indicators.md."
            ),
            "data": open_data_rows(),
        },
        json_dumps_params={"ensure_ascii": False},
    )
