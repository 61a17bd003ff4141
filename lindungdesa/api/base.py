"""What every API module shares: the right per view, scope, masking, pagination and Indonesian errors.

A view names the action it needs (`required_action = PEOPLE_VIEW`); `HasAction` refuses a role without
it (403), querysets go through `accounts.scope.scoped` (outside: 404), writes call
`permissions.require_object` on the object's region before the service.
"""

from datetime import date

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, pagination, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lindungdesa.accounts.downloads import personal_download
from lindungdesa.accounts.permissions import PERSONAL_VIEW, can, denied_message
from lindungdesa.lib.pii import Kind, mask


class HasAction(permissions.BasePermission):
    """The view's `required_action` (one, or a tuple of which any will do) must be allowed by the role.

    Where is the queryset's business (the region scope).
    """

    def has_permission(self, request, view) -> bool:
        actions = view.required_action
        actions = (actions,) if isinstance(actions, str) else actions
        if not request.user or not request.user.is_authenticated:
            return False
        if not any(can(request.user, action) for action in actions):
            self.message = denied_message(request.user, actions[0])
            return False
        return True


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "Halaman tidak ada."


# A page of a person-level list holding more rows than this is a download of personal data: audited.
AUDITED_PAGE_ROWS = 20


class PersonalListMixin:
    """A list API of people, positions or memberships. Looking one person up stays quiet; a page of more
    than AUDITED_PAGE_ROWS rows is a person-level download (accounts/downloads.py): it needs the export
    right and is recorded in the audit trail (who, the address asked, the region, how many rows)."""

    personal_what = ""

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        download = None
        if len(page) > AUDITED_PAGE_ROWS:
            asked = request.query_params.get("region", "")
            region = asked if asked and request.user.can_see_region(asked) else None
            download = personal_download(request, region, self.personal_what)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        if download is not None:
            download.record(file_name=request.get_full_path()[:200], rows=len(page))
        return response


class MaskedField(serializers.CharField):
    """NIK, KPJ or phone: whole for roles with the personal-data right, masked for the others."""

    def __init__(self, kind: Kind, **kwargs) -> None:
        self.kind = kind
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        text = super().to_representation(value) if value is not None else ""
        return text if sees_personal_data(self) else mask(self.kind, text)


def sees_personal_data(serializer_field: serializers.Field) -> bool:
    request = serializer_field.context.get("request")
    return request is not None and can(request.user, PERSONAL_VIEW)


class WithheldMixin:
    """Birth date or sex: given only to roles with the personal-data right, null for the others.

    Beside a desa and the last digits of a NIK they would give back the NIK's hidden digits (lib/pii.py).
    """

    def to_representation(self, value):
        return super().to_representation(value) if sees_personal_data(self) else None


class WithheldDateField(WithheldMixin, serializers.DateField):
    pass


class WithheldChoiceField(WithheldMixin, serializers.ChoiceField):
    pass


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Pesan dalam bahasa Indonesia.")


class FieldErrorsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


ERRORS = {
    400: FieldErrorsSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
}

REGION_PARAM = OpenApiParameter(
    "region", str, description="Kode Kemendagri wilayah, mis. 61.03 (bawaan: wilayah pengguna)."
)


def _messages() -> dict[type, str]:
    return {
        exceptions.NotAuthenticated: _("Silakan masuk, atau kirim token: Authorization: Token <kunci>."),
        exceptions.NotFound: _("Data tidak ditemukan."),
        exceptions.ParseError: _("Isi permintaan tidak dapat dibaca (periksa format JSON-nya)."),
        exceptions.NotAcceptable: _("Format jawaban yang diminta tidak tersedia; API menjawab dalam JSON."),
    }


# DRF's messages for a value outside the choices quote it ('"{input}" is not a valid choice.'): a forged NIK
# sent as an office or a filter would come back whole.
ECHOING = ("invalid_choice", "does_not_exist")


def _without_echo(errors):
    """`errors` (DRF's nested dicts and lists of ErrorDetail) with every message that quotes the value sent
    replaced by one that does not."""
    if isinstance(errors, dict):
        return {key: _without_echo(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_without_echo(value) for value in errors]
    if getattr(errors, "code", None) in ECHOING:
        return exceptions.ErrorDetail(
            _("Nilai ini tidak ada dalam daftar pilihan; pilih salah satu yang tersedia."), code=errors.code
        )
    return errors


def exception_handler(exc, context):
    """DRF's handler, with every message in Indonesian and field errors under `errors`."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        errors = _without_echo(errors)
        response.data = {"detail": _("Permintaan tidak valid; lihat errors."), "errors": errors}
        return response
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    for kind, message in _messages().items():
        if type(exc) is kind and str(detail) in ("", str(kind.default_detail), "Not found.", "None"):
            detail = message
    if isinstance(exc, exceptions.ParseError):
        detail = _messages()[exceptions.ParseError]  # DRF's names the parser's English error
    if isinstance(exc, exceptions.NotFound) and "matches the given query" in str(detail):
        detail = _("Data tidak ditemukan.")  # get_object_or_404's English message names the model
    if isinstance(exc, exceptions.MethodNotAllowed):
        detail = _("Metode %(method)s tidak diizinkan di alamat ini.") % {"method": context["request"].method}
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        detail = _("Jenis isi permintaan tidak didukung; kirim JSON atau multipart/form-data.")
    elif isinstance(exc, exceptions.Throttled):
        detail = _("Terlalu banyak permintaan; coba lagi sebentar lagi.")
    elif isinstance(exc, exceptions.AuthenticationFailed) and str(detail) == str(exc.default_detail):
        detail = _("Token tidak sah.")
    elif isinstance(exc, exceptions.PermissionDenied) and str(detail) == str(exc.default_detail):
        detail = _("Peran Anda tidak mengizinkan tindakan ini.")
    response.data = {"detail": str(detail)}
    return response


def bad_request(message: str) -> Response:
    return Response({"detail": message, "errors": {}}, status=status.HTTP_400_BAD_REQUEST)


# The largest id a database column holds (SQLite refuses larger integers outright).
ID_MAX = 2**63 - 1

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


def _in_range(value: date) -> None:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise serializers.ValidationError("Tanggal harus antara 1900 dan 2100.")


def day_field(**kwargs) -> serializers.DateField:
    """A date between 1900 and 2100 (anything else is a typing mistake)."""
    return serializers.DateField(validators=[_in_range], **kwargs)
