"""Monev pages: rounds, the queue with bulk actions, a case from new to closed, letters, approval."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lindungdesa.accounts.downloads import common_region, personal_download
from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import (
    CASE_ASSIGN,
    CASE_EDIT,
    CASE_LETTER,
    MONEV_CONFIRM,
    MONEV_MANAGE,
    PERSONAL_EXPORT,
    can,
    require,
)
from lindungdesa.accounts.scope import scope_q
from lindungdesa.indicators.selectors import serving_without_nik
from lindungdesa.indicators.views import user_province
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region
from lindungdesa.web.templatetags.lindung import angka

from . import rules
from .exports import round_report_xlsx
from .forms import AssignForm, BulkForm, MoveForm, QueueFilter, RoundOpenForm, agency_serves
from .letters import letters_file, whatsapp_link, whatsapp_text
from .models import Case, CaseAttachment, Round
from .selectors import cases_for, note_for, queue_for, round_report_kept, rounds_for
from .services import (
    ATTACHMENT_TYPES,
    MonevError,
    case_move,
    cases_assign,
    cases_move_bulk,
    letters_number,
    regencies_to_confirm,
    round_accept,
    round_confirm_regency,
    round_open,
    round_refreeze,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
# Each letter takes time to lay out (docs/benchmarks.md); a page request should not run for minutes.
MAX_LETTERS_PER_FILE = 200
QUEUE_ID = "antrean-kasus"


def _round_for(user: User, pk: int) -> Round:
    round_ = rounds_for(user).filter(pk=pk).select_related("province", "snapshot").first()
    if round_ is None:
        raise Http404(_("Putaran tidak ditemukan."))
    return round_


def _case_for(user: User, pk: int) -> Case:
    case = cases_for(user).filter(pk=pk).select_related("round", "round__province", "desa", "agency").first()
    if case is None:
        raise Http404(_("Kasus tidak ditemukan."))
    return case


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rounds(request: HttpRequest) -> HttpResponse:
    form = RoundOpenForm()
    if request.method == "POST":
        require(request.user, MONEV_MANAGE)
        form = RoundOpenForm(request.POST)
        province = user_province(request.user)
        if form.is_valid() and province is not None:
            try:
                round_ = round_open(
                    province=province,
                    period=form.cleaned_data["period"],
                    criteria=form.cleaned_data["criteria"],
                    threshold=form.cleaned_data["threshold"],
                    user=request.user,
                )
            except MonevError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Putaran %(period)s dibuka: %(n)s kasus.")
                    % {"period": round_.period, "n": angka(round_.cases.count())},
                )
                return redirect("monev-round", pk=round_.pk)
    # Each round counts the cases the user can open from it: those in the user's region.
    listed = (
        rounds_for(request.user)
        .select_related("province", "opened_by", "accepted_by")
        .annotate(case_count=Count("cases", filter=scope_q(request.user, "cases__desa__code")))
    )
    return render(
        request,
        "monev/rounds.html",
        {"rounds": listed, "form": form, "may_open": can(request.user, MONEV_MANAGE), "section": "monev"},
    )


def _report_region(user, round_: Round) -> str:
    """The region whose rows of the round report `user` sees: its own inside the round's province."""
    own = user.region_id or ""
    return own if own.startswith(round_.province_id + ".") else round_.province_id


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request.user, pk)
    today = timezone.localdate()
    if request.method == "POST":
        return _bulk(request, round_)
    scope = cases_for(request.user).filter(round=round_)
    filters = QueueFilter(request.GET, round_=round_, user=request.user)
    queue = filters.apply(queue_for(request.user, round_) if filters.mine() else scope, today=today)
    page = Paginator(queue.select_related("desa", "agency", "assignee").order_by("due_date", "desa_id"), 100)
    page_obj = page.get_page(request.GET.get("halaman"))
    # The queue's address without the checked cases, for htmx to ask for its table again once the letters
    # are downloaded, with the cases still checked (templates/monev/_queue.html).
    shown = request.GET.copy()
    checked = {int(case) for case in shown.pop("cases", []) if case.isdigit()}
    table = {
        "page": page_obj,
        "may_edit": can(request.user, CASE_EDIT) and page.count > 0,
        "today": today,
        "checked": checked,
        "queue_url": f"{request.path}?{shown.urlencode()}" if shown else request.path,
        "queue_id": QUEUE_ID,
    }
    if request.htmx and request.htmx.target == QUEUE_ID and not request.htmx.history_restore_request:
        return _vary(render(request, "monev/_queue.html", table))
    by_state = {state: 0 for state in rules.STATES}
    overdue = 0
    for state, due in scope.values_list("state", "due_date"):
        by_state[state] += 1
        overdue += rules.is_overdue(state, due, today)
    # Only the rows the user may see are shown: "now" is counted for the user's own region alone.
    report = [
        r
        for r in round_report_kept(round_, today=today, region=_report_region(request.user, round_))
        if request.user.can_see_region(r.code)
    ]
    confirmations = {c.regency_id: c for c in round_.confirmations.select_related("confirmed_by")}
    to_confirm = [
        (r, confirmations.get(r.code))
        for r in regencies_to_confirm(round_)
        if request.user.can_see_region(r.code)
    ]
    response = render(
        request,
        "monev/round.html",
        {
            "round": round_,
            "states": rules.STATES,
            "by_state": [(rules.STATES[s], s, n) for s, n in by_state.items()],
            "total": sum(by_state.values()),
            "overdue": overdue,
            **table,
            "filters": filters,
            "bulk": BulkForm(user=request.user, round_=round_),
            "report": report,
            "to_confirm": to_confirm,
            "all_confirmed": all(c is not None for _, c in to_confirm),
            "unconfirmed": sum(1 for _, c in to_confirm if c is None),
            "may_accept": can(request.user, MONEV_MANAGE) and round_.state == Round.State.OPEN,
            "may_refreeze": can(request.user, MONEV_MANAGE) and round_.state == Round.State.OPEN,
            "may_confirm": can(request.user, MONEV_CONFIRM) and round_.state == Round.State.OPEN,
            # Regencies to filter by: only for users who see more than one.
            "many_regencies": len(to_confirm) > 1,
            "may_assign": can(request.user, CASE_ASSIGN),
            "section": "monev",
            # Serving without a NIK in the user's part of the province: counted in the figures like anyone.
            "without_nik": serving_without_nik(
                request.user.region_id or round_.province_id, Month.parse(round_.evaluated_month)
            ),
        },
    )
    return _vary(response)


