"""What each role may do. The one table of rights; `require` checks a right and a region together.

A role decides WHAT (this table), the region decides WHERE (`scope.py`). Pages, the API, exports, the CLI
and background jobs all ask here, so a right is granted or withdrawn in one line.

To add an action (for example for the budget or cases): add a constant, and a line to `RIGHTS` naming the
roles that hold it. Tests (tests/accounts/test_permissions.py) check that every action is documented in
docs/security.md.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import User
from .scope import scope_q

Role = User.Role

# Actions, named <subject>.<verb>.
REGION_VIEW = "region.view"  # indicators, snapshots and targets of a region (aggregated figures)
PEOPLE_VIEW = "people.view"  # names and offices of the people on the rosters (person-level pages)
PERSONAL_VIEW = "personal.view"  # NIK, KPJ, phone numbers, birth dates and sex unmasked (PDP law)
PERSONAL_EXPORT = "personal.export"  # downloads of person-level data (accounts/downloads.py: audited)
ROSTER_EDIT = "roster.edit"  # people and positions
IMPORT_VIEW = "import.view"  # the history and results of imports (counts, rejected rows, masked)
ROSTER_IMPORT = "roster.import"
BPJS_IMPORT = "bpjs.import"  # the monthly BPJS TK participant extract
ENROLMENT_EDIT = "enrolment.edit"  # memberships, and confirming or refusing a match proposal
RECONCILE_VIEW = "reconcile.view"
TARGET_EDIT = "target.edit"
SNAPSHOT_TAKE = "snapshot.take"
AUDIT_VIEW = "audit.view"
USER_MANAGE = "user.manage"  # create users, change their roles, reset their passwords
TOTP_USE = "totp.use"  # may turn on a second factor (administrators)
UCJ_EDIT = "ucj.edit"  # working population and BPJS TK participants per region and year
REPORT_KEMENDAGRI = "report.kemendagri"  # the province's report to Kemendagri (aggregates)
BUDGET_ADOPT = "budget.adopt"  # adopt (tetapkan) a budget, which then keeps its figures and rules
BUDGET_PAYERS = "budget.payers"  # who pays which programme, per regency
MONEV_MANAGE = "monev.manage"  # open monitoring rounds, accept their figures, take them again
MONEV_CONFIRM = "monev.confirm"  # a regency confirms its own figures in a round
CASE_EDIT = "case.edit"  # follow up cases: states, notes and attachments
CASE_ASSIGN = "case.assign"  # give cases to an agency (and one of its officers)
CASE_LETTER = "case.letter"  # give a case's letter its number (the sending office's register)

ALL_ROLES = frozenset(Role)
ADMINS = frozenset({Role.ADMIN, Role.REGENCY_ADMIN})
ROSTER_KEEPERS = frozenset({Role.ADMIN, Role.REGENCY_ADMIN, Role.REGENCY_OPERATOR, Role.VILLAGE_OPERATOR})
# "association officer, viewer: aggregated figures and the follow-up's progress, no personal data".
AGGREGATES_ONLY = frozenset({Role.VIEWER, Role.ASSOCIATION_OFFICER})
# The offices that send the monev letters: the province's DPMPD and the regencies' DPMD.
LETTER_SENDERS = frozenset({Role.ADMIN, Role.PROVINCE_ANALYST, Role.REGENCY_ADMIN, Role.REGENCY_OPERATOR})

RIGHTS: dict[str, frozenset[str]] = {
    REGION_VIEW: ALL_ROLES,
    PEOPLE_VIEW: ALL_ROLES - AGGREGATES_ONLY,
    PERSONAL_VIEW: ROSTER_KEEPERS | {Role.BPJS_OFFICER},
    # The province analyst (DPMPD) sends the monev letters: files naming people, its identifiers masked.
    PERSONAL_EXPORT: ROSTER_KEEPERS | {Role.BPJS_OFFICER, Role.PROVINCE_ANALYST},
    ROSTER_EDIT: ROSTER_KEEPERS,
    IMPORT_VIEW: ROSTER_KEEPERS | {Role.BPJS_OFFICER, Role.PROVINCE_ANALYST},
    ROSTER_IMPORT: ROSTER_KEEPERS,
    BPJS_IMPORT: ADMINS | {Role.REGENCY_OPERATOR, Role.BPJS_OFFICER},
    ENROLMENT_EDIT: ADMINS | {Role.REGENCY_OPERATOR, Role.BPJS_OFFICER},
    RECONCILE_VIEW: ALL_ROLES - AGGREGATES_ONLY,
    TARGET_EDIT: frozenset({Role.ADMIN, Role.PROVINCE_ANALYST}),
    SNAPSHOT_TAKE: frozenset({Role.ADMIN, Role.PROVINCE_ANALYST}),
    AUDIT_VIEW: ADMINS | {Role.PROVINCE_ANALYST},
    USER_MANAGE: ADMINS,
    TOTP_USE: ADMINS,
    UCJ_EDIT: frozenset({Role.ADMIN, Role.PROVINCE_ANALYST, Role.REGENCY_ADMIN, Role.REGENCY_OPERATOR}),
    REPORT_KEMENDAGRI: frozenset({Role.ADMIN, Role.PROVINCE_ANALYST}),
    BUDGET_ADOPT: frozenset({Role.ADMIN, Role.REGENCY_ADMIN, Role.REGENCY_OPERATOR, Role.VILLAGE_OPERATOR}),
    BUDGET_PAYERS: frozenset({Role.ADMIN, Role.REGENCY_ADMIN, Role.REGENCY_OPERATOR}),
    MONEV_MANAGE: frozenset({Role.ADMIN, Role.PROVINCE_ANALYST}),
    MONEV_CONFIRM: frozenset({Role.ADMIN, Role.REGENCY_ADMIN, Role.REGENCY_OPERATOR}),
    CASE_EDIT: ALL_ROLES - {Role.VIEWER},
    # A village operator answers for its own desa: it records budgeting and registration (docs/monev.md).
    CASE_ASSIGN: ALL_ROLES - {Role.VIEWER, Role.VILLAGE_OPERATOR},
    CASE_LETTER: LETTER_SENDERS,
}

# The region level each role works at: 1 province (or None, the whole country, for administrators only),
# 2 regency, 4 desa. A user's region must be of this level.
ROLE_LEVELS: dict[str, tuple[int | None, ...]] = {
    Role.ADMIN: (None, 1),
    Role.PROVINCE_ANALYST: (1,),
    Role.REGENCY_ADMIN: (2,),
    Role.REGENCY_OPERATOR: (2,),
    Role.VILLAGE_OPERATOR: (4,),
    Role.BPJS_OFFICER: (1, 2),
    Role.ASSOCIATION_OFFICER: (1, 2),
    Role.VIEWER: (1, 2),
}


def role_allows(role: str, action: str) -> bool:
    try:
        return role in RIGHTS[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}") from None


def role_actions(role: str) -> frozenset[str]:
    return frozenset(action for action, roles in RIGHTS.items() if role in roles)


def can(user, action: str, region_code: str | None = None) -> bool:
    """The role allows `action`, and (when given) the region lies inside the user's own."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not role_allows(user.role, action):
        return False
    return region_code is None or user.can_see_region(region_code)


