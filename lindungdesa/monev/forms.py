from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungdesa.accounts.permissions import CASE_ASSIGN, CASE_EDIT, CASE_LETTER, PERSONAL_EXPORT, can
from lindungdesa.indicators.forms import PercentField
from lindungdesa.lib.forms import ChoiceAgain
from lindungdesa.regions.models import Region

from . import rules
from .models import Agency, AgencyMember, Case, Round


class RoundOpenForm(ChoiceAgain, forms.Form):
    period = forms.CharField(
        label="Periode",
        max_length=7,
        help_text="Triwulan (2026-Q4), semester (2026-S2) atau bulan (2026-11).",
    )
    criteria = forms.MultipleChoiceField(
        label="Kriteria",
        choices=list(rules.CRITERIA.items()),
        initial=list(rules.DEFAULT_CRITERIA),
        widget=forms.CheckboxSelectMultiple,
    )
    threshold = PercentField(
        label="Ambang cakupan (%)",
        min_value=Decimal(0),
        max_value=Decimal(100),
        initial=rules.DEFAULT_THRESHOLD,
    )

    def clean_period(self) -> str:
        text = self.cleaned_data["period"]
        try:
            return rules.parse_round_period(text).label
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class MoveForm(ChoiceAgain, forms.Form):
    to_state = forms.ChoiceField(label="Status baru")
    note = forms.CharField(
        label="Catatan", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, state: str, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        moves = rules.MOVES.get(state, ())
        moves = tuple(m for m in moves if rules.role_may_move(user.role, m))
        self.fields["to_state"].choices = [(m, rules.STATES[m]) for m in moves]
        # A status chosen on a page opened before another move of the case: said, not "pilihan tidak valid".
        self.fields["to_state"].error_messages["invalid_choice"] = _(
            "Status itu tidak dapat dipilih dari status kasus sekarang (%(state)s); mungkin kasus baru saja "
            "diubah orang lain. Pilih lagi status barunya."
        ) % {"state": rules.STATES.get(state, state)}


class AssignForm(ChoiceAgain, forms.Form):
    agency = forms.ModelChoiceField(
        label="Instansi", queryset=Agency.objects.none(), empty_label=gettext_lazy("— pilih instansi —")
    )
    assignee = forms.ModelChoiceField(
        label="Petugas", queryset=None, required=False, empty_label=gettext_lazy("— belum ada petugas —")
    )

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        province = case.round.province_id
        agencies = Agency.objects.filter(Q(region_id=province) | Q(region_id=case.desa.regency_code))
        self.fields["agency"].queryset = agencies
        self.fields["agency"].error_messages["required"] = _("Pilih instansi.")
        self.fields["agency"].initial = case.agency_id
        members = AgencyMember.objects.filter(agency__in=agencies).select_related("user")
        from lindungdesa.accounts.models import User

        self.fields["assignee"].queryset = User.objects.filter(pk__in=members.values("user_id"))
        self.fields["assignee"].initial = case.assignee_id


def agencies_for(user, province: str) -> QuerySet[Agency]:
    """The agencies a user may give cases to: the province's own (BPJS branch, DPMPD, association) and the
    DPMD of each regency inside the user's region (every regency for province staff), as on a case page."""
    inside = user.region_id if user.region_id and user.region_id.startswith(province + ".") else province
    return Agency.objects.filter(
        Q(region_id=province) | Q(region_id=inside) | Q(region__code__startswith=inside + ".")
    )


def agency_serves(agency: Agency, desa_code: str) -> bool:
    """A province's agency follows up every desa of its province; a regency's DPMD only its own."""
    return desa_code.startswith(agency.region_id + ".")


class BulkForm(ChoiceAgain, forms.Form):
    ACTIONS = [
        ("status", "Ubah status"),
        ("tugaskan", "Tugaskan ke instansi"),
        ("surat", "Cetak surat (PDF)"),
    ]
    # The right each action asks for (accounts/permissions.py). Printing numbers the letters without one,
    # so it is for the offices that send them; the file names people, so it also needs personal.export.
    RIGHTS = {"status": CASE_EDIT, "tugaskan": CASE_ASSIGN, "surat": CASE_LETTER}

    cases = forms.TypedMultipleChoiceField(label="Kasus", coerce=int, required=False)
    action = forms.ChoiceField(label="Tindakan", choices=ACTIONS)
    # No status chosen by default: "Ubah status" without one is "Pilih status baru.", not a move to "Baru".
    to_state = forms.ChoiceField(
        label="Status baru",
        choices=[("", gettext_lazy("— pilih status —")), *rules.STATES.items()],
        required=False,
    )
    agency = forms.ModelChoiceField(
        label="Instansi",
        queryset=Agency.objects.none(),
        required=False,
        empty_label=gettext_lazy("— pilih instansi —"),
    )
    note = forms.CharField(label="Catatan", required=False, max_length=2000)

    def __init__(self, *args, user, round_: Round, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the actions the role may take are offered; one sent anyway is refused by the view (403).
        self.fields["action"].widget.choices = [
            (k, label) for k, label in self.ACTIONS if self.allows(user, k)
        ]
        self.fields["agency"].queryset = agencies_for(user, round_.province_id)
        self.fields["cases"].choices = [(v, v) for v in self.data.getlist("cases")] if self.data else []

    @classmethod
    def allows(cls, user, action: str) -> bool:
        if action == "surat" and not can(user, PERSONAL_EXPORT):
            return False
        return can(user, cls.RIGHTS[action])

    def clean(self):
        data = super().clean()
        if not data.get("cases"):
            raise ValidationError(_("Pilih sedikitnya satu kasus."))
        if data.get("action") == "status" and not data.get("to_state"):
            raise ValidationError(_("Pilih status baru."))
        if data.get("action") == "tugaskan" and not data.get("agency"):
            raise ValidationError(_("Pilih instansi."))
        return data


class QueueFilter(ChoiceAgain, forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "semua yang terbuka"), *rules.STATES.items(), ("semua", "semua")]
    )
    kabupaten = forms.ChoiceField(required=False)
    terlambat = forms.BooleanField(required=False)
    antrean = forms.ChoiceField(
        required=False, choices=[("saya", "antrean instansi saya"), ("semua", "semua kasus di wilayah saya")]
    )

    def __init__(self, *args, round_: Round, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        regencies = Region.objects.filter(parent_id=round_.province_id).order_by("code")
        self.fields["kabupaten"].choices = [("", "semua")] + [
            (r.code, r.name)
            for r in regencies
            if user.can_see_region(r.code) or r.code.startswith(user.region_id or "")
        ]
        self.is_valid()

    def mine(self) -> bool:
        return (self.cleaned_data.get("antrean") or "saya") == "saya"

    def apply(self, cases: QuerySet[Case], *, today: date) -> QuerySet[Case]:
        data = self.cleaned_data
        status = data.get("status") or ""
        if status == "":
            cases = cases.filter(state__in=rules.OPEN_STATES)
        elif status != "semua":
            cases = cases.filter(state=status)
        if data.get("kabupaten"):
            cases = cases.filter(desa__regency_code=data["kabupaten"])
        if data.get("terlambat"):
            cases = cases.filter(state__in=rules.OPEN_STATES, due_date__lt=today)
        return cases