def _vary(response: HttpResponse) -> HttpResponse:
    """The queue's address answers with the whole page or only its table: caches must keep them apart."""
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _bulk(request: HttpRequest, round_: Round) -> HttpResponse:
    require(request.user, CASE_EDIT)
    form = BulkForm(request.POST, user=request.user, round_=round_)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("monev-round", pk=round_.pk)
    action = form.cleaned_data["action"]
    # Each action asks for its own right (the form offers only those the role holds).
    require(request.user, BulkForm.RIGHTS[action])
    ids = form.cleaned_data["cases"]
    cases = list(cases_for(request.user).filter(round=round_, pk__in=ids).select_related("round", "desa"))
    if action == "surat":
        if not cases:
            messages.error(request, _("Pilih kasus yang akan disurati."))
            return redirect("monev-round", pk=round_.pk)
        download = personal_download(
            request, common_region([c.desa_id for c in cases]), _("Surat monev (nama yang belum terlindungi)")
        )
        if len(cases) > MAX_LETTERS_PER_FILE:
            messages.error(
                request,
                _(
                    "Paling banyak %(most)s surat sekali unduh (dipilih %(chosen)s). Saring per kabupaten, "
                    "atau cetak semuanya dengan perintah: lindungdesa monev letters --round %(round)s "
                    "--out surat.pdf"
                )
                % {"most": MAX_LETTERS_PER_FILE, "chosen": len(cases), "round": round_.pk},
            )
            return redirect("monev-round", pk=round_.pk)
        # A POST with its CSRF token by a letter sender: the letters without a number are given one.
        letters = letters_file(cases, number=True)
        name = f"surat-monev-{round_.period}-{len(cases)}-desa.pdf"
        return download.respond(letters.pdf, file_name=name, content_type=PDF, rows=letters.named)
    if action == "tugaskan":
        agency = form.cleaned_data["agency"]
        # A regency's DPMD takes only its own regency's cases (the case page offers no other).
        served = [case for case in cases if agency_serves(agency, case.desa_id)]
        cases_assign(cases=served, agency=agency, user=request.user)
        messages.success(
            request, _("%(n)s kasus ditugaskan ke %(agency)s.") % {"n": len(served), "agency": agency}
        )
        if len(served) < len(cases):
            messages.error(
                request,
                _("%(n)s kasus tidak ditugaskan: %(agency)s hanya menindaklanjuti desa di wilayahnya.")
                % {"n": len(cases) - len(served), "agency": agency},
            )
        return redirect("monev-round", pk=round_.pk)
    target = form.cleaned_data["to_state"]
    if not rules.role_may_move(request.user.role, target):
        raise PermissionDenied(_("Peran Anda tidak dapat memindahkan kasus ke status itu."))
    result = cases_move_bulk(cases=cases, to_state=target, user=request.user, note=form.cleaned_data["note"])
    messages.success(
        request, _("%(n)s kasus menjadi %(state)s.") % {"n": result.moved, "state": rules.STATES[target]}
    )
    for case, reason in result.refused[:20]:
        messages.error(request, _("%(desa)s: %(reason)s") % {"desa": case.desa.name, "reason": reason})
    if len(result.refused) > 20:
        messages.error(
            request,
            _("… dan %(n)s kasus lain ditolak dengan alasan yang sama.") % {"n": len(result.refused) - 20},
        )
    return redirect("monev-round", pk=round_.pk)


