from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import BPJS_IMPORT, ROSTER_IMPORT, can
from lindungdesa.accounts.scope import scoped
from lindungdesa.lib.forms import ChoiceAgain, shown_back
from lindungdesa.lib.headers import Field
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region

from .models import ImportBatch
from .retention import QuotaExceeded, upload_quota_check

# Larger files are for the command line (`lindungdesa import ...`), which reads them from disk.
MAX_UPLOAD_MB = 200
# Up to this many desa the desa field suggests them by name as the user types; beyond, only the code works.
DESA_SUGGESTIONS_MAX = 2500
IGNORE = ""


def may_import_bpjs(user: User) -> bool:
    """BPJS extracts cover a whole branch area: a village operator keeps only its own roster."""
    return can(user, BPJS_IMPORT)


def may_import_roster(user: User) -> bool:
    return can(user, ROSTER_IMPORT)


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "TTTT-BB"})

    def to_python(self, value: str | None) -> Month | None:
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            return Month.parse(text)
        except ValueError:
            raise ValidationError(
                _("Bulan “%(value)s” tidak dikenal. Tulis TTTT-BB, mis. 2026-10."),
                params={"value": shown_back(text, limit=len("2026-10"))},
                code="invalid",
            ) from None


class UploadForm(ChoiceAgain, forms.Form):
    """A file to import, and what the file itself cannot say: its kind, its month, its desa."""

    jenis = forms.ChoiceField(
        label=gettext_lazy("Jenis berkas"), choices=ImportBatch.Kind.choices, widget=forms.RadioSelect
    )
    berkas = forms.FileField(
        label=gettext_lazy("Berkas"),
        help_text=gettext_lazy("CSV atau Excel (XLSX), atau unduhan daftar perangkat dari OpenSID."),
    )
    bulan = MonthField(
        label=gettext_lazy("Bulan ekstrak BPJS"),
        required=False,
        help_text=gettext_lazy("Wajib untuk ekstrak BPJS: keadaan kepesertaan pada bulan ini."),
    )
    desa = forms.CharField(
        label=gettext_lazy("Desa"),
        required=False,
        max_length=20,
        help_text=gettext_lazy(
            "Untuk daftar tanpa kolom kode_desa (mis. unduhan OpenSID): kode Kemendagri desanya, "
            "mis. 61.03.01.2007. Kosongkan bila berkas berisi kolom kode_desa."
        ),
    )
    uji_coba = forms.BooleanField(
        label=gettext_lazy("Uji coba dulu"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Tampilkan hasilnya tanpa menyimpan apa pun; simpan sesudah diperiksa."),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["jenis"].choices = [
            (kind, label)
            for kind, label in ImportBatch.Kind.choices
            if (may_import_bpjs(user) if kind == ImportBatch.Kind.BPJS else may_import_roster(user))
        ]
        self.fields["jenis"].initial = (
            self.fields["jenis"].choices[0][0] if self.fields["jenis"].choices else ""
        )
        if not may_import_roster(user):
            # Only BPJS extracts (the BPJS officer): their month is needed, their desa come from the file.
            self.fields["bulan"].required = True
            self.fields["bulan"].error_messages["required"] = _("Pilih bulan ekstrak BPJS.")
            self.fields["berkas"].help_text = _(
                "CSV atau Excel (XLSX): ekstrak peserta dari sistem BPJS Ketenagakerjaan, satu bulan."
            )
        self.own_desa = user.region if user.region_id and user.region.level == 4 else None
        if self.own_desa is not None:
            # A village operator imports only for its own desa.
            self.fields["desa"] = forms.ChoiceField(
                label=gettext_lazy("Desa"),
                choices=[(self.own_desa.code, f"{self.own_desa.name} ({self.own_desa.code})")],
                initial=self.own_desa.code,
                required=False,
            )
        else:
            self.fields["desa"].widget.attrs.update(
                {"list": "daftar-desa", "inputmode": "decimal", "autocomplete": "off"}
            )

    @property
    def offers_bpjs(self) -> bool:
        return any(kind == ImportBatch.Kind.BPJS for kind, _label in self.fields["jenis"].choices)

    @property
    def offers_roster(self) -> bool:
        return any(kind != ImportBatch.Kind.BPJS for kind, _label in self.fields["jenis"].choices)

    def desa_suggestions(self) -> list[tuple[str, str]]:
        """(code, name) of the desa of the user's region, for the field's datalist (none when too many to
        send). Plain pairs in one query: a regency's few hundred options as objects were half the page."""
        if self.own_desa is not None:
            return []
        desa = scoped(Region.objects.filter(level=4, kind__in=Region.VILLAGE_KINDS), self.user)
        pairs = list(desa.values_list("code", "name")[: DESA_SUGGESTIONS_MAX + 1])
        return [] if len(pairs) > DESA_SUGGESTIONS_MAX else pairs

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(
                _(
                    "Berkas lebih besar dari %(max)s MB. Bagi menjadi beberapa berkas, atau impor lewat "
                    "perintah lindungdesa import."
                ),
                params={"max": MAX_UPLOAD_MB},
                code="too_large",
            )
        try:
            upload_quota_check(user=self.user, size=upload.size)
        except QuotaExceeded as exc:
            raise ValidationError(str(exc), code="quota") from None
        return upload

    def clean_bulan(self) -> Month | None:
        month = self.cleaned_data["bulan"]
        if month is not None and month > Month.of(timezone.localdate()):
            raise ValidationError(_("Bulan %(value)s belum berjalan."), params={"value": str(month)})
        return month

    def clean_desa(self) -> Region | None:
        if self.own_desa is not None:
            return self.own_desa
        text = "".join(self.cleaned_data["desa"].split())
        if not text:
            return None
        desa = Region.objects.filter(code=text).first()
        if desa is None or desa.level != 4 or not self.user.can_see_region(desa.code):
            raise ValidationError(
                _(
                    "Desa dengan kode %(code)s tidak ada di wilayah Anda. "
                    "Tulis kode lengkap, mis. 61.03.01.2007."
                ),
                params={"code": text},
                code="unknown",
            )
        if not desa.is_village:
            raise ValidationError(
                _("%(name)s adalah kelurahan: tidak punya aparat desa atau BPD."), params={"name": desa.name}
            )
        return desa

    def clean(self):
        data = super().clean()
        if (
            data.get("jenis") == ImportBatch.Kind.BPJS
            and not data.get("bulan")
            and "bulan" not in self.errors
        ):
            self.add_error("bulan", _("Pilih bulan ekstrak BPJS."))
        return data


class MappingForm(ChoiceAgain, forms.Form):
    """For each column of the file, the import field it holds (or nothing)."""

    def __init__(self, *args, headers: list[str], fields: tuple[Field, ...], initial_mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [(IGNORE, _("— abaikan kolom ini —"))] + [(f.name, f"{f.label} ({f.name})") for f in fields]
        initial_mapping = initial_mapping or {}
        for index, header in enumerate(headers):
            self.fields[self.key(index)] = forms.ChoiceField(
                label=header or _("Kolom %(n)s (tanpa judul)") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=initial_mapping.get(index, IGNORE),
            )

    @staticmethod
    def key(index: int) -> str:
        return f"kolom_{index}"

    def clean(self):
        data = super().clean()
        seen: dict[str, int] = {}
        for index in range(len(self.headers)):
            name = data.get(self.key(index))
            if not name:
                continue
            if name in seen:
                self.add_error(
                    self.key(index),
                    _("Sudah dipilih untuk kolom %(n)s. Satu isian hanya dari satu kolom.")
                    % {"n": seen[name] + 1},
                )
            else:
                seen[name] = index
        return data

    def overrides(self) -> dict[int, str]:
        """{column index: field name} for every column; an ignored column maps to ""."""
        return {index: self.cleaned_data.get(self.key(index)) or IGNORE for index in range(len(self.headers))}
