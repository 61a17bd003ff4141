from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungdesa.lib.forms import ChoiceAgain, shown_back
from lindungdesa.lib.months import Month

from .tables import COLUMNS

# Months offered in the period selector, counting the current one.
PERIOD_CHOICES_MONTHS = 24


def period_choices(current: Month, selected: Month) -> list[Month]:
    """The months a period selector offers: the last 24, and the selected one if older."""
    months = [current.add(-i) for i in range(PERIOD_CHOICES_MONTHS)]
    if selected not in months:
        # A bookmarked older month stays selectable rather than silently changing.
        months.append(selected)
    return months


class PeriodField(forms.CharField):
    def to_python(self, value: str | None) -> Month | None:
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            return Month.parse(text)
        except ValueError:
            raise ValidationError(
                _("Periode “%(value)s” tidak dikenal. Pilih bulan dari daftar, atau tulis TTTT-BB."),
                params={"value": shown_back(text, limit=len("2026-10"))},
                code="invalid",
            ) from None


class RegionPageForm(ChoiceAgain, forms.Form):
    """The query string of a region page: which month, and how to sort the table of child regions."""

    periode = PeriodField(required=False)
    urut = forms.ChoiceField(choices=[(c.key, c.label) for c in COLUMNS], required=False)
    arah = forms.ChoiceField(
        choices=[("asc", gettext_lazy("naik")), ("desc", gettext_lazy("turun"))], required=False
    )

    def __init__(self, *args, current: Month, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_periode(self) -> Month | None:
        period = self.cleaned_data["periode"]
        if period is not None and period > self.current:
            raise ValidationError(
                _("Periode %(value)s belum berjalan. Pilih bulan ini atau bulan sebelumnya."),
                params={"value": str(period)},
                code="future",
            )
        return period

    def values(self) -> tuple[Month, str, str, list[str]]:
        """(period, sort column, direction, messages): invalid parts fall back to the defaults.

        A bad period is reported to the user; a bad sort column (only reachable by editing the
        address) is silently ignored.
        """
        self.is_valid()
        data = self.cleaned_data
        period = data.get("periode") or self.current
        return period, data.get("urut") or "", data.get("arah") or "asc", self.errors.get("periode", [])

    def period_choices(self, selected: Month) -> list[Month]:
        return period_choices(self.current, selected)
