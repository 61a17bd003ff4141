"""Sign-in (with the optional second factor), one's own account, user management and the audit trail."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lindungdesa.api.auth import token_create, token_revoke
from lindungdesa.lib.cells import csv_writer
from lindungdesa.lib.pii import mask_fields, mask_text
from lindungdesa.officials.models import Person

from . import audit_display, totp
from .downloads import personal_download
from .forms import AuditSearchForm, CodeForm, LoginForm, PasswordResetForm, TokenForm, UserForm
from .models import ApiToken, AuditEntry, User
from .permissions import AUDIT_VIEW, PERSONAL_VIEW, TOTP_USE, USER_MANAGE, can, require
from .selectors import audit_entries, users_for
from .services import (
    user_create,
    user_password_reset,
    user_totp_check,
    user_totp_disable,
    user_totp_enable,
    user_update,
)

PAGE_SIZE = 50
PENDING = "totp_pending_user"
PENDING_TRIES = "totp_pending_tries"
MAX_CODE_TRIES = 5
SETUP_SECRET = "totp_setup_secret"


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# Sign-in --------------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Password first; an account with a second factor then asks for the code (`login_code`)."""

    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    # A form is sent by POST; Django's form views would take PUT as well (and then read no form).
    http_method_names = ["get", "head", "post", "options"]

    def form_valid(self, form):
        user = form.get_user()
        if not user.has_totp:
            return super().form_valid(form)
        self.request.session[PENDING] = user.pk
        self.request.session[PENDING_TRIES] = 0
        next_url = self.get_redirect_url()
        url = reverse("login-code")
        return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


