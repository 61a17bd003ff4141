from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from lindungdesa.accounts.downloads import personal_download
from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import (
    BPJS_IMPORT,
    IMPORT_VIEW,
    PERSONAL_VIEW,
    ROSTER_IMPORT,
    can,
    denied_message,
    require_object,
)
from lindungdesa.accounts.scope import home_region
from lindungdesa.lib.months import Month
from lindungdesa.lib.nik import nik_mask
from lindungdesa.lib.pii import mask_text

from . import exports
from .engine import batch_create
from .formats import (
    BPJS_NOTES,
    BPJS_REFUSED,
    BPJS_WARNED,
    ROSTER_REFUSED,
    ROSTER_WARNED,
    bpjs_described,
    roster_described,
)
from .forms import MappingForm, UploadForm, may_import_bpjs, may_import_roster
from .models import ImportBatch
from .retention import kept_until, undo_expired, undo_expired_message
from .selectors import batches_for, extract_matches, message_masker, sees_names
from .services import (
    UndoRefused,
    batch_commit_preview,
    batch_retry,
    batch_undo,
    change_count,
    handler_for,
    undo_blocked_by,
    undo_refusal,
)
from .tasks import import_batch_run, progress_of
from .template import bpjs_template, roster_template

HISTORY_PAGE_SIZE = 25
# The result page lists this many rejections; the XLSX download has them all.
REJECTED_SHOWN = 200
RUNNING = (ImportBatch.State.PENDING, ImportBatch.State.RUNNING)


def batch_action(kind: str) -> str:
    return BPJS_IMPORT if kind == ImportBatch.Kind.BPJS else ROSTER_IMPORT


def _get_batch_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> ImportBatch:
    batch = get_object_or_404(batches_for(request.user).select_related("uploaded_by", "default_desa"), pk=pk)
    if write and batch.uploaded_by_id != request.user.pk:
        # Changing a batch (saving, undoing, re-mapping) needs the import right where its rows land.
        require_object(request.user, batch_action(batch.kind), batch.scope_code)
    elif write and not can(request.user, batch_action(batch.kind)):
        raise PermissionDenied(denied_message(request.user, batch_action(batch.kind)))
    return batch


def _may_write(user: User, batch: ImportBatch) -> bool:
    action = batch_action(batch.kind)
    if batch.uploaded_by_id == user.pk:
        return can(user, action)
    return can(user, action, batch.scope_code) and bool(batch.scope_code or user.region_id is None)


def _require_import_access(request: HttpRequest) -> None:
    if not can(request.user, IMPORT_VIEW):
        raise PermissionDenied(denied_message(request.user, IMPORT_VIEW))


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "imports/forbidden.html", {"message": message, "section": "impor"}, status=403)