@login_required
@require_safe
def round_report_download(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request.user, pk)
    today = timezone.localdate()
    report = [
        r
        for r in round_report_kept(round_, today=today, region=_report_region(request.user, round_))
        if request.user.can_see_region(r.code)
    ]
    response = HttpResponse(round_report_xlsx(round_, report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="laporan-monev-{round_.period}.xlsx"'
    return response


@login_required
@require_POST
def round_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request.user, pk)
    code = request.POST.get("kabupaten", "")
    regency = Region.objects.filter(code=code, parent_id=round_.province_id).first()
    # Each regency confirms its own figures: the regency's own users (or a national administrator).
    require(request.user, MONEV_CONFIRM)
    if regency is None:
        messages.error(request, _("Pilih kabupaten/kota yang mengonfirmasi angkanya."))
        return redirect("monev-round", pk=round_.pk)
    if not (request.user.region_id == regency.code or request.user.region_id is None):
        raise PermissionDenied(_("Angka kabupaten/kota dikonfirmasi oleh kabupaten/kota itu sendiri."))
    try:
        round_confirm_regency(
            round_=round_, regency=regency, user=request.user, note=request.POST.get("catatan", "")
        )
    except MonevError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Angka %(regency)s dikonfirmasi.") % {"regency": regency.name})
    return redirect("monev-round", pk=round_.pk)


@login_required
@require_POST
def round_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request.user, pk)
    require(request.user, MONEV_MANAGE)
    try:
        round_accept(round_=round_, user=request.user)
    except MonevError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Angka putaran diterima dan dikunci untuk laporan Kemendagri."))
    return redirect("monev-round", pk=round_.pk)


