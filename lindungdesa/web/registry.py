"""The roster kept in the pages: add an official, correct a person, end a term, hand a seat over, and show
a person's whole NIK to those who check it against a KTP.

Every form also works as a plain POST (no JavaScript); with htmx, a form with errors comes back alone, in
place, and a saved one sends the browser on. Who may: `roster.edit` (and `personal.view` for a whole NIK)
in the region of the desa (`accounts.permissions`); what: the services (`officials.services`), which apply
the rules of imports and the region boundary, and whose saves the audit trail records."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from lindungdesa.accounts import audit
from lindungdesa.accounts.models import AuditEntry
from lindungdesa.accounts.permissions import PEOPLE_VIEW, PERSONAL_VIEW, ROSTER_EDIT, can, require
from lindungdesa.accounts.scope import region_for_user, scope_q
from lindungdesa.lib.idformat import date_id
from lindungdesa.officials.boundary import Reach, person_reach_of, shared_person_message
from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.officials.services import (
    person_update,
    position_appoint,
    position_correct,
    position_end,
    position_hand_over,
)

from .registry_forms import (
    HandOverForm,
    OfficialAddForm,
    PersonEditForm,
    PositionCorrectForm,
    PositionEndForm,
    add_service_errors,
)
from .views import breadcrumbs

FORM_TEMPLATE = "web/registry_form.html"
FORM_FRAGMENT = "web/_registry_form.html"


def _people(user):
    """People holding (or having held) an office in a desa of the user's region."""
    return Person.objects.filter(
        positions__in=Position.objects.filter(scope_q(user, "desa__code"))
    ).distinct()


def _positions(user):
    return Position.objects.filter(scope_q(user, "desa__code")).select_related("desa", "person")


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        # A whole new page: htmx would otherwise put it inside the form.
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _form_page(request: HttpRequest, ctx: dict) -> HttpResponse:
    """The form's page, or (an htmx post) only the form, with its errors."""
    template = FORM_FRAGMENT if request.htmx and request.method == "POST" else FORM_TEMPLATE
    return render(request, template, ctx)


def _nik_missing(request: HttpRequest, person: Person) -> None:
    """A person kept without a NIK: said until it is completed (the desa page says "NIK belum ada")."""
    if person.nik is None:
        messages.warning(
            request,
            _("NIK belum ada — lengkapi NIK %(name)s dari KTP/KK lewat halaman orangnya.")
            % {"name": person.name},
        )