def require(user, action: str, region_code: str | None = None) -> None:
    """Raise unless `user` may do `action` in `region_code`.

    Outside the user's region: Http404 (other regions' data does not even show it exists). Inside, without
    the right: PermissionDenied (403), with a message saying so.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Silakan masuk terlebih dahulu."))
    if region_code is not None and not user.can_see_region(region_code):
        raise Http404(_("Data tidak ditemukan."))
    if not role_allows(user.role, action):
        raise PermissionDenied(denied_message(user, action))


def require_object(user, action: str, region_code: str | None) -> None:
    """For writes on one object: its region must be known and inside the user's region."""
    if not region_code and (not getattr(user, "is_authenticated", False) or user.region_id is not None):
        # An object attached to no region is for national administrators only.
        raise Http404(_("Data tidak ditemukan."))
    require(user, action, region_code or None)


def denied_message(user, action: str) -> str:
    return _("Peran Anda (%(role)s) tidak mengizinkan tindakan ini.") % {"role": user.get_role_display()}


def allowed(user, action: str, queryset: QuerySet, field: str = "code") -> QuerySet:
    """The rows of `queryset` the user may act on: nothing without the right, else the region scope."""
    if not can(user, action):
        return queryset.none()
    return queryset.filter(scope_q(user, field))


def grantable_roles(user) -> list[str]:
    """Roles `user` may give to others: those whose every right the user holds itself (no escalation)."""
    if not can(user, USER_MANAGE):
        return []
    own = role_actions(user.role)
    return [role for role in Role if role_actions(role) <= own]


def roles_with(action: str) -> Iterable[str]:
    return [role for role in Role if role in RIGHTS[action]]
