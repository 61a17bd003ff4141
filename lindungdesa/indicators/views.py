"""Pages of progress towards the targets: map data, where to act, targets, UCJ figures, snapshots."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import SNAPSHOT_TAKE, TARGET_EDIT, UCJ_EDIT, can, require
from lindungdesa.accounts.scope import region_for_user, scope_q, scoped
from lindungdesa.imports.selectors import batches_for
from lindungdesa.lib.cells import csv_writer
from lindungdesa.lib.months import Month
from lindungdesa.regions.boundaries import ATTRIBUTION, feature_collection_json
from lindungdesa.regions.models import Region, desa_places
from lindungdesa.web.views import Crumb, breadcrumbs

from . import charts, worklists
from .dashboard import map_value, page_dashboard
from .exports import worklist_xlsx
from .forms import SnapshotForm, TargetForm, UcjForm, UcjUploadForm, WorklistForm
from .models import Snapshot, Target, TargetChange, UcjFigure
from .selectors import desa_figures
from .services import data_version, target_set, ucj_import_file, ucj_set
from .tasks import snapshot_progress, snapshot_run

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def this_month() -> Month:
    return Month.of(timezone.localdate())


def _period(request: HttpRequest) -> Month:
    """The ?periode= of the request; this month when absent, wrong or in the future."""
    try:
        period = Month.parse(request.GET.get("periode", ""))
    except ValueError:
        return this_month()
    return min(period, this_month())


def may_enter_ucj(user: User, region_code: str) -> bool:
    return can(user, UCJ_EDIT, region_code)


def user_province(user: User) -> Region | None:
    if user.region_id:
        return Region.objects.filter(code=user.region_id[:2]).first()
    provinces = list(Region.objects.filter(level=1)[:2])
    return provinces[0] if len(provinces) == 1 else None


def target_regions(user: User):
    """The province and regencies whose targets and UCJ figures the user reads: those in its region, and
    the province and regency above it (aggregates, read-only): what a regency or desa is held to."""
    own = user.region_id or ""
    above = [code for code in {own[:2], own[:5]} if code and code != own and len(code) in (2, 5)]
    scope = scope_q(user)
    if scope and above:  # an empty Q() (a national user) is everything: OR-ing it keeps only the right side
        scope = scope | Q(code__in=above)
    return Region.objects.filter(level__lte=2).filter(scope).order_by("code")


# Map ------------------------------------------------------------------------------------------------------


@login_required
@require_safe
@cache_control(private=True, max_age=86400)
def region_boundaries(request: HttpRequest, code: str) -> HttpResponse:
    """The shapes of a region's children: they change with the boundary files only, so browsers keep them."""
    region = region_for_user(request.user, code)
    return HttpResponse(feature_collection_json(region.code), content_type="application/json")


@login_required
@require_safe
def region_map(request: HttpRequest, code: str) -> JsonResponse:
    """The figures of a region's children for the map (aggregates only), keyed by region code."""
    region = region_for_user(request.user, code)
    period = _period(request)
    dash = page_dashboard(region, period)
    params = f"?periode={period}"
    figures = {}
    for child, totals, progress in dash.child_rows():
        ucj = progress.get("ucj")
        figures[child.code] = {
            "name": child.name,
            "url": reverse("region", args=[child.code]) + params,
            "aparat": totals.aparat_coverage_pct,
            "bpd": totals.bpd_coverage_pct,
            "desa": totals.villages_registered_pct,
            "ucj": map_value("ucj", totals, progress),
            "ucj_year": ucj.value_year if ucj else None,
            "villages": totals.villages,
            "villages_unregistered": totals.villages_unregistered,
            "aparat_protected": totals.aparat_protected,
            "aparat_serving": totals.aparat_serving,
            "bpd_protected": totals.bpd_protected,
            "bpd_serving": totals.bpd_serving,
        }
    return JsonResponse(
        {
            "period": str(period),
            "figures": figures,
            "classes": [{"from": b, "colour": c, "label": label} for b, c, label in charts.CLASSES],
            "no_data": charts.NO_DATA[0],
            "attribution": ATTRIBUTION,
        }
    )