def _desa_url(code: str) -> str:
    return reverse("region", kwargs={"code": code}) + "#daftar-aparat"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def official_add(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, ROSTER_EDIT, code)
    desa = region_for_user(request.user, code)
    if not desa.is_village:
        raise Http404(_("Data tidak ditemukan."))
    form = OfficialAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            position = position_appoint(region=request.user.region_id, desa=desa, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = _done(
                request,
                _desa_url(desa.code),
                _("%(name)s dicatat sebagai %(office)s.")
                % {"name": position.person.name, "office": position.office_label},
            )
            _nik_missing(request, position.person)
            return response
    return _form_page(
        request,
        {
            "title": _("Tambah aparat atau anggota BPD"),
            "region": desa,
            "breadcrumbs": breadcrumbs(request.user, desa),
            "form": form,
            "action": request.path,
            "cancel": _desa_url(desa.code),
            "submit": _("Simpan"),
            "fieldsets": [
                (_("Orang"), ["nik", "name", "birth_date", "sex", "phone"]),
                (
                    # Not "Jabatan": that is the label of the group's first field, read twice in a row.
                    _("Data jabatan"),
                    [
                        "office",
                        "unit_name",
                        "acting",
                        "term_start",
                        "term_end",
                        "sk_number",
                        "sk_date",
                        "monthly_income",
                    ],
                ),
            ],  # fmt: skip
            "intro": _(
                "NIK yang sudah tercatat di desa Anda dipakai untuk orang yang sama: nama harus sama dengan "
                "yang tercatat. Bila NIK belum ada, nama dan tanggal lahir mengenali orangnya di desa ini. "
                "Ubah data dirinya lewat halaman orang itu."
            ),
        },
    )


def _position_for(request: HttpRequest, pk: int) -> Position:
    require(request.user, ROSTER_EDIT)
    return get_object_or_404(_positions(request.user), pk=pk)


def _position_ctx(request: HttpRequest, position: Position) -> dict:
    return {
        "position": position,
        "region": position.desa,
        "breadcrumbs": breadcrumbs(request.user, position.desa),
        "action": request.path,
        "cancel": _desa_url(position.desa_id),
    }


def _closed(request: HttpRequest, position: Position, title: str) -> HttpResponse | None:
    """A term ended already (with its reason) cannot be ended or handed over again: the page says so, with no
    form the service would refuse on submit (`position_end`; the desa and person pages offer no link to it).
    A term only past the end date a file gave (no reason yet) may still be ended or handed over as before."""
    if not position.end_reason:
        return None
    # The seat is free from the day after (officials.rules refuses a new holder starting earlier, asking to
    # end this term first, which cannot be done again): the day is said, or the two pages send to each other.
    text = _(
        "Masa jabatan %(name)s sebagai %(office)s sudah diakhiri pada %(day)s (%(reason)s), jadi tidak dapat "
        "diakhiri atau diganti lagi. Untuk mengisi jabatan ini, tambahkan pejabat baru dari halaman desa, "
        "mulai menjabat %(next)s atau sesudahnya."
    ) % {
        "name": position.person.name,
        "office": position.office_label,
        "day": date_id(position.term_end),
        "reason": position.get_end_reason_display(),
        "next": date_id(position.free_from),
    }
    if request.htmx and request.method == "POST":
        return HttpResponseClientRedirect(request.path)  # htmx swaps no 4xx: the page itself says it
    # A post (a form opened before the term was ended) conflicts with the term as it stands: 409.
    return render(
        request,
        FORM_TEMPLATE,
        {**_position_ctx(request, position), "title": title, "closed": text},
        status=409 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def position_end_page(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position_for(request, pk)
    if closed := _closed(request, position, _("Akhiri masa jabatan")):
        return closed
    form = PositionEndForm(request.POST if request.method == "POST" else None, office=position.office)
    if request.method == "POST" and form.is_valid():
        try:
            position_end(
                region=request.user.region_id,
                position=position,
                last_day=form.cleaned_data["term_end"],
                reason=form.cleaned_data["end_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error, rename={"nik": "__all__", "desa": "__all__"})
        else:
            return _done(
                request,
                _desa_url(position.desa_id),
                _("Masa jabatan %(name)s sebagai %(office)s diakhiri.")
                % {"name": position.person.name, "office": position.office_label},
            )
    return _form_page(
        request,
        {
            **_position_ctx(request, position),
            "title": _("Akhiri masa jabatan"),
            "form": form,
            "submit": _("Akhiri masa jabatan"),
            "fieldsets": [(None, ["term_end", "end_reason"])],
            "intro": _(
                "Catatan jabatan tetap disimpan sebagai riwayat. Untuk menunjuk pengganti sekaligus, gunakan "
                "Ganti pejabat."
            ),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def position_correct_page(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position_for(request, pk)
    fields = ["term_start", "sk_number", "sk_date", "monthly_income"]
    dusun = position.office == Office.KEPALA_DUSUN
    if dusun:
        fields.append("unit_name")
    initial = {f: getattr(position, f) for f in fields}
    data = request.POST if request.method == "POST" else None
    form = PositionCorrectForm(data, initial=initial, dusun=dusun)
    if request.method == "POST" and form.is_valid():
        try:
            saved = position_correct(region=request.user.region_id, position=position, **form.values())
        except ValidationError as error:
            # The end of the term is not on this form: what it says of the start is said beside the start,
            # unless the start is wrong by itself (a year typed 2062 is also after the end).
            problems = getattr(error, "error_dict", {})
            if "term_start" in problems:
                problems.pop("term_end", None)
            add_service_errors(form, error, rename={"term_end": "term_start"})
        else:
            return _done(
                request,
                reverse("person", kwargs={"pk": position.person_id}),
                _("Data jabatan %(name)s sebagai %(office)s disimpan.")
                % {"name": saved.person.name, "office": saved.office_label},
            )
    ctx = _position_ctx(request, position)
    ctx["cancel"] = reverse("person", kwargs={"pk": position.person_id})
    return _form_page(
        request,
        {
            **ctx,
            "title": _("Ubah data jabatan"),
            "form": form,
            "submit": _("Simpan"),
            "fieldsets": [(None, fields)],
            "intro": _(
                "Untuk membetulkan salah ketik: tanggal mulai menjabat, SK dan penghasilan. Nama dan tanggal "
                "lahir dibetulkan lewat Ubah data diri di halaman orangnya."
            )
            if not dusun
            else _(
                "Untuk membetulkan salah ketik atau melengkapi: tanggal mulai menjabat, SK, penghasilan dan "
                "nama dusun. Nama dan tanggal lahir dibetulkan lewat Ubah data diri di halaman orangnya."
            ),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def position_replace_page(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position_for(request, pk)
    if closed := _closed(request, position, _("Ganti pejabat")):
        return closed
    form = HandOverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            successor = position_hand_over(region=request.user.region_id, position=position, **form.values())
        except ValidationError as error:
            # Ending the old term is keyed by its own fields: said above the form.
            add_service_errors(form, error, rename={"end_reason": "__all__", "desa": "__all__"})
        else:
            response = _done(
                request,
                _desa_url(position.desa_id),
                _("%(new)s menggantikan %(old)s sebagai %(office)s.")
                % {
                    "new": successor.person.name,
                    "old": position.person.name,
                    "office": successor.office_label,
                },
            )
            _nik_missing(request, successor.person)
            return response
    return _form_page(
        request,
        {
            **_position_ctx(request, position),
            "title": _("Ganti pejabat"),
            "form": form,
            "submit": _("Simpan penggantian"),
            "fieldsets": [
                (_("Pengganti"), ["nik", "name", "birth_date", "sex", "phone"]),
                (
                    _("Masa jabatan pengganti"),
                    ["term_start", "acting", "term_end", "sk_number", "sk_date", "monthly_income"],
                ),
            ],  # fmt: skip
            "intro": _(
                "Masa jabatan yang lama berakhir sehari sebelum pengganti mulai menjabat (alasan: diganti); "
                "keduanya tetap tercatat di riwayat."
            ),
        },
    )


def _person_for(request: HttpRequest, pk: int, action: str) -> Person:
    require(request.user, action)
    return get_object_or_404(_people(request.user), pk=pk)


def _person_ctx(request: HttpRequest, person: Person) -> dict:
    user = request.user
    positions = list(
        _positions(user).filter(person=person).order_by("-term_start", "-id")
    )  # only those inside the user's region: the others are not the user's to know
    desa = positions[0].desa if positions else None
    return {
        "person": person,
        "positions": positions,
        "today": timezone.localdate(),
        "region": desa,
        "breadcrumbs": breadcrumbs(user, desa) if desa else [],
        "can_personal": can(user, PERSONAL_VIEW),
        "can_edit": can(user, ROSTER_EDIT),
    }


@login_required
@require_safe
def person_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, PEOPLE_VIEW)
    ctx = _person_ctx(request, person)
    if ctx["can_edit"]:
        ctx["owned"] = person_reach_of(request.user.region_id, person) is Reach.OWNED
        ctx["shared_message"] = shared_person_message()
    return render(request, "web/person.html", ctx)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, ROSTER_EDIT)
    initial = {f: getattr(person, f) for f in ("name", "birth_date", "sex", "phone")}
    form = PersonEditForm(
        request.POST if request.method == "POST" else None, initial=initial, current_nik=person.nik
    )
    # Someone who also serves outside the region keeps their details (`boundary`): no form, the reason why.
    locked = person_reach_of(request.user.region_id, person) is not Reach.OWNED
    if request.method == "POST" and not locked and form.is_valid():
        try:
            person_update(region=request.user.region_id, person=person, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(
                request,
                reverse("person", kwargs={"pk": person.pk}),
                _("Data diri %(name)s disimpan.") % {"name": form.cleaned_data["name"]},
            )
    ctx = _person_ctx(request, person)
    ctx.update(
        locked=shared_person_message() if locked else "",
        title=_("Ubah data diri"),
        form=form,
        action=request.path,
        cancel=reverse("person", kwargs={"pk": person.pk}),
        submit=_("Simpan"),
        fieldsets=[(None, ["nik", "name", "birth_date", "sex", "phone"])],
        intro=_(
            "Untuk membetulkan salah ketik. Data diri orang yang juga menjabat di wilayah lain hanya dapat "
            "diubah oleh operator kabupaten/provinsi."
        ),
    )
    return _form_page(request, ctx)


@login_required
@require_POST
def person_nik(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole NIK of one person, to check against a KTP: for roles with `personal.view`, each time
    written to the audit trail (who, whose, when). A POST: a reveal leaves a trace, so no link may do it."""
    person = _person_for(request, pk, PERSONAL_VIEW)
    where = _positions(request.user).filter(person=person).order_by("-term_start").first()
    audit.record(
        action=AuditEntry.Action.REVEAL,
        model=Person._meta.label,
        object_id=str(person.pk),
        object_repr=person.name,
        region_code=where.desa_id if where else (request.user.region_id or ""),
        person_id=person.pk,
        note=_("NIK utuh ditampilkan untuk dicocokkan dengan KTP."),
        user=request.user,
    )
    if request.htmx:
        return render(request, "web/_nik_whole.html", {"person": person})
    ctx = _person_ctx(request, person)
    ctx["nik_whole"] = True
    return render(request, "web/person.html", ctx)
