"""The forms that keep a desa's roster in the pages: add an official, correct a person, end or hand over a
term. Field names are the services' keyword arguments, so that a service's ValidationError (keyed by those
names, `officials.rules`) lands beside its field (`add_service_errors`)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungdesa.lib.cells import formula_like
from lindungdesa.lib.forms import ChoiceAgain
from lindungdesa.lib.nik import nik_mask
from lindungdesa.lib.values import CellError, parse_optional_amount, parse_phone, parse_text
from lindungdesa.officials.models import Acting, Office, Person, Position
from lindungdesa.officials.rules import no_identity_message, retires_at_sixty

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
# Why a term ends, as the end form offers it: a replacement is the hand-over form's work.
END_REASONS = [(value, label) for value, label in Position.EndReason.choices if value not in ("", "replaced")]


class DayField(forms.DateField):
    """A day, from the browser's date picker (YYYY-MM-DD) or typed as on an SK (DD/MM/YYYY)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        super().__init__(**kwargs)
        self.error_messages["invalid"] = gettext_lazy("Tanggal tidak dikenali; tulis seperti 17/08/1980.")
        self.error_messages["required"] = gettext_lazy("Tanggal ini wajib diisi.")


class RupiahField(forms.DecimalField):
    """An amount typed as Indonesians write it ("2.500.000", "Rp 2.500.000,00", "2500000"), read by the same
    rule as an import's cells (`lib.values.parse_amount`)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value):
        # A kept amount shown as typed ("2.500.000", "2.500.000,50"), which `to_python` reads back.
        if isinstance(value, Decimal):
            whole, cents = divmod(value.quantize(Decimal("0.01")), 1)
            shown = f"{int(whole):,}".replace(",", ".")
            return f"{shown},{int(cents * 100):02d}" if cents else shown
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_optional_amount(str(value).strip())
        except CellError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


def name_clean(typed: str) -> str:
    """A name as the imports read it (`parse_text`: no zero-width characters pasted from a chat, single
    spaces), so that the page and a file keep the same person under the same name. A name as on a KTP
    begins with a letter: one beginning with "=", "+", "-" or "@" was pasted from a spreadsheet's formula."""
    try:
        name = parse_text(typed, max_length=150, required=True)
    except CellError as exc:
        raise ValidationError(str(exc)) from None
    if formula_like(name):
        raise ValidationError(
            _("Nama tidak boleh diawali “%(char)s”: tulis nama seperti di KTP, diawali huruf.")
            % {"char": name[0]},
            code="formula",
        )
    return name


def _text(
    label, *, required: bool = True, max_length: int = 150, help_text: str = "", **attrs
) -> forms.CharField:
    field = forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )
    field.error_messages["required"] = gettext_lazy("Wajib diisi.")
    field.error_messages["max_length"] = gettext_lazy(
        "Terlalu panjang (paling banyak %(limit_value)d karakter)."
    )
    return field


def _nik(*, required: bool, help_text) -> forms.CharField:
    return _text(
        gettext_lazy("NIK"),
        required=required,
        max_length=20,
        inputmode="numeric",
        autocomplete="off",
        help_text=help_text,
    )


