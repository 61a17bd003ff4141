"""BPJS TK participant extract rows (DOMAIN.md §7) into enrolments, matched to the roster by NIK."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.lib import values as v
from lindungdesa.lib.headers import BPJS_FIELDS
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Person

from .engine import Recorder, snapshot
from .summary import RowRejected

ENROLMENT_FIELDS = [
    "person",
    "kpj",
    "nik",
    "bpjs_name",
    "bpjs_birth_date",
    "programmes",
    "category",
    "wage",
    "start_date",
    "paid_through",
    "reported_status",
    "kode_desa",
    "as_of",
    "batch",
]


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


class BpjsRows:
    kind = "bpjs"
    fields = BPJS_FIELDS

    def __init__(self, *, as_of: Month, scope_code: str | None, batch_id: int | None) -> None:
        self.as_of = as_of
        self.scope_code = scope_code or ""
        self.batch_id = batch_id

    def required(self) -> set[str]:
        return {"nik", "nama", "program", "tanggal_kepesertaan"}

    def duplicate_key(self, values: dict[str, Any]) -> tuple | None:
        if not _blank(values.get("kpj")):
            return ("kpj", v.parse_kpj(values["kpj"])[0])
        return ("nik", v.parse_nik_cell(values.get("nik")), v.parse_date(values.get("tanggal_kepesertaan")))

    def parse(self, values: dict[str, Any], warn: Callable[[str, str], None]) -> dict[str, Any]:
        problems: list[tuple[str, str]] = []
        out: dict[str, Any] = {}

        def take(name: str, parser: Callable[[Any], Any], *, optional: bool = False) -> None:
            cell = values.get(name)
            if _blank(cell):
                out[name] = None
                if not optional:
                    problems.append((name, "Wajib diisi."))
                return
            try:
                out[name] = parser(cell)
            except v.CellError as exc:
                problems.append((name, str(exc)))

        take("nik", v.parse_nik_cell)
        take("nama", lambda c: v.parse_text(c, max_length=150))
        take("kpj", v.parse_kpj, optional=True)
        take("tanggal_lahir", v.parse_date, optional=True)
        take("program", v.parse_programmes)
        take("kategori", v.parse_category, optional=True)
        take("upah", v.parse_amount, optional=True)
        take("tanggal_kepesertaan", v.parse_date)
        take("bulan_iuran_terakhir", v.parse_month, optional=True)
        take("status", v.parse_bpjs_status, optional=True)
        take("kode_desa", v.parse_desa_code, optional=True)

        if out.get("kpj"):
            kpj, warning = out["kpj"]
            out["kpj"] = kpj
            if warning:
                warn("kpj", warning)
        paid = out.get("bulan_iuran_terakhir")
        if paid is not None and paid > self.as_of:
            problems.append(
                ("bulan_iuran_terakhir", f"Iuran lunas sampai {paid} melewati bulan ekstrak {self.as_of}.")
            )
        started = out.get("tanggal_kepesertaan")
        if started is not None and started > self.as_of.last_day:
            problems.append(
                (
                    "tanggal_kepesertaan",
                    f"Tanggal kepesertaan sesudah bulan ekstrak {self.as_of}: periksa tanggalnya.",
                )
            )
        code = out.get("kode_desa")
        if (
            code
            and self.scope_code
            and not (code == self.scope_code or code.startswith(self.scope_code + "."))
        ):
            problems.append(("kode_desa", f"Desa {code} di luar wilayah Anda."))
        if problems:
            raise RowRejected(problems)
        return out

    def apply(self, values: dict[str, Any], recorder: Recorder, warn: Callable[[str, str], None]) -> None:
        row = self.parse(values, warn)
        wanted: dict[str, Any] = {
            "kpj": row["kpj"] or "",
            "nik": row["nik"],
            "bpjs_name": row["nama"],
            "bpjs_birth_date": row["tanggal_lahir"],
            "programmes": ",".join(row["program"]),
            "category": row["kategori"] or Enrolment.Category.PU,
            "wage": row["upah"] if row["upah"] is not None else Decimal(0),
            "start_date": row["tanggal_kepesertaan"],
            "paid_through": row["bulan_iuran_terakhir"].first_day if row["bulan_iuran_terakhir"] else None,
            "reported_status": row["status"] or "",
            "kode_desa": row["kode_desa"] or "",
        }
        existing = self._existing(wanted)
        as_of_day: date = self.as_of.first_day
        if existing is None:
            person = Person.objects.filter(nik=row["nik"]).first()
            enrolment = Enrolment(
                person=person,
                as_of=as_of_day,
                batch_id=self.batch_id,
                source=Enrolment.Source.IMPORT,
                **wanted,
            )
            enrolment.full_clean(exclude=["person", "batch"])
            enrolment.save()
            recorder.created(enrolment)
            return
        if existing.as_of and existing.as_of > as_of_day:
            return  # a newer extract already wrote this participant: an older one never overwrites it
        if existing.person_id is None:
            wanted["person"] = Person.objects.filter(nik=row["nik"]).first()
        changed = {k: val for k, val in wanted.items() if getattr(existing, k) != val}
        if not changed:
            return
        before = snapshot(existing, ENROLMENT_FIELDS)
        for key, value in changed.items():
            setattr(existing, key, value)
        existing.as_of = as_of_day
        existing.batch_id = self.batch_id
        existing.full_clean(exclude=["person", "batch"])
        existing.save()
        recorder.updated(existing, before)

    def _existing(self, wanted: dict[str, Any]) -> Enrolment | None:
        if wanted["kpj"]:
            found = Enrolment.objects.filter(kpj=wanted["kpj"]).order_by("id").first()
            if found is not None:
                return found
        return (
            Enrolment.objects.filter(nik=wanted["nik"], start_date=wanted["start_date"])
            .order_by("id")
            .first()
        )
