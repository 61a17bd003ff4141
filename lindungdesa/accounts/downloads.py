"""The one way out for person-level data: `personal_download`, called first by every view that sends it.

A person-level download is a file (or an API page) that names people: budget sheets of a desa, monev
letters and case attachments, reconciliation lists, rejected import rows, the audit export, large pages of
the people, positions and memberships APIs. Its view starts with

    download = personal_download(request, desa.code, _("Anggaran iuran per orang"))

which checks the right (`personal.export`) and the region, as `permissions.require` does: 404 outside
the user's region, 403 without the right. It answers whether identifiers must be masked (the user lacks
`personal.view`); a file that cannot be masked (it exists to be corrected and uploaded again, or to compare
birth dates) asks for `whole=True`, and then only users who may see personal data get it.

The view then builds its file and answers with `download.respond(...)` (or calls `download.record(...)`
when the response is made otherwise), which writes the audit entry: who, when, what, which file, the
region, how many rows, masked or not. No file leaves without its entry.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from . import audit
from .models import AuditEntry, User
from .permissions import PERSONAL_EXPORT, PERSONAL_VIEW, can, require


@dataclass(frozen=True)
class PersonalDownload:
    user: User
    what: str
    region_code: str
    masked: bool  # identifiers masked, birth dates and sex withheld (the user lacks personal.view)

    def record(self, *, file_name: str, rows: int | None) -> AuditEntry:
        return audit.record_export(
            user=self.user,
            what=self.what,
            file_name=file_name,
            region_code=self.region_code,
            rows=rows,
            masked=self.masked,
        )

    def respond(self, content: bytes, *, file_name: str, content_type: str, rows: int | None) -> HttpResponse:
        """The file as an attachment, once its audit entry is written."""
        self.record(file_name=file_name, rows=rows)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
        return response


def personal_download(
    request: HttpRequest, region_code: str | None, what: str, *, whole: bool = False
) -> PersonalDownload:
    """May this user download person-level data of `region_code` (None: of its own region)? Raises Http404
    outside its region and PermissionDenied without the right; `whole` files also need `personal.view`."""
    user = request.user
    require(user, PERSONAL_EXPORT, region_code or None)
    masked = not can(user, PERSONAL_VIEW)
    if whole and masked:
        raise PermissionDenied(
            _("Berkas ini memuat data pribadi utuh; peran Anda (%(role)s) tidak dapat mengunduhnya.")
            % {"role": user.get_role_display()}
        )
    return PersonalDownload(
        user=user, what=str(what), region_code=region_code or user.region_id or "", masked=masked
    )


def command_export(
    *, what: str, file_name: str, region_code: str, rows: int | None, masked: bool, user: User | None = None
) -> AuditEntry:
    """The audit entry of a person-level file written by the command line (`monev letters`, `budget --out`
    for a desa): the same as a download's, by the command line (no user) unless it acts for one."""
    return audit.record_export(
        user=user, what=str(what), file_name=file_name, region_code=region_code, rows=rows, masked=masked
    )


def common_region(codes: list[str]) -> str:
    """The smallest region holding every code ("61.03.01.2007", "61.03.02.2001" -> "61.03"); "" for none."""
    if not codes:
        return ""
    common = codes[0]
    for code in codes[1:]:
        while common and not (code == common or code.startswith(common + ".")):
            common = common.rpartition(".")[0]
    return common