class PersonFields(ChoiceAgain, forms.Form):
    """Who: a NIK and what the KTP says. A NIK on record is the same person (its name must agree). Without a
    NIK (not known yet), name and birth date tell the person apart within the desa, as imports do."""

    nik = _nik(
        required=False,
        help_text=gettext_lazy(
            "16 angka, seperti di KTP. Bila belum ada, kosongkan: nama dan tanggal lahir mengenali orangnya."
        ),
    )
    name = _text(gettext_lazy("Nama lengkap"), autocomplete="off")
    birth_date = DayField(
        label=gettext_lazy("Tanggal lahir"),
        required=False,
        help_text=gettext_lazy("Boleh kosong bila NIK diisi: dibaca dari NIK."),
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Jenis kelamin"),
        choices=[("", gettext_lazy("(dibaca dari NIK)")), *Person.Sex.choices],
        required=False,
    )
    phone = _text(
        gettext_lazy("Nomor HP"), required=False, max_length=30, inputmode="tel", autocomplete="off"
    )

    def clean_nik(self) -> str:
        return "".join(self.cleaned_data["nik"].split())

    def clean_name(self) -> str:
        return name_clean(self.cleaned_data["name"])

    def clean_phone(self) -> str:
        # The imports' parser: national form, digits only ("081234567890"), or empty.
        try:
            return parse_phone(self.cleaned_data["phone"])
        except CellError as exc:
            raise ValidationError(str(exc)) from None

    def clean(self) -> dict:
        data = super().clean()
        # A person without a NIK needs a birth date beside the name (the imports' rule and message).
        if not data.get("nik") and "nik" not in self.errors and not self.errors.get("birth_date"):
            if not data.get("birth_date"):
                self.add_error("nik", no_identity_message())
        return data

    def person_values(self) -> dict:
        data = self.cleaned_data
        return {
            "nik": data["nik"] or None,
            "name": data["name"],
            "sex": data.get("sex") or None,
            "birth_date": data.get("birth_date"),
            "phone": data.get("phone", ""),
        }