@login_required
@require_POST
def round_refreeze_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request.user, pk)
    require(request.user, MONEV_MANAGE)
    try:
        round_refreeze(round_=round_, user=request.user)
    except MonevError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Angka putaran diambil ulang; konfirmasi kabupaten/kota perlu diulang."))
    return redirect("monev-round", pk=round_.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request.user, pk)
    user = request.user
    move = MoveForm(state=case.state, user=user)
    assign = AssignForm(case=case)
    form_name = request.POST.get("form", "") if request.method == "POST" else ""
    if request.method == "POST":
        action = {"tugaskan": CASE_ASSIGN, "nomor-surat": CASE_LETTER}.get(form_name, CASE_EDIT)
        require(user, action, case.desa_id)
    if form_name == "nomor-surat":
        if case.letter_number:
            messages.error(
                request, _("Surat kasus ini sudah bernomor %(number)s.") % {"number": case.letter_number}
            )
        else:
            [case] = letters_number(cases=[case])
            messages.success(
                request,
                _("Surat diberi nomor %(number)s; unduh untuk mencetaknya.") % {"number": case.letter_number},
            )
        return redirect("monev-case", pk=case.pk)
    if form_name == "tugaskan":
        assign = AssignForm(request.POST, case=case)
        if assign.is_valid():
            try:
                cases_assign(
                    cases=[case],
                    agency=assign.cleaned_data["agency"],
                    assignee=assign.cleaned_data["assignee"],
                    user=request.user,
                )
            except MonevError as exc:
                assign.add_error(None, str(exc))
            else:
                messages.success(request, _("Penugasan disimpan."))
                return redirect("monev-case", pk=case.pk)
    elif request.method == "POST":
        move = MoveForm(request.POST, request.FILES, state=case.state, user=request.user)
        if move.is_valid():
            target = move.cleaned_data["to_state"]
            if not rules.role_may_move(request.user.role, target):
                raise PermissionDenied(_("Peran Anda tidak dapat memindahkan kasus ke status itu."))
            try:
                case_move(
                    case=case,
                    to_state=target,
                    user=request.user,
                    note=move.cleaned_data["note"],
                    attachments=request.FILES.getlist("lampiran"),
                )
            except MonevError as exc:
                move.add_error(None, str(exc))
            else:
                messages.success(request, _("Kasus menjadi %(state)s.") % {"state": rules.STATES[target]})
                return redirect("monev-case", pk=case.pk)
    may_edit = can(user, CASE_EDIT, case.desa_id)
    may_download = can(user, PERSONAL_EXPORT, case.desa_id)
    text = whatsapp_text(case) if may_edit else ""
    events = [
        {
            "event": e,
            "note": note_for(user, case, e.note, e.user_id, page=True),
            "evidence": note_for(user, case, e.evidence, e.user_id, page=True),
            # Attachments are signed letters and budget pages: person-level files (accounts/downloads.py).
            "attachments": list(e.attachments.all()) if may_download else [],
            "attachments_hidden": len(e.attachments.all()) if not may_download else 0,
        }
        for e in case.events.select_related("user").prefetch_related("attachments")
    ]
    return render(
        request,
        "monev/case.html",
        {
            "case": case,
            "events": events,
            "move": move,
            "assign": assign,
            "may_edit": may_edit,
            "may_assign": can(user, CASE_ASSIGN, case.desa_id),
            "may_number": can(user, CASE_LETTER, case.desa_id) and not case.letter_number,
            "may_download": may_download,
            "attachment_accept": ",".join(ATTACHMENT_TYPES),
            "whatsapp": text,
            "whatsapp_link": whatsapp_link(text) if text else "",
            "overdue": rules.is_overdue(case.state, case.due_date, timezone.localdate()),
            "figures": case.figures,
            "section": "monev",
        },
    )


@login_required
@require_safe
def case_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's letter as it stands: numbered if a letter sender gave it its number (a POST on the case
    page), else a draft. A GET changes nothing, so a link or an <img> elsewhere cannot number letters."""
    case = _case_for(request.user, pk)
    # The letter names the officials not yet protected: a person-level download.
    download = personal_download(request, case.desa_id, _("Surat monev (nama yang belum terlindungi)"))
    letters = letters_file([case], number=False)
    name = f"surat-monev-{case.round.period}-{case.desa_id}{'' if case.letter_number else '-draf'}.pdf"
    return download.respond(letters.pdf, file_name=name, content_type=PDF, rows=letters.named)


@login_required
@require_safe
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(CaseAttachment.objects.select_related("event__case"), pk=pk)
    case = _case_for(request.user, item.event.case_id)  # 404 outside the user's region
    download = personal_download(request, case.desa_id, _("Lampiran kasus monev"))
    download.record(file_name=item.name, rows=None)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