# Where to act ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def worklist(request: HttpRequest, code: str) -> HttpResponse:
    region = region_for_user(request.user, code)
    if region.level == 4:
        return redirect("region", code=code)
    form = WorklistForm(request.GET, current=this_month())
    choice = form.choice()
    now, snapshot = desa_figures(region, choice.period)
    before, _s = desa_figures(region, choice.period.add(-1)) if choice.kind == worklists.FELL else ({}, None)
    rows = worklists.worklist(now, before, kind=choice.kind, which=choice.which, threshold=choice.threshold)
    names = desa_places([r.code for r in rows])
    if choice.format in ("xlsx", "csv"):
        return _worklist_download(region, choice, rows, names)
    page_rows = rows[: choice.limit]
    return render(
        request,
        "indicators/worklist.html",
        {
            "region": region,
            "form": form,
            "choice": choice,
            "kinds": worklists.KINDS,
            "measures": worklists.MEASURES,
            "rows": [(r, names.get(r.code)) for r in page_rows],
            "count": len(rows),
            "shown": len(page_rows),
            "villages": len(now),
            "snapshot": snapshot,
            "period_choices": form.period_choices(choice.period),
            "breadcrumbs": breadcrumbs(request.user, region) + [Crumb(region, True)],
        },
    )


def _worklist_download(region: Region, choice, rows, names) -> HttpResponse:
    title = worklists.KINDS[choice.kind]
    header, lines = worklists_table(choice, rows, names)
    stem = f"tindak-lanjut-{choice.kind}-{region.code}-{choice.period}"
    if choice.format == "csv":
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        writer.writerow(header)
        writer.writerows(lines)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    data = worklist_xlsx(title=f"{title} — {region.name}, {choice.period}", header=header, rows=lines)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


def worklists_table(choice, rows, names) -> tuple[list[str], list[list]]:
    header = [
        "kode_desa",
        "desa",
        "kecamatan",
        "kabupaten_kota",
        "aparat_menjabat",
        "aparat_terlindungi",
        "bpd_menjabat",
        "bpd_terlindungi",
        f"cakupan_{choice.which}_persen",
    ]
    if choice.kind == worklists.FELL:
        header += ["cakupan_bulan_lalu_persen", "perubahan_poin"]
    lines = []
    for r in rows:
        desa, kecamatan, kabupaten = names.get(r.code, (r.code, "", ""))
        n = r.now
        line = [
            r.code,
            desa,
            kecamatan,
            kabupaten,
            n.aparat_serving,
            n.aparat_protected,
            n.bpd_serving,
            n.bpd_protected,
            r.coverage,
        ]
        if choice.kind == worklists.FELL:
            line += [r.coverage_before, r.change]
        lines.append(line)
    return header, lines


# Targets --------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def targets(request: HttpRequest) -> HttpResponse:
    province = user_province(request.user)
    regions = target_regions(request.user)
    codes = [r.code for r in regions]
    editable = can(request.user, TARGET_EDIT)
    form = TargetForm(regions=scoped(regions, request.user))
    if request.method == "POST":
        require(request.user, TARGET_EDIT)
        form = TargetForm(request.POST, regions=scoped(regions, request.user))
        if form.is_valid():
            data = form.cleaned_data
            target_set(
                region_code=data["region"],
                indicator=data["indicator"],
                year=data["year"],
                value=data["value"],
                user=request.user,
                note=data["note"],
            )
            if data["value"] is None:
                messages.success(request, _("Target dihapus."))
            else:
                messages.success(request, _("Target disimpan."))
            return redirect("targets")
    rows = Target.objects.filter(region_code__in=codes).order_by("region_code", "indicator", "year")
    names = dict(regions.values_list("code", "name"))
    history = TargetChange.objects.filter(region_code__in=codes).select_related("changed_by")[:100]
    return render(
        request,
        "indicators/targets.html",
        {
            "province": province,
            "targets": [(t, names.get(t.region_code, t.region_code)) for t in rows],
            "history": [(c, names.get(c.region_code, c.region_code)) for c in history],
            "form": form,
            "editable": editable,
            "section": "target",
        },
    )


