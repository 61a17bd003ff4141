"""The audit page in words: a field's label and a value's meaning instead of column names and codes.

"is_superuser: False" becomes "Status superuser: tidak", "role: village_operator" becomes "Peran: Operator
desa", "enrolment.Enrolment" becomes "Kepesertaan". Labels and choices come from the models themselves, so
a new field is shown by its own verbose name; one without (Django makes it from the field's name, in English)
by `NAMES`, which tests/accounts/test_audit8_audit_words.py holds to every field the audit records. The CSV
export keeps the raw names and values for machines.
"""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext as _

DASH = "–"
# Model label -> its fields' values in words (key, stored value) -> text, or None to be shown as any other:
# for what the models' own labels and choices cannot say (an adopted budget's totals, `budget.audit_text`).
VALUE_TEXTS: dict[str, Callable[[str, Any], str | None]] = {}


# Fields Django named itself (in English, from the field's name: "Total rows", "Opened by") as the audit page
# says them, and the keys of a download's entry (`audit.record_export`), which belongs to no model.
NAMES = {
    "accepted": "Diterima",
    "accepted_by": "Diterima oleh",
    "agency": "Instansi",
    "assignee": "Petugas",
    "batch": "Impor",
    "closed_at": "Ditutup",
    "created": "Baru",
    "desa": "Desa",
    "figures_after": "Angka sesudahnya",
    "file_name": "Nama berkas",
    "key_hash": "Kunci",
    "last_used_at": "Terakhir dipakai",
    "letters_issued": "Surat diterbitkan",
    "masked": "Identitas disamarkan",
    "opened_at": "Dibuka",
    "opened_by": "Dibuka oleh",
    "person": "Orang",
    "prefix": "Awalan kunci",
    "province": "Provinsi",
    "region": "Wilayah",
    "rejected": "Ditolak",
    "round": "Putaran",
    "rows": "Jumlah baris",
    "snapshot": "Potret",
    "source": "Sumber data",
    "total_rows": "Baris",
    "unchanged": "Tidak berubah",
    "updated": "Diperbarui",
    "updated_by": "Diubah oleh",
    "user": "Pengguna",
    "what": "Isi berkas",
}


def register_values(label: str, text: Callable[[str, Any], str | None]) -> None:
    VALUE_TEXTS[label] = text


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def model_label(label: str) -> str:
    """ "enrolment.Enrolment" → "Kepesertaan"."""
    model = _model(label)
    return capfirst(model._meta.verbose_name) if model is not None else label


def _field(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    for name in (key, key.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def field_label(label: str, key: str) -> str:
    if key == "id":
        return "ID"
    field = _field(_model(label), key)
    if field is None:
        return NAMES.get(key, key)
    if field.verbose_name == field.name.replace("_", " "):  # Django's own, made from the name
        return NAMES.get(field.name, capfirst(field.verbose_name))
    return capfirst(field.verbose_name)


def is_person(label: str, key: str) -> bool:
    """Whether the field holds a person of the roster (by id): the page names them instead."""
    field = _field(_model(label), key)
    return field is not None and field.is_relation and field.related_model._meta.label == "officials.Person"


def value_text(label: str, key: str, value) -> str:
    """A stored value as a person reads it; "" stays "" (the page shows "–" or leaves out the arrow)."""
    if value == "" or value is None:
        return "" if value == "" else DASH
    if (special := VALUE_TEXTS.get(label)) and (text := special(key, value)) is not None:
        return text
    field = _field(_model(label), key)
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, int | float):
        return str(value)  # ids and years: no thousands separator
    if isinstance(value, list):
        return ", ".join(value_text(label, key, v) or DASH for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(field, models.CharField | models.TextField) or not isinstance(value, str):
        return str(value)  # a user's text as typed: an SK number "2026-02-30" is no date
    try:
        if len(value) >= 20 and "T" in value:
            moment = parse_datetime(value)
            if moment is not None:
                return (localtime(moment) if is_aware(moment) else moment).strftime("%d-%m-%Y %H:%M")
        if len(value) == 10 and value[4:5] == "-" and (day := parse_date(value)) is not None:
            return day.strftime("%d-%m-%Y")
    except ValueError:  # shaped like a date, yet none ("2026-02-30"): shown as it is
        pass
    return str(value)
