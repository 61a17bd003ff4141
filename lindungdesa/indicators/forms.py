from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungdesa.lib.forms import ChoiceAgain
from lindungdesa.lib.months import Month
from lindungdesa.web.forms import PeriodField, period_choices

from . import worklists
from .models import Target, UcjFigure

YEARS = range(2020, 2051)


class PercentField(forms.DecimalField):
    """A percentage typed either way: "88,5" (as written in Indonesia) or "88.5" (number inputs send that).
    No thousands separators: a percentage has none."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%").replace(",", ".")
        return super().to_python(value)


class RegionSelect(forms.Select):
    """A select of regions written in one pass: Django's renders every option through the template engine,
    and a national administrator's list holds every province and regency (552 options: 17 ms against 3 ms in
    this one on a quiet machine, docs/benchmarks.md). The same HTML as Django's, without option groups."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((code, " selected" if str(code) in chosen else "", label) for code, label in self.choices),
        )
        return format_html(
            "<select{}>{}</select>",
            flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name})),
            options,
        )


def _region_choices(regions) -> list[tuple[str, str]]:
    return [(r.code, f"{r.code} {r.name}") for r in regions]


class TargetForm(ChoiceAgain, forms.Form):
    region = forms.ChoiceField(label="Wilayah", widget=RegionSelect)
    indicator = forms.ChoiceField(label="Indikator", choices=Target.Indicator.choices)
    year = forms.TypedChoiceField(label="Tahun", coerce=int, choices=[(y, str(y)) for y in YEARS])
    value = PercentField(
        label="Target (%)",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text="Kosongkan untuk menghapus target tahun itu.",
    )
    note = forms.CharField(
        label="Catatan / dasar", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices(regions)


class UcjForm(ChoiceAgain, forms.Form):
    region = forms.ChoiceField(label="Wilayah", widget=RegionSelect)
    year = forms.TypedChoiceField(label="Tahun", coerce=int, choices=[(y, str(y)) for y in YEARS])
    working_population = forms.IntegerField(label="Penduduk bekerja", min_value=1)
    participants = forms.IntegerField(label="Peserta BPJS Ketenagakerjaan", min_value=0)
    numerator = forms.ChoiceField(
        label="Yang dihitung sebagai peserta",
        choices=UcjFigure.Numerator.choices,
        initial=UcjFigure.Numerator.ACTIVE,
    )
    source = forms.CharField(label="Sumber", required=False, max_length=500)

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices(regions)

    def clean(self):
        data = super().clean()
        population, participants = data.get("working_population"), data.get("participants")
        if population and participants is not None and participants > population:
            raise ValidationError(_("Jumlah peserta melebihi penduduk bekerja. Periksa kedua angka."))
        return data


class UcjUploadForm(ChoiceAgain, forms.Form):
    berkas = forms.FileField(label="Berkas CSV atau XLSX")


class SnapshotForm(ChoiceAgain, forms.Form):
    period = PeriodField(label="Bulan")

    def __init__(self, *args, current: Month, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_period(self) -> Month:
        period = self.cleaned_data["period"]
        if period is None:
            raise ValidationError(_("Pilih bulan potret."))
        if period > self.current:
            raise ValidationError(_("Periode %(period)s belum berjalan.") % {"period": period})
        return period


@dataclass(frozen=True)
class WorklistChoice:
    period: Month
    kind: str
    which: str
    threshold: Decimal
    format: str
    limit: int


class WorklistForm(ChoiceAgain, forms.Form):
    # The labels are the page's (templates/indicators/worklist.html): messages name the field by them.
    periode = PeriodField(required=False, label=gettext_lazy("Keadaan akhir bulan"))
    daftar = forms.ChoiceField(
        choices=list(worklists.KINDS.items()), required=False, label=gettext_lazy("Daftar")
    )
    kelompok = forms.ChoiceField(
        choices=list(worklists.MEASURES.items()), required=False, label=gettext_lazy("Kelompok")
    )
    ambang = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        label=gettext_lazy("Ambang cakupan (%)"),
    )
    format = forms.ChoiceField(
        choices=[("", "halaman"), ("xlsx", "XLSX"), ("csv", "CSV")],
        required=False,
        label=gettext_lazy("Format unduhan"),
    )

    LIMIT = 500  # rows on the page; downloads hold them all

    def __init__(self, *args, current: Month, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_periode(self) -> Month | None:
        period = self.cleaned_data["periode"]
        if period is not None and period > self.current:
            raise ValidationError(_("Periode %(period)s belum berjalan.") % {"period": period})
        return period

    def choice(self) -> WorklistChoice:
        """The list asked for; fields with errors fall back to their defaults (the errors are shown)."""
        self.is_valid()
        data = self.cleaned_data
        threshold = data.get("ambang")
        return WorklistChoice(
            period=data.get("periode") or self.current,
            kind=data.get("daftar") or worklists.NOBODY,
            which=data.get("kelompok") or "semua",
            threshold=threshold if threshold is not None else worklists.DEFAULT_THRESHOLD,
            format=data.get("format") or "",
            limit=self.LIMIT,
        )

    def period_choices(self, selected: Month) -> list[Month]:
        return period_choices(self.current, selected)