# UCJ ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ucj(request: HttpRequest) -> HttpResponse:
    regions = target_regions(request.user)
    enterable = [r for r in regions if may_enter_ucj(request.user, r.code)]
    form = UcjForm(regions=enterable)
    upload = UcjUploadForm()
    result = None
    if request.method == "POST":
        if not enterable:
            raise PermissionDenied(_("Anda tidak dapat mengisi angka UCJ."))
        if "berkas" in request.FILES:
            upload = UcjUploadForm(request.POST, request.FILES)
            if upload.is_valid():
                f = upload.cleaned_data["berkas"]
                result = ucj_import_file(
                    data=f.read(),
                    file_name=f.name,
                    user=request.user,
                    allowed=lambda code: may_enter_ucj(request.user, code),
                )
                if result.failed is None and not result.errors:
                    done = _("%(saved)s angka UCJ disimpan, %(unchanged)s tidak berubah.") % {
                        "saved": result.saved,
                        "unchanged": result.unchanged,
                    }
                    if result.skipped:
                        done += " " + _(
                            "%(skipped)s baris dilewati karena penduduk bekerja dan pesertanya kosong."
                        ) % {"skipped": result.skipped}
                    messages.success(request, done)
                    return redirect("ucj")
        else:
            form = UcjForm(request.POST, regions=enterable)
            if form.is_valid():
                data = form.cleaned_data
                ucj_set(
                    region_code=data["region"],
                    year=data["year"],
                    working_population=data["working_population"],
                    participants=data["participants"],
                    numerator=data["numerator"],
                    source=data["source"],
                    user=request.user,
                )
                messages.success(request, _("Angka UCJ disimpan."))
                return redirect("ucj")
    codes = [r.code for r in regions]
    names = dict(regions.values_list("code", "name"))
    figures = (
        UcjFigure.objects.filter(region_code__in=codes)
        .select_related("updated_by")
        .order_by("region_code", "year")
    )
    return render(
        request,
        "indicators/ucj.html",
        {
            "figures": [(f, names.get(f.region_code, f.region_code)) for f in figures],
            "form": form,
            "upload": upload,
            "result": result,
            "enterable": bool(enterable),
            "section": "ucj",
        },
    )


@login_required
@require_safe
def ucj_template(request: HttpRequest) -> HttpResponse:
    regions = scoped(Region.objects.filter(level=2), request.user).order_by("code")
    year = this_month().year
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(
        ["kode_wilayah", "nama_wilayah", "tahun", "penduduk_bekerja", "peserta", "definisi", "sumber"]
    )
    for r in regions:
        writer.writerow([r.code, r.name, year, "", "", "aktif", ""])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="templat-ucj.csv"'
    return response


# Snapshots ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def snapshots(request: HttpRequest) -> HttpResponse:
    form = SnapshotForm(initial={"period": str(this_month())}, current=this_month())
    if request.method == "POST":
        require(request.user, SNAPSHOT_TAKE)
        form = SnapshotForm(request.POST, current=this_month())
        if form.is_valid():
            period = form.cleaned_data["period"]
            result = snapshot_run.enqueue(str(period), request.user.pk)
            if result.is_finished:
                messages.success(request, _("Potret %(period)s selesai dihitung.") % {"period": period})
            else:
                messages.success(
                    request, _("Potret %(period)s sedang dihitung di latar belakang.") % {"period": period}
                )
            return redirect("snapshots")
    version = data_version()
    rows = list(
        Snapshot.objects.filter(kind=Snapshot.Kind.MONTHLY).select_related("made_by").order_by("-period")[:60]
    )
    # A snapshot is the whole country's, its imports are not: only those the reader may open are named (a
    # file name is user text, often a desa's or a person's name, and the link would be a 404).
    visible = set(
        batches_for(request.user)
        .filter(pk__in={b["id"] for s in rows for b in s.batches})
        .values_list("pk", flat=True)
    )
    for s in rows:
        s.batches = [b for b in s.batches if b["id"] in visible]
    return render(
        request,
        "indicators/snapshots.html",
        {
            "snapshots": [(s, s.data_version == version) for s in rows],
            "form": form,
            "editable": can(request.user, SNAPSHOT_TAKE),
            "running": snapshot_progress(),
            "section": "potret",
        },
    )


@login_required
@require_safe
def snapshot_status(request: HttpRequest) -> HttpResponse:
    """The progress line of a running snapshot, polled by htmx; a 286 stops the polling."""
    running = snapshot_progress()
    response = render(request, "indicators/_snapshot_progress.html", {"running": running})
    if running is None:
        response.status_code = 286
    return response
