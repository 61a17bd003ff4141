"""Reconciliation pages: who serves but is not protected, and what the two sides disagree on."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from lindungdesa.accounts import audit
from lindungdesa.accounts.permissions import ENROLMENT_EDIT, PERSONAL_EXPORT, RECONCILE_VIEW, can, require
from lindungdesa.accounts.scope import home_region, region_for_user
from lindungdesa.imports import exports
from lindungdesa.lib.months import Month
from lindungdesa.lib.nik import nik_mask
from lindungdesa.web.forms import RegionPageForm

from .reconcile import (
    Finding,
    data_differences,
    enrolled_not_serving,
    match_confirm,
    match_refuse,
    open_proposals_in,
    proposals_in,
    serving_in_arrears,
    serving_not_enrolled,
)

# Each list shows this many rows on the page; the XLSX download has them all.
SHOWN = 100


@dataclass(frozen=True)
class FindingList:
    name: str  # in the download's address
    title: str
    note: str
    find: Callable[[str, Month], list[Finding]]


LISTS = [
    FindingList(
        "belum-terdaftar",
        gettext_lazy("Menjabat, belum terdaftar BPJS TK"),
        gettext_lazy("Menjabat pada akhir bulan, tanpa kepesertaan yang dimulai sampai saat itu."),
        serving_not_enrolled,
    ),
    FindingList(
        "menunggak",
        gettext_lazy("Menjabat, menunggak atau tidak aktif"),
        gettext_lazy("Terdaftar, tetapi iurannya tidak cukup untuk melindungi pada akhir bulan."),
        serving_in_arrears,
    ),
    FindingList(
        "tidak-menjabat",
        gettext_lazy("Terdaftar, tetapi tidak lagi menjabat"),
        gettext_lazy("Iuran masih dibayar, padahal jabatannya sudah berakhir."),
        enrolled_not_serving,
    ),
    FindingList(
        "data-berbeda",
        gettext_lazy("Data berbeda"),
        gettext_lazy("Nama atau tanggal lahir di data BPJS berbeda dengan daftar aparat dan BPD."),
        data_differences,
    ),
]
PROPOSALS = "usulan"


def _period(request: HttpRequest) -> tuple[Month, RegionPageForm, list[str]]:
    form = RegionPageForm(request.GET, current=Month.of(timezone.localdate()))
    period, _sort, _direction, errors = form.values()
    return period, form, errors


@login_required
@require_safe
def reconcile_home(request: HttpRequest) -> HttpResponse:
    require(request.user, RECONCILE_VIEW)
    region = home_region(request.user)
    if region is None:
        return redirect("home")
    return redirect("reconcile", code=region.code)


@login_required
@require_safe
def reconcile(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, RECONCILE_VIEW, code)
    region = region_for_user(request.user, code)
    period, form, errors = _period(request)
    period_param = str(period) if form.cleaned_data.get("periode") else ""
    sections = []
    for item in LISTS:
        findings = item.find(region.code, period)
        sections.append({"list": item, "count": len(findings), "rows": findings[:SHOWN]})
    proposals = open_proposals_in(region.code)
    ctx = {
        "region": region,
        "period": period,
        "period_errors": errors,
        "period_choices": form.period_choices(period),
        "period_param": period_param,
        "query": f"?{urlencode({'periode': period_param})}" if period_param else "",
        "sections": sections,
        "proposals": list(proposals[:SHOWN]),
        "proposal_count": proposals.count(),
        "proposals_name": PROPOSALS,
        "shown": SHOWN,
        "breadcrumbs": [
            {"region": r, "link": request.user.can_see_region(r.code)} for r in region.ancestors()
        ],
        "section": "rekonsiliasi",
    }
    return render(request, "reconcile/reconcile.html", ctx)


@login_required
@require_safe
def reconcile_download(request: HttpRequest, code: str, name: str) -> HttpResponse:
    require(request.user, RECONCILE_VIEW, code)
    region = region_for_user(request.user, code)
    period, _form, _errors = _period(request)
    personal = can(request.user, PERSONAL_EXPORT, region.code)
    if name == PROPOSALS:
        rows = list(open_proposals_in(region.code))
        title = _("Usulan pencocokan")
        content = exports.proposals_xlsx(rows, personal=personal)
    else:
        item = next((i for i in LISTS if i.name == name), None)
        if item is None:
            raise Http404(_("Daftar tidak dikenal."))
        rows = item.find(region.code, period)
        title = str(item.title)
        content = exports.findings_xlsx(title, rows, personal=personal)
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    file_name = f"rekonsiliasi-{region.code}-{period}-{name}.xlsx"
    audit.record_export(
        user=request.user,
        what=f"{_('Rekonsiliasi')}: {title}",
        file_name=file_name,
        region_code=region.code,
        rows=len(rows),
        masked=not personal,
    )
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _decide(request: HttpRequest, code: str, pk: int, decide: Callable) -> HttpResponse:
    require(request.user, ENROLMENT_EDIT, code)
    region = region_for_user(request.user, code)
    proposal = get_object_or_404(proposals_in(region.code), pk=pk)
    try:
        if decide is match_confirm:
            match_confirm(proposal=proposal, region=request.user.region_id, user=request.user)
        else:
            decide(proposal=proposal, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        name = proposal.enrolment.bpjs_name or nik_mask(proposal.enrolment.nik)
        if decide is match_confirm:
            text = _("%(bpjs)s dicocokkan dengan %(person)s.")
        else:
            text = _("Usulan %(bpjs)s = %(person)s ditolak; tidak akan diusulkan lagi.")
        messages.success(request, text % {"bpjs": name, "person": proposal.person.name})
    url = reverse("reconcile", args=[region.code])
    period = request.POST.get("periode", "")
    return redirect(f"{url}?{urlencode({'periode': period})}#usulan" if period else f"{url}#usulan")


@login_required
@require_POST
def proposal_confirm(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _decide(request, code, pk, match_confirm)


@login_required
@require_POST
def proposal_refuse(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _decide(request, code, pk, match_refuse)