@require_http_methods(["GET", "HEAD", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    user = User.objects.filter(pk=request.session.get(PENDING), is_active=True).first()
    if user is None:
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if user_totp_check(user=user, code=form.cleaned_data["code"]):
            del request.session[PENDING]
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            next_url = request.POST.get("next", "")
            safe = url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure())
            return redirect(next_url if next_url and safe else settings.LOGIN_REDIRECT_URL)
        # A wrong code counts as a failed login (django-axes), so the lockout covers the second step too.
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
        request.session[PENDING_TRIES] = tries = request.session.get(PENDING_TRIES, 0) + 1
        if tries >= MAX_CODE_TRIES:
            request.session.pop(PENDING, None)
            messages.error(request, _("Terlalu banyak kode yang salah. Masuk lagi dengan kata sandi."))
            return redirect("login")
        form.add_error("code", _("Kode salah atau sudah dipakai. Tunggu kode berikutnya, lalu coba lagi."))
    return render(
        request, "registration/login_code.html", {"form": form, "next": request.GET.get("next", "")}
    )


# One's own account ------------------------------------------------------------------------------------


@login_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
    ctx = {
        "tokens": tokens,
        "token_form": TokenForm(),
        "section": "akun",
        "may_totp": can(request.user, TOTP_USE),
    }
    return render(request, "accounts/account.html", ctx)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    extra_context = {"section": "akun"}
    http_method_names = ["get", "head", "post", "options"]

    def get_success_url(self) -> str:
        messages.success(self.request, _("Kata sandi Anda sudah diganti."))
        return reverse("account")


@login_required
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Beri nama token (paling banyak 80 huruf)."))
        return redirect("account")
    token, key = token_create(user=request.user, name=form.cleaned_data["name"])
    # Shown once, on this response only: it is not stored anywhere it could be read back.
    return render(request, "accounts/token_created.html", {"token": token, "key": key, "section": "akun"})


@login_required
@require_POST
def token_delete(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(token=token)
    messages.success(request, _("Token %(name)s dicabut.") % {"name": token.name})
    return redirect("account")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    require(request.user, TOTP_USE)
    secret = request.session.get(SETUP_SECRET) or totp.secret_new()
    request.session[SETUP_SECRET] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_totp_enable(user=request.user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            del request.session[SETUP_SECRET]
            messages.success(
                request, _("Verifikasi dua langkah aktif. Setiap masuk, Anda akan diminta kode.")
            )
            return redirect("account")
    ctx = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "uri": totp.provisioning_uri(secret, username=request.user.get_username()),
        "section": "akun",
    }
    return render(request, "accounts/totp_setup.html", ctx)


@login_required
@require_POST
def totp_off(request: HttpRequest) -> HttpResponse:
    user_totp_disable(by=request.user, user=request.user)
    messages.success(request, _("Verifikasi dua langkah dimatikan."))
    return redirect("account")


# User management (delegated) --------------------------------------------------------------------------


def _managed_user(request: HttpRequest, pk: int) -> User:
    require(request.user, USER_MANAGE)
    return get_object_or_404(users_for(request.user), pk=pk)


@login_required
@require_safe
def users(request: HttpRequest) -> HttpResponse:
    require(request.user, USER_MANAGE)
    found = users_for(request.user)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        found = found.filter(username__icontains=query) | found.filter(first_name__icontains=query)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "accounts/users.html", {"page": page, "q": query, "section": "pengguna"})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    require(request.user, USER_MANAGE)
    form = UserForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create(
                by=request.user,
                username=data["username"],
                role=data["role"],
                region=data["region"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Pengguna %(name)s dibuat.") % {"name": user.username})
            return redirect("user-edit", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "section": "pengguna"})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _managed_user(request, pk)
    initial = {
        "username": target.username,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "role": target.role,
        "region": target.region_id or "",
        "is_active": target.is_active,
    }
    form = UserForm(request.POST or None, by=request.user, instance=target, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_update(
                by=request.user,
                user=target,
                role=data["role"],
                region=data["region"],
                is_active=data["is_active"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Perubahan pengguna %(name)s disimpan.") % {"name": target.username})
            return redirect("user-edit", pk=target.pk)
    ctx = {"form": form, "target": target, "reset_form": PasswordResetForm(), "section": "pengguna"}
    return render(request, "accounts/user_form.html", ctx)


@login_required
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = _managed_user(request, pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            user_password_reset(by=request.user, user=target, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Kata sandi %(name)s diatur ulang. Sampaikan kata sandi barunya secara langsung.")
                % {"name": target.username},
            )
            return redirect("user-edit", pk=target.pk)
    ctx = {
        "form": UserForm(
            by=request.user, instance=target, initial={"username": target.username, "role": target.role}
        ),
        "target": target,
        "reset_form": form,
        "section": "pengguna",
    }
    return render(request, "accounts/user_form.html", ctx, status=400)


@login_required
@require_POST
def user_totp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """For an administrator who lost the phone: another administrator turns the second factor off."""
    target = _managed_user(request, pk)
    try:
        user_totp_disable(by=request.user, user=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Verifikasi dua langkah %(name)s dimatikan.") % {"name": target.username})
    return redirect("user-edit", pk=target.pk)


# Audit trail -------------------------------------------------------------------------------------------


def _audit_search(request: HttpRequest):
    require(request.user, AUDIT_VIEW)
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return form, AuditEntry.objects.none()
    data = form.cleaned_data
    start, end = form.bounds()
    entries = audit_entries(
        request.user,
        person=data["orang"].strip(),
        region=data["desa"],
        username=data["pengguna"].strip(),
        start=start,
        end=end,
    )
    return form, entries


def _shown(entry: AuditEntry, personal: bool) -> tuple[dict | None, dict | None]:
    if personal:
        return entry.before, entry.after
    return mask_fields(entry.before), mask_fields(entry.after)


def _shown_text(text: str, personal: bool) -> str:
    """A membership's name is its KPJ number: free text is masked like a log line for other roles."""
    return text if personal else mask_text(text)


@login_required
@require_safe
def audit_list(request: HttpRequest) -> HttpResponse:
    form, entries = _audit_search(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("halaman"))
    personal = can(request.user, PERSONAL_VIEW)
    names = dict(
        Person.objects.filter(pk__in={e.person_id for e in page if e.person_id}).values_list("pk", "name")
    )
    rows = []
    for entry in page:
        before, after = _shown(entry, personal)
        keys = list(dict.fromkeys([*(before or {}), *(after or {})]))
        person = names.get(entry.person_id, "")

        def text(key: str, value, entry=entry, person=person) -> str:
            # The entry's own person by name, as its Orang column, not by the number the database gave them.
            if person and value == entry.person_id and audit_display.is_person(entry.model, key):
                return person
            return audit_display.value_text(entry.model, key, value)

        rows.append(
            {
                "entry": entry,
                "person": person,
                "object": _shown_text(entry.object_repr, personal),
                "note": _shown_text(entry.note, personal),
                "model": audit_display.model_label(entry.model),
                "changes": [
                    (
                        text(k, (before or {}).get(k, "")),
                        text(k, (after or {}).get(k, "")),
                        audit_display.field_label(entry.model, k),
                    )
                    for k in keys
                ],
            }
        )
    query = request.GET.copy()
    query.pop("halaman", None)
    ctx = {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "section": "audit"}
    return render(request, "accounts/audit.html", ctx)


@login_required
@require_safe
def audit_export(request: HttpRequest) -> HttpResponse:
    form, entries = _audit_search(request)
    download = personal_download(request, None, _("Catatan audit"))
    personal = not download.masked
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    file_name = f"audit-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a byte-order mark
    writer = csv_writer(response)
    writer.writerow(
        [
            "waktu",
            "pengguna",
            "tindakan",
            "jenis_data",
            "id",
            "data",
            "wilayah",
            "sebelum",
            "sesudah",
            "keterangan",
        ]
    )
    count = 0
    for entry in entries.iterator(chunk_size=2000):
        before, after = _shown(entry, personal)
        writer.writerow(
            [
                timezone.localtime(entry.at).isoformat(timespec="seconds"),
                entry.username,
                entry.get_action_display(),
                entry.model,
                entry.object_id,
                _shown_text(entry.object_repr, personal),
                entry.region_code,
                json.dumps(before, ensure_ascii=False) if before is not None else "",
                json.dumps(after, ensure_ascii=False) if after is not None else "",
                _shown_text(entry.note, personal),
            ]
        )
        count += 1
    download.record(file_name=file_name, rows=count)
    return response
