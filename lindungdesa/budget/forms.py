from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lindungdesa.lib.forms import ChoiceAgain
from lindungdesa.officials.models import Group

from . import compute
from .models import PayerRule, RiskGroup, Source


class BudgetForm(ChoiceAgain, forms.Form):
    """The query string of a budget page: which fiscal year, and which scenario."""

    tahun = forms.CharField(required=False)
    skenario = forms.ChoiceField(
        choices=[(compute.CURRENT, _("Peserta saat ini")), (compute.ALL_SERVING, _("Semua yang menjabat"))],
        required=False,
    )
    jht = forms.BooleanField(required=False, label=_("tambah JHT"))
    jp = forms.BooleanField(required=False, label=_("tambah JP"))
    risiko = forms.TypedChoiceField(
        choices=[("", _("menurut kabupaten"))] + list(RiskGroup.choices),
        coerce=int,
        empty_value=None,
        required=False,
        label=_("kelompok risiko JKK"),
    )

    def __init__(self, *args, this_year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.this_year = this_year

    def clean_tahun(self) -> int | None:
        text = (self.cleaned_data.get("tahun") or "").strip()
        if not text:
            return None
        try:
            return compute.parse_year(text, this_year=self.this_year)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None

    def values(self) -> tuple[int, compute.Scenario, list[str]]:
        """(year, scenario, messages): an invalid part falls back to its default (next year, current)."""
        self.is_valid()
        data = self.cleaned_data
        year = data.get("tahun") or self.this_year + 1
        add = tuple(p for p, key in (("JHT", "jht"), ("JP", "jp")) if data.get(key))
        scenario = compute.Scenario(data.get("skenario") or compute.CURRENT, add, data.get("risiko"))
        errors = [str(e) for field in self.errors.values() for e in field]
        return year, scenario, errors


def scenario_query(year: int, scenario: compute.Scenario) -> str:
    """The query string that selects a year and scenario on the budget pages and downloads."""
    parts = [f"tahun={year}", f"skenario={scenario.population}"]
    parts += [f"{p.lower()}=on" for p in scenario.add]
    if scenario.risk_group:
        parts.append(f"risiko={scenario.risk_group}")
    return "?" + "&".join(parts)


PAYER_CHOICES = list(Source.choices)
# Programmes whose rules have a worker share (JHT 2 %, JP 1 %); JKK and JKM are the employer's alone.
WORKER_SHARE_PROGRAMMES = ("JHT", "JP")


class RegencySettingsForm(ChoiceAgain, forms.Form):
    """Who pays each programme for each group in one regency, and how it budgets those not yet enrolled."""

    tahun = forms.IntegerField(label=_("berlaku mulai tahun anggaran"))
    risiko = forms.TypedChoiceField(choices=RiskGroup.choices, coerce=int, label=_("kelompok risiko JKK"))
    kategori_bpd = forms.ChoiceField(
        choices=[("PU", _("Penerima Upah (PU): dari tunjangan")), ("BPU", _("Bukan Penerima Upah (BPU)"))],
        label=_("anggota BPD didaftarkan sebagai"),
    )
    penghasilan_bpd = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=0, label=_("penghasilan yang dilaporkan anggota BPD (BPU)")
    )
    # Where BPD members' premiums go in the APBDes: the national chart has no account for them.
    akun_bpd = forms.RegexField(
        regex=r"^5(\.\d{1,2}){3}$",
        max_length=20,
        label=_("kode rekening APBDes iuran anggota BPD"),
        error_messages={"invalid": _("Tulis kode rekening objek, mis. 5.1.4.91.")},
    )
    nama_akun_bpd = forms.CharField(max_length=120, label=_("nama rekening iuran anggota BPD"))
    kegiatan_bpd = forms.RegexField(
        regex=r"^\d{2}\.\d{2}\.\d{2}$",
        max_length=20,
        label=_("kode kegiatan iuran anggota BPD"),
        error_messages={"invalid": _("Tulis kode kegiatan, mis. 01.01.05.")},
    )
    nama_kegiatan_bpd = forms.CharField(max_length=200, label=_("nama kegiatan iuran anggota BPD"))
    alasan = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("dasar hukum atau alasan perubahan"), required=True
    )

    def __init__(self, *args, this_year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.this_year = this_year
        for group in Group.values:
            for programme in compute.PROGRAMMES:
                shares = compute.SHARES if programme in WORKER_SHARE_PROGRAMMES else (compute.EMPLOYER,)
                for share in shares:
                    self.fields[self.field_name(group, programme, share)] = forms.ChoiceField(
                        choices=PAYER_CHOICES, label=f"{group} {programme} {share}"
                    )

    @staticmethod
    def field_name(group: str, programme: str, share: str) -> str:
        return f"{group.lower()}_{programme.lower()}_{share}"

    def clean_tahun(self) -> int:
        try:
            return compute.parse_year(str(self.cleaned_data["tahun"]), this_year=self.this_year)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None

    def payers(self) -> dict[tuple[str, str], tuple[str, str]]:
        data = self.cleaned_data
        return {
            (group, programme): (
                data[self.field_name(group, programme, compute.EMPLOYER)],
                data.get(self.field_name(group, programme, compute.WORKER), Source.PESERTA),
            )
            for group in Group.values
            for programme in compute.PROGRAMMES
        }

    def rows(self) -> list[dict]:
        """The payer fields laid out as a table: a row per group and programme."""
        return [
            {
                "group": PayerRule(group=group).get_group_display(),
                "programme": programme,
                "employer": self[self.field_name(group, programme, compute.EMPLOYER)],
                "worker": (
                    self[self.field_name(group, programme, compute.WORKER)]
                    if programme in WORKER_SHARE_PROGRAMMES
                    else None
                ),
            }
            for group in Group.values
            for programme in compute.PROGRAMMES
        ]
