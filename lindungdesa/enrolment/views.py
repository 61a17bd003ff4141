"""Reconciliation pages: who serves but is not protected, and what the two sides disagree on."""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
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

from lindungdesa.accounts.downloads import personal_download
from lindungdesa.accounts.permissions import (
    ENROLMENT_EDIT,
    PERSONAL_EXPORT,
    PERSONAL_VIEW,
    RECONCILE_VIEW,
    can,
    require,
)
from lindungdesa.accounts.scope import home_region, region_for_user
from lindungdesa.imports import exports
from lindungdesa.indicators.versioned import data_version_key
from lindungdesa.lib.months import Month
from lindungdesa.lib.nik import nik_mask
from lindungdesa.web import kept
from lindungdesa.web.forms import RegionPageForm

from .reconcile import (
    Finding,
    data_differences,
    enrolled_not_serving,
    match_confirm,
    match_refuse,
    open_proposals_in,
    page_lists,
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


# The page reads them together (reconcile.page_lists).
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
    personal = can(request.user, PERSONAL_VIEW)

    @functools.cache
    def sections() -> list[dict]:
        # The lists' ids are kept between requests (page_lists); objects only for the rows shown.
        found = page_lists(region.code, period, SHOWN)
        return [
            {
                "list": i,
                "count": f.count,
                "rows": _shown(f.rows if personal else withhold_birth_dates(f.rows)),
            }
            for i, f in zip(LISTS, found, strict=True)
        ]

    proposals = open_proposals_in(region.code)
    ctx = {
        # Birth dates (match proposals) and the proposals' download only for roles with personal.view.
        "personal": personal,
        "may_download": can(request.user, PERSONAL_EXPORT, region.code),
        "region": region,
        "period": period,
        "period_errors": errors,
        "period_choices": form.period_choices(period),
        "period_param": period_param,
        "query": f"?{urlencode({'periode': period_param})}" if period_param else "",
        # The lists are kept rendered in this process's memory per reader's role and region, address,
        # language, day and the province's data version (web/kept.py): read and rendered only when they are
        # not (the template calls `sections` inside its kept parts). The match proposals are not kept: a
        # refusal moves no data version.
        "sections": sections,
        **kept.kept_context(request, data_version_key(region.code)),
        "proposals": list(proposals[:SHOWN]),
        "proposal_count": proposals.count(),
        "proposals_name": PROPOSALS,
        "shown": SHOWN,
        "breadcrumbs": [
            {"region": r, "link": request.user.can_see_region(r.code)} for r in region.ancestors()
        ],
        "section": "rekonsiliasi",
    }
    return kept.fill_csrf(request, render(request, "reconcile/reconcile.html", ctx))


@login_required
@require_safe
def reconcile_download(request: HttpRequest, code: str, name: str) -> HttpResponse:
    require(request.user, RECONCILE_VIEW, code)
    item = next((i for i in LISTS if i.name == name), None)
    if item is None and name != PROPOSALS:
        raise Http404(_("Daftar tidak dikenal."))
    title = str(item.title) if item else _("Usulan pencocokan")
    # Match proposals exist to compare birth dates: they are not masked, so only for personal.view.
    download = personal_download(request, code, f"{_('Rekonsiliasi')}: {title}", whole=item is None)
    region = region_for_user(request.user, code)
    period, _form, _errors = _period(request)
    if item is None:
        rows = list(open_proposals_in(region.code))
        content = exports.proposals_xlsx(rows, personal=True)
    else:
        rows = item.find(region.code, period)
        if download.masked:
            rows = withhold_birth_dates(rows)
        content = exports.findings_xlsx(title, rows, personal=not download.masked)
    return download.respond(
        content,
        file_name=f"rekonsiliasi-{region.code}-{period}-{name}.xlsx",
        content_type=exports.XLSX_CONTENT_TYPE,
        rows=len(rows),
    )


# "tanggal lahir di BPJS: 12-04-1975" in a finding's detail (reconcile.data_differences).
_BIRTH_DATE_NOTE = re.compile(r"tanggal lahir di BPJS: [^;]*")


def _shown(findings: list[Finding]) -> list[dict]:
    """The findings as reconcile/_findings.html shows them: plain values, the NIK masked, one link per desa.
    The template engine finds a dict's keys at once, where each attribute of an object costs it a failed
    item lookup first; with a link reversed per row, that was two thirds of rendering the page's 200-400
    rows (docs/benchmarks.md, "Saturation, second pass")."""
    links: dict[str, str] = {}
    rows = []
    for f in findings:
        if f.desa_code not in links:
            links[f.desa_code] = reverse("region", args=[f.desa_code])
        rows.append(
            {
                "name": f.person.name,
                "nik": nik_mask(f.person.nik),
                "desa_link": links[f.desa_code],
                "desa_name": f.desa_name,
                "office": f.office,
                "detail": f.detail,
            }
        )
    return rows


def withhold_birth_dates(findings: list[Finding]) -> list[Finding]:
    """The findings as a role without personal.view may see them: a birth date beside the desa and the last
    digits of a NIK gives the NIK back (lib/pii.py), so a differing one is only said to differ."""
    return [
        replace(f, detail=_BIRTH_DATE_NOTE.sub(_("tanggal lahir di BPJS berbeda"), f.detail))
        if f.detail
        else f
        for f in findings
    ]


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