def _xlsx(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _start(batch: ImportBatch) -> None:
    # Runs in `lindungdesa db_worker`; with the immediate backend (tests, TASKS_IMMEDIATE) it runs here.
    import_batch_run.enqueue(batch.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_import_access(request)
    if request.method == "POST":
        if request.POST.get("jenis") == ImportBatch.Kind.BPJS and not may_import_bpjs(user):
            return _forbidden(
                request,
                _(
                    "Operator desa tidak dapat mengimpor ekstrak BPJS Ketenagakerjaan. Ekstrak diimpor oleh "
                    "petugas BPJS TK atau operator kabupaten."
                ),
            )
        if not (may_import_roster(user) or may_import_bpjs(user)):
            raise PermissionDenied(denied_message(user, ROSTER_IMPORT))
        form = UploadForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            upload = form.cleaned_data["berkas"]
            month = form.cleaned_data["bulan"]
            is_bpjs = form.cleaned_data["jenis"] == ImportBatch.Kind.BPJS
            batch = batch_create(
                kind=form.cleaned_data["jenis"],
                data=upload.read(),
                file_name=upload.name,
                user=user,
                scope_code=user.region_id or "",
                default_desa=None if is_bpjs else form.cleaned_data["desa"],
                as_of=month.first_day if is_bpjs else None,
                dry_run=form.cleaned_data["uji_coba"],
                save=True,
            )
            _start(batch)
            return redirect("import-detail", pk=batch.pk)
    else:
        form = UploadForm(user=user)
    page = Paginator(batches_for(user).select_related("uploaded_by"), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
    return render(request, "imports/list.html", {"form": form, "page": page, "section": "impor"})


@login_required
@require_safe
def roster_template_download(request: HttpRequest) -> HttpResponse:
    _require_import_access(request)
    return _xlsx(roster_template(), "templat-roster.xlsx")


@login_required
@require_safe
def bpjs_template_download(request: HttpRequest) -> HttpResponse:
    _require_import_access(request)
    return _xlsx(bpjs_template(), "templat-ekstrak-bpjs.xlsx")


@login_required
@require_safe
def formats(request: HttpRequest) -> HttpResponse:
    """Both import formats, column by column: what a cell may hold, what is refused, what is warned."""
    _require_import_access(request)
    context = {
        "roster": roster_described(),
        "bpjs": bpjs_described(),
        "roster_refused": ROSTER_REFUSED,
        "roster_warned": ROSTER_WARNED,
        "bpjs_refused": BPJS_REFUSED,
        "bpjs_warned": BPJS_WARNED,
        "bpjs_notes": BPJS_NOTES,
        "section": "impor",
    }
    return render(request, "imports/formats.html", context)


def _mapping_form(batch: ImportBatch, data=None) -> MappingForm:
    from lindungdesa.lib.headers import match_headers

    fields = handler_for(batch).fields
    overrides = {int(k): v for k, v in (batch.column_overrides or {}).items()} or None
    current = match_headers(batch.headers, fields, overrides=overrides).mapping
    return MappingForm(data, headers=batch.headers, fields=fields, initial_mapping=current)


def _undo_note(batch: ImportBatch) -> str | None:
    """Why a saved batch can no longer be undone, or None when it can."""
    if undo_expired(batch):
        return undo_expired_message()
    if (later := undo_blocked_by(batch)) is not None:
        return _(
            "Impor ini baru dapat dibatalkan setelah impor #%(later)s, yang disimpan sesudahnya untuk "
            "wilayah yang sama, dibatalkan lebih dulu."
        ) % {"later": later}
    return None


def _reconcile_link(user: User, batch: ImportBatch) -> tuple[str, str] | None:
    """(region code, period) of the reconciliation page that follows this import, if the user may see it."""
    code = batch.scope_code if batch.scope_code and user.can_see_region(batch.scope_code) else None
    if code is None:
        region = home_region(user)
        code = region.code if region else None
    if code is None:
        return None
    return code, str(Month.of(batch.as_of)) if batch.as_of else ""


def _detail(
    request: HttpRequest, batch: ImportBatch, *, mapping_form: MappingForm | None = None
) -> HttpResponse:
    ctx: dict = {
        "batch": batch,
        "section": "impor",
        "running": batch.state in RUNNING,
        "may_write": _may_write(request.user, batch),
        "kept_until": kept_until(batch),
    }
    if ctx["running"]:
        ctx["progress"] = progress_of(batch)
    elif batch.state == ImportBatch.State.FAILED:
        if batch.needs_mapping:
            ctx["mapping_form"] = mapping_form or _mapping_form(batch)
        else:
            # Trying again helps only when the failure was not the file's (a stopped worker, a system error).
            ctx["may_retry"] = bool(batch.file) and not batch.file_at_fault
            ctx["upload_form"] = UploadForm(user=request.user)
    else:
        rejected = batch.rejected_rows.all()
        shown = list(rejected[:REJECTED_SHOWN])
        warnings = getattr(batch, "warnings", None) or []
        # Names for roles that see the people of the rosters where the rows land. A message may quote a name
        # (a predecessor), or the value it is about (an odd KPJ, a birth date): shown as the reader may read
        # them (`message_masker`). Pages mask every NIK, whoever reads them (docs/security.md), in messages
        # too; the whole values are in the rejected rows' file, for roles that may have it.
        # A BPJS row's KPJ (`what`) is whole only with the personal-data right.
        whole_kpj = can(request.user, PERSONAL_VIEW)
        people = [
            {**p, "nik": nik_mask(p["nik"]), "what": p["what"] if whole_kpj else mask_text(p["what"])}
            for p in (batch.people if sees_names(request.user, batch) else [])
        ]
        if batch.kind == ImportBatch.Kind.BPJS and batch.state == ImportBatch.State.DONE:
            # What the saved extract matched, for the officer: how many participants are tied to an official
            # on a roster, and whom each listed row is tied to (names for those who may read them).
            matched, written, names = extract_matches(batch, [p["what"] for p in batch.people])
            ctx["matches"] = {"matched": matched, "unmatched": written - matched, "written": written}
            for shown_row, raw in zip(people, batch.people if people else [], strict=True):
                shown_row["holder"] = names.get(raw["what"], "")
        masked = message_masker(request.user, batch)
        for row in shown:
            row.message = mask_text(masked(row.message), niks_only=True)
        warnings = [
            {**w, "message": mask_text(masked(w.get("message", "")), niks_only=True)} for w in warnings
        ]
        ctx.update(
            rejected=shown,
            rejected_count=rejected.count(),
            rejected_shown=REJECTED_SHOWN,
            undo_note=_undo_note(batch) if batch.state == ImportBatch.State.DONE else None,
            warnings=warnings,
            people=people,
            people_more=batch.created + batch.updated - len(people),
            reconcile=_reconcile_link(request.user, batch),
        )
    return render(request, "imports/detail.html", ctx)


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get_batch_for_user(request, pk))


@login_required
@require_safe
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    if batch.state not in RUNNING:
        # Finished: the whole page shows the result.
        return HttpResponseClientRefresh()
    return render(request, "imports/_progress.html", {"batch": batch, "progress": progress_of(batch)})


@login_required
@require_POST
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk, write=request.method == "POST")
    if not batch.needs_mapping:
        return redirect("import-detail", pk=batch.pk)
    form = _mapping_form(batch, request.POST)
    if not form.is_valid():
        return _detail(request, batch, mapping_form=form)
    batch.column_overrides = {str(k): v for k, v in form.overrides().items()}
    batch.state = ImportBatch.State.PENDING
    batch.message = ""
    batch.save(update_fields=["column_overrides", "state", "message"])
    _start(batch)
    return redirect("import-detail", pk=batch.pk)


@login_required
@require_POST
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk, write=request.method == "POST")
    try:
        batch_commit_preview(batch)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        _start(batch)
    return redirect("import-detail", pk=batch.pk)


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk, write=request.method == "POST")
    try:
        batch_retry(batch)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        _start(batch)
    return redirect("import-detail", pk=batch.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk, write=request.method == "POST")
    if request.method != "POST":
        # Refused before the user confirms, for the same reasons the undo itself would give (a row edited
        # since, named), not only after the click.
        note = (_undo_note(batch) or undo_refusal(batch)) if batch.state == ImportBatch.State.DONE else None
        return render(
            request,
            "imports/undo.html",
            {
                "batch": batch,
                "can_undo": batch.state == ImportBatch.State.DONE and note is None,
                "refusal": note,
                # Every object it wrote, as the message after the undo counts them: a row may also have
                # ended a holder's term (Diganti), which the row counts do not show.
                "changes": change_count(batch.changes.all()),
                "section": "impor",
            },
        )
    try:
        count = batch_undo(batch=batch, user=request.user)
    except UndoRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Impor dibatalkan: %(count)s perubahan data dikembalikan.") % {"count": count}
        )
    return redirect("import-detail", pk=batch.pk)


@login_required
@require_safe
def rejected_download(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    # The rows as they were sent, to be corrected and uploaded again: birth dates and sex beside NIKs, which
    # no mask makes safe. So the file is whole, for roles with personal.view only (accounts/downloads.py).
    download = personal_download(
        request, batch.scope_code, _("Baris ditolak impor #%(pk)s") % {"pk": batch.pk}, whole=True
    )
    content = exports.rejected_rows_xlsx(batch, mask_personal=False)
    return download.respond(
        content,
        file_name=f"impor-{batch.pk}-ditolak.xlsx",
        content_type=exports.XLSX_CONTENT_TYPE,
        rows=batch.rejected,
    )
