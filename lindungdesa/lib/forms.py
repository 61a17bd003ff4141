"""What every form of the project shares: a value outside a choice field's choices is never shown back."""

from django.utils.translation import gettext as _

# Django's messages for a value outside the choices quote the value sent ("%(value)s", "%(pk)s"): a forged
# desa code or NIK posted in place of a choice would come back whole in the page.
ECHOING = ("invalid_choice", "invalid_pk_value")


class ChoiceAgain:
    """Mixin for forms: a choice field answers a value outside its choices by naming the field to choose
    again. A form's own message that quotes nothing (a status that cannot be chosen now) is kept."""

    def full_clean(self) -> None:
        # Here rather than in __init__: forms add choice fields after their own super().__init__().
        for field in self.fields.values():
            for code in ECHOING:
                message = field.error_messages.get(code)
                if message is not None and "%(" in str(message):
                    # A field without a label (a query parameter of a filter) is not named by its code name.
                    field.error_messages[code] = (
                        _("Pilih lagi “%(label)s” dari daftar.") % {"label": field.label}
                        if field.label
                        else _("Pilih lagi dari daftar.")
                    )
        super().full_clean()


def shown_back(text: str, *, limit: int) -> str:
    """`text` as a message may quote it: cut to `limit` characters, the length of a valid value (a month
    "2026-10"), so that a typo is shown and a forged NIK or desa code never is whole."""
    return text if len(text) <= limit else text[:limit] + "…"
