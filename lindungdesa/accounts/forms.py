from datetime import datetime, time

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungdesa.lib.forms import ChoiceAgain
from lindungdesa.regions.models import Region

from .models import User
from .permissions import grantable_roles


class LoginForm(ChoiceAgain, AuthenticationForm):
    # Django's Indonesian catalogue writes "nama pengguna %(username)s", and the field's name is "nama
    # pengguna" too: the page said "Masukkan nama pengguna nama pengguna dan sandi yang benar".
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "Nama pengguna atau kata sandi salah. Huruf besar dan kecil dibedakan pada keduanya."
        ),
    }


class RegionCodeField(forms.CharField):
    """A Kemendagri code typed by the user; empty means the whole country."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "placeholder": "61.03"})

    def clean(self, value):
        text = "".join((super().clean(value) or "").split())
        if not text:
            return None
        region = Region.objects.filter(code=text).first()
        if region is None:
            raise ValidationError(
                _("Wilayah dengan kode %(code)s tidak dikenal."), params={"code": text[:20]}
            )
        return region


class UserForm(ChoiceAgain, forms.Form):
    """Create or change a user; the roles offered are only those the administrator may grant."""

    username = forms.CharField(label=gettext_lazy("Nama pengguna"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("Nama depan"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Nama belakang"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("Surel"), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Peran"))
    region = RegionCodeField(
        label=gettext_lazy("Kode wilayah"),
        required=False,
        help_text=gettext_lazy("Provinsi 61, kabupaten 61.03, desa 61.03.01.2007."),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Aktif"), required=False, initial=True)
    password1 = forms.CharField(
        label=gettext_lazy("Kata sandi awal"), widget=forms.PasswordInput, required=False
    )

    def __init__(self, *args, by: User, instance: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["role"].choices = [(r, User.Role(r).label) for r in grantable_roles(by)]
        if instance is None:
            self.fields["password1"].required = True
            self.fields["password1"].widget.attrs["autocomplete"] = "new-password"
            del self.fields["is_active"]
        else:
            del self.fields["password1"]
            self.fields["username"].disabled = True

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        taken = User.objects.filter(username__iexact=username)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Nama pengguna ini sudah dipakai."))
        return username


class PasswordResetForm(ChoiceAgain, forms.Form):
    password1 = forms.CharField(label=gettext_lazy("Kata sandi baru"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=gettext_lazy("Ulangi kata sandi baru"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        return data


class CodeForm(ChoiceAgain, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kode 6 angka dari aplikasi autentikator"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class TokenForm(ChoiceAgain, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nama token"),
        max_length=80,
        help_text=gettext_lazy("Untuk apa token ini, mis. \u201cSinkronisasi OpenSID\u201d."),
    )


class AuditSearchForm(ChoiceAgain, forms.Form):
    orang = forms.CharField(label=gettext_lazy("Orang (nama atau NIK)"), required=False, max_length=100)
    desa = forms.CharField(label=gettext_lazy("Kode wilayah/desa"), required=False, max_length=20)
    pengguna = forms.CharField(label=gettext_lazy("Pengguna"), required=False, max_length=150)
    dari = forms.DateField(
        label=gettext_lazy("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sampai = forms.DateField(
        label=gettext_lazy("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_desa(self) -> str:
        return "".join(self.cleaned_data["desa"].split())

    def clean(self):
        data = super().clean()
        if data.get("dari") and data.get("sampai") and data["dari"] > data["sampai"]:
            self.add_error("sampai", _("Tanggal akhir sebelum tanggal awal."))
        return data

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        tz = timezone.get_current_timezone()
        start, end = self.cleaned_data.get("dari"), self.cleaned_data.get("sampai")
        return (
            datetime.combine(start, time.min, tzinfo=tz) if start else None,
            datetime.combine(end, time.max, tzinfo=tz) if end else None,
        )