class TermFields(ChoiceAgain, forms.Form):
    """The term in the SK: acting status, start, planned end, SK number and date, income."""

    acting = forms.ChoiceField(
        label=gettext_lazy("Status jabatan"),
        choices=Acting.choices,
        required=False,
        help_text=gettext_lazy("Pj hanya untuk kepala desa; BPD tidak mengenal Pj atau Plt."),
    )
    term_start = DayField(label=gettext_lazy("Mulai menjabat"))
    term_end = DayField(
        label=gettext_lazy("Akhir masa jabatan menurut SK"),
        required=False,
        help_text=gettext_lazy("Boleh kosong bila SK tidak menyebutnya."),
    )
    sk_number = _text(gettext_lazy("Nomor SK"), required=False, max_length=100, autocomplete="off")
    sk_date = DayField(label=gettext_lazy("Tanggal SK"), required=False)
    monthly_income = RupiahField(
        label=gettext_lazy("Penghasilan bulanan (Rp)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=gettext_lazy("Penghasilan tetap dan tunjangan; dasar iuran BPJS TK. Mis. 2.500.000."),
        error_messages={
            "min_value": gettext_lazy("Penghasilan tidak boleh negatif."),
            "max_digits": gettext_lazy("Angka terlalu besar."),
            "max_decimal_places": gettext_lazy("Paling banyak dua angka di belakang koma."),
            "max_whole_digits": gettext_lazy("Angka terlalu besar."),
        },
    )

    def term_values(self) -> dict:
        data = self.cleaned_data
        values = {
            "acting": data.get("acting") or "",
            "term_start": data["term_start"],
            "term_end": data.get("term_end"),
            "sk_number": data.get("sk_number", ""),
            "sk_date": data.get("sk_date"),
        }
        if data.get("monthly_income") is not None:
            values["monthly_income"] = data["monthly_income"]
        return values


class OfficialAddForm(PersonFields, TermFields):
    """A person given an office in a desa: `officials.services.position_appoint`."""

    field_order = ["nik", "name", "birth_date", "sex", "phone", "office", "unit_name"]

    office = forms.ChoiceField(
        label=gettext_lazy("Jabatan"), choices=[("", gettext_lazy("— pilih jabatan —")), *Office.choices]
    )
    unit_name = _text(
        gettext_lazy("Nama dusun"),
        required=False,
        max_length=80,
        help_text=gettext_lazy("Untuk kepala dusun: nama dusunnya."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].error_messages["required"] = _("Pilih jabatan.")

    def clean_unit_name(self) -> str:
        # Read as an import reads it: "Dusun  Hulu" typed with two spaces is the seat of "Dusun Hulu".
        return parse_text(self.cleaned_data["unit_name"], max_length=80)

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            **self.person_values(),
            **self.term_values(),
            "office": data["office"],
            "unit_name": data.get("unit_name", ""),
        }


class HandOverForm(PersonFields, TermFields):
    """The successor of a holder: `officials.services.position_hand_over`."""

    field_order = ["nik", "name", "birth_date", "sex", "phone", "term_start"]

    def values(self) -> dict:
        return {**self.person_values(), **self.term_values()}


class PersonEditForm(ChoiceAgain, forms.Form):
    """A person's own fields, corrected: `officials.services.person_update`."""

    nik = _nik(required=False, help_text=gettext_lazy("16 angka, seperti di KTP."))
    name = PersonFields.base_fields["name"]
    birth_date = DayField(label=gettext_lazy("Tanggal lahir"))
    sex = forms.ChoiceField(label=gettext_lazy("Jenis kelamin"), choices=Person.Sex.choices)
    phone = PersonFields.base_fields["phone"]

    clean_nik = PersonFields.clean_nik
    clean_name = PersonFields.clean_name
    clean_phone = PersonFields.clean_phone

    def __init__(self, *args, current_nik: str | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current_nik = current_nik
        self.fields["sex"].error_messages["required"] = _("Pilih jenis kelamin.")
        if current_nik:
            # The NIK on record is not sent to the page: a whole NIK is shown only on request, with an
            # audit entry (Lihat NIK). Left empty it stays; typed, it replaces a mistyped one.
            self.fields["nik"].help_text = _(
                "Kosongkan bila NIK tetap %(nik)s. Isi hanya untuk membetulkan salah ketik: 16 angka, "
                "seperti di KTP."
            ) % {"nik": nik_mask(current_nik)}
        else:
            # A person without a NIK yet: the NIK may stay empty (name and birth date tell them apart, as
            # imports do) and the sex may stay blank, as a roster row without one leaves it.
            self.fields["nik"].help_text = PersonFields.base_fields["nik"].help_text
            self.fields["sex"].required = False
            self.fields["sex"].choices = [("", _("(belum diketahui)")), *Person.Sex.choices]

    def values(self) -> dict:
        return {**self.cleaned_data, "nik": self.cleaned_data["nik"] or self.current_nik}


class PositionCorrectForm(ChoiceAgain, forms.Form):
    """A term's mistyped start, SK and income, corrected: `officials.services.position_correct`. The fields
    (and so their reading and messages) are the add form's."""

    term_start = TermFields.base_fields["term_start"]
    sk_number = TermFields.base_fields["sk_number"]
    sk_date = TermFields.base_fields["sk_date"]
    monthly_income = TermFields.base_fields["monthly_income"]
    unit_name = OfficialAddForm.base_fields["unit_name"]
    clean_unit_name = OfficialAddForm.clean_unit_name

    def __init__(self, *args, dusun: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not dusun:  # only a kepala dusun has a dusun to complete
            del self.fields["unit_name"]

    def values(self) -> dict:
        data = self.cleaned_data
        values = {
            "term_start": data["term_start"],
            "sk_number": data.get("sk_number", ""),
            "sk_date": data.get("sk_date"),
            "monthly_income": data.get("monthly_income") or Decimal(0),
        }
        if data.get("unit_name"):  # a kepala dusun's, completed or corrected; left blank it stays as it is
            values["unit_name"] = data["unit_name"]
        return values


class PositionEndForm(ChoiceAgain, forms.Form):
    """The last day in office and why: `officials.services.position_end`."""

    term_end = DayField(label=gettext_lazy("Hari terakhir menjabat"))
    end_reason = forms.ChoiceField(
        label=gettext_lazy("Alasan berakhir"), choices=[("", gettext_lazy("— pilih alasan —")), *END_REASONS]
    )

    def __init__(self, *args, office: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not retires_at_sixty(office):
            self.fields["end_reason"].choices = [
                (value, label)
                for value, label in self.fields["end_reason"].choices
                if value != Position.EndReason.RETIRED
            ]
        self.fields["end_reason"].error_messages["required"] = _("Alasan berakhir wajib dipilih.")
        self.fields["end_reason"].error_messages["invalid_choice"] = _("Pilih alasan dari daftar.")


def add_service_errors(
    form: forms.Form, error: ValidationError, *, rename: dict[str, str] | None = None
) -> None:
    """A service's ValidationError shown in the form: beside the field it names when the form has it, else
    above the form."""
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        name = rename.get(field, field)
        form.add_error(name if name in form.fields else None, messages)
