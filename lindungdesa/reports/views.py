from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lindungdesa.accounts.permissions import REPORT_KEMENDAGRI, can
from lindungdesa.indicators.forms import WorklistForm
from lindungdesa.indicators.views import this_month, user_province
from lindungdesa.lib.months import Month

from .kemendagri import report_build, report_pdf, report_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_report(user, province_code: str) -> bool:
    # The report covers a whole province: only users whose region is the province (or the country).
    return can(user, REPORT_KEMENDAGRI) and (user.region_id is None or user.region_id == province_code)


@login_required
@require_safe
def kemendagri(request: HttpRequest) -> HttpResponse:
    province = user_province(request.user)
    if province is None or not _may_report(request.user, province.code):
        raise PermissionDenied("Laporan Kemendagri disusun oleh petugas provinsi.")
    current = this_month()
    try:
        period = min(Month.parse(request.GET.get("periode", "")), current)
    except ValueError:
        # The same month as the dashboard opens on: the report says its figures are the dashboard's.
        period = current
    fmt = request.GET.get("format", "")
    if fmt in ("xlsx", "pdf"):
        report = report_build(province_code=province.code, period=period, user=request.user)
        stem = f"laporan-kemendagri-{province.code}-{period}"
        if fmt == "xlsx":
            response = HttpResponse(report_xlsx(report), content_type=XLSX)
        else:
            response = HttpResponse(report_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        return response
    months = WorklistForm(current=current).period_choices(period)
    return render(
        request,
        "reports/kemendagri.html",
        {"province": province, "period": period, "period_choices": months, "section": "laporan"},
    )
