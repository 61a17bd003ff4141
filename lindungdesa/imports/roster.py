"""Roster rows (DOMAIN.md §7 template, OpenSID exports) into people and positions."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q

from lindungdesa.lib import values as v
from lindungdesa.lib.headers import ROSTER_FIELDS
from lindungdesa.lib.names import name_key
from lindungdesa.officials.models import (
    MAX_TERM_YEARS,
    SINGLE_HOLDER_OFFICES,
    Office,
    Person,
    Position,
    group_of,
)
from lindungdesa.officials.services import person_register, position_check, position_start
from lindungdesa.regions.models import Region

from .engine import Recorder, snapshot
from .summary import RowRejected

POSITION_FIELDS = [
    "term_end",
    "planned_term_end",
    "sk_number",
    "sk_date",
    "monthly_income",
    "acting",
    "end_reason",
]


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


class RosterRows:
    kind = "roster"
    fields = ROSTER_FIELDS

    def __init__(self, *, scope_code: str | None, default_desa: Region | None) -> None:
        self.scope_code = scope_code or ""
        self.default_desa = default_desa
        self._desa_cache: dict[str, Region | None] = {}

    def required(self) -> set[str]:
        needed = {"nik", "nama", "jabatan"}
        if self.default_desa is None:
            needed.add("kode_desa")
        return needed

    def duplicate_key(self, values: dict[str, Any]) -> tuple | None:
        nik = v.parse_nik_cell(values.get("nik"))
        office = v.parse_office(values.get("jabatan"), None)
        desa = self._desa_code(values)
        return (nik, desa, office.office, office.unit_name.lower())

    def _desa_code(self, values: dict[str, Any]) -> str:
        cell = values.get("kode_desa")
        if _blank(cell):
            return self.default_desa.code if self.default_desa else ""
        return v.parse_desa_code(cell)

    def _desa(self, code: str) -> Region | None:
        if code not in self._desa_cache:
            self._desa_cache[code] = Region.objects.filter(code=code).first()
        return self._desa_cache[code]

    def parse(self, values: dict[str, Any]) -> dict[str, Any]:
        """Every cell parsed; all problems of the row reported together."""
        problems: list[tuple[str, str]] = []
        out: dict[str, Any] = {}

        def take(name: str, parser: Callable[[Any], Any], *, optional: bool = False) -> None:
            cell = values.get(name)
            if optional and _blank(cell):
                out[name] = None
                return
            if _blank(cell):
                problems.append((name, "Wajib diisi."))
                return
            try:
                out[name] = parser(cell)
            except v.CellError as exc:
                problems.append((name, str(exc)))

        take("nik", v.parse_nik_cell)
        take("nama", lambda c: v.parse_text(c, max_length=150))
        take("jenis_kelamin", v.parse_sex, optional=True)
        take("tanggal_lahir", v.parse_date, optional=True)
        if out.get("tanggal_lahir") is None and not _blank(values.get("tempat_tanggal_lahir")):
            take("tempat_tanggal_lahir", v.parse_place_and_date)
            out["tanggal_lahir"] = out.pop("tempat_tanggal_lahir", None)
        take("kelompok", v.parse_group, optional=True)
        take("jabatan", lambda c: v.parse_office(c, out.get("kelompok")))
        take("nama_dusun", lambda c: v.parse_text(c, max_length=80), optional=True)
        take("status_jabatan", v.parse_acting, optional=True)
        take("nomor_sk", lambda c: v.parse_text(c, max_length=100), optional=True)
        take("tanggal_sk", v.parse_date, optional=True)
        if not _blank(values.get("nomor_tanggal_sk")):
            take("nomor_tanggal_sk", v.parse_sk_number_and_date)
            number, day = out.pop("nomor_tanggal_sk", None) or ("", None)
            out["nomor_sk"] = out["nomor_sk"] or number or None
            out["tanggal_sk"] = out["tanggal_sk"] or day
        take("mulai_menjabat", v.parse_date, optional=True)
        take("akhir_menjabat", v.parse_date, optional=True)
        if out.get("mulai_menjabat") is None and not _blank(values.get("masa_jabatan")):
            try:
                start, end = v.parse_term_text(values.get("masa_jabatan"))
            except v.CellError as exc:
                problems.append(("masa_jabatan", str(exc)))
            else:
                start, end = _refine_year_only_term(start, end, out.get("tanggal_sk"), out.get("jabatan"))
                out["mulai_menjabat"] = start
                out["akhir_menjabat"] = out.get("akhir_menjabat") or end
        take("penghasilan_bulanan", v.parse_amount, optional=True)
        take("no_hp", v.parse_phone, optional=True)
        take("status_aktif", v.parse_active, optional=True)
        if out.get("status_aktif") is False and out.get("akhir_menjabat") is None:
            problems.append(
                ("status_aktif", "Berstatus tidak aktif tetapi tanpa tanggal berhenti: isi akhir_menjabat.")
            )

        if out.get("mulai_menjabat") is None and "mulai_menjabat" not in dict(problems):
            if out.get("tanggal_sk") is not None:
                out["mulai_menjabat"] = out["tanggal_sk"]  # OpenSID often has only the SK date
            else:
                problems.append(("mulai_menjabat", "Wajib diisi (atau isi tanggal SK)."))

        office = out.get("jabatan")
        if office is not None and out.get("kelompok") and group_of(office.office) != out["kelompok"]:
            problems.append(
                (
                    "kelompok",
                    f"Kelompok {out['kelompok']} tidak cocok dengan jabatan {Office(office.office).label}.",
                )
            )

        code = ""
        try:
            code = self._desa_code(values)
        except v.CellError as exc:
            problems.append(("kode_desa", str(exc)))
        desa = self._desa(code) if code else None
        if code and desa is None:
            problems.append(
                ("kode_desa", f"Kode desa {code} tidak dikenal (kode Kemendagri, mis. 61.03.01.2001).")
            )
        elif desa is not None:
            if self.scope_code and not (
                desa.code == self.scope_code or desa.code.startswith(self.scope_code + ".")
            ):
                problems.append(("kode_desa", f"Desa {desa.name} ({desa.code}) di luar wilayah Anda."))
            elif not desa.is_village:
                problems.append(
                    ("kode_desa", f"{desa.name} adalah kelurahan: tidak punya aparat desa atau BPD.")
                )
            name_cell = values.get("nama_desa")
            if not _blank(name_cell) and name_key(str(name_cell)).removeprefix("desa ") != name_key(
                desa.name
            ):
                problems.append(("nama_desa", f"Nama desa tidak cocok dengan kode {desa.code}: {desa.name}."))
        out["desa"] = desa
        if problems:
            raise RowRejected(problems)
        return out

    def apply(self, values: dict[str, Any], recorder: Recorder, warn: Callable[[str, str], None]) -> None:
        row = self.parse(values)
        person = self._person(row, recorder)
        office = row["jabatan"]
        acting = row["status_jabatan"] if row["status_jabatan"] is not None else office.acting
        unit_name = row["nama_dusun"] or office.unit_name
        income = row["penghasilan_bulanan"] if row["penghasilan_bulanan"] is not None else Decimal(0)
        existing = (
            Position.objects.filter(
                person=person,
                desa=row["desa"],
                office=office.office,
                unit_name__iexact=unit_name,
                term_start=row["mulai_menjabat"],
            )
            .order_by("id")
            .first()
        )
        if existing is not None:
            self._update_position(existing, row, acting, income, recorder)
            return
        self._end_predecessor(row["desa"], office.office, unit_name, row["mulai_menjabat"], person, recorder)
        position = position_start(
            person=person,
            desa=row["desa"],
            office=office.office,
            acting=acting,
            unit_name=unit_name,
            term_start=row["mulai_menjabat"],
            term_end=row["akhir_menjabat"],
            sk_number=row["nomor_sk"] or "",
            sk_date=row["tanggal_sk"],
            monthly_income=income,
        )
        recorder.created(position)

    def _person(self, row: dict[str, Any], recorder: Recorder) -> Person:
        person = Person.objects.filter(nik=row["nik"]).first()
        if person is None:
            person = person_register(
                nik=row["nik"],
                name=row["nama"],
                sex=row["jenis_kelamin"],
                birth_date=row["tanggal_lahir"],
                phone=row["no_hp"] or "",
            )
            recorder.created(person)
            return person
        problems = []
        if name_key(person.name) != name_key(row["nama"]):
            problems.append(
                ("nama", f"NIK ini sudah tercatat atas nama {person.name}; periksa NIK atau nama.")
            )
        if row["tanggal_lahir"] and row["tanggal_lahir"] != person.birth_date:
            problems.append(
                ("tanggal_lahir", f"NIK ini sudah tercatat lahir {person.birth_date:%d-%m-%Y}; tidak sama.")
            )
        if row["jenis_kelamin"] and row["jenis_kelamin"] != person.sex:
            problems.append(("jenis_kelamin", "Jenis kelamin tidak sama dengan data yang sudah tercatat."))
        if problems:
            raise RowRejected(problems)
        if row["no_hp"] and row["no_hp"] != person.phone:
            before = snapshot(person, ["phone"])
            person.phone = row["no_hp"]
            person.save(update_fields=["phone", "updated_at"])
            recorder.updated(person, before)
        return person

    def _update_position(
        self, position: Position, row: dict[str, Any], acting: str, income: Decimal, recorder: Recorder
    ) -> None:
        before = snapshot(position, POSITION_FIELDS)
        wanted = {
            "sk_number": row["nomor_sk"] if row["nomor_sk"] is not None else position.sk_number,
            "sk_date": row["tanggal_sk"] or position.sk_date,
            "monthly_income": income if row["penghasilan_bulanan"] is not None else position.monthly_income,
            "acting": acting,
        }
        if row["akhir_menjabat"] is not None and row["akhir_menjabat"] != position.term_end:
            wanted["term_end"] = row["akhir_menjabat"]
            wanted["planned_term_end"] = row["akhir_menjabat"]
        changed = {k: val for k, val in wanted.items() if getattr(position, k) != val}
        if not changed:
            return
        for key, value in changed.items():
            setattr(position, key, value)
        position_check(position)
        position.save()
        recorder.updated(position, before)

    def _end_predecessor(
        self, desa: Region, office: str, unit_name: str, start, person: Person, recorder: Recorder
    ) -> None:
        """A new holder of a one-person seat ends the term of the holder who started before."""
        if office not in SINGLE_HOLDER_OFFICES and office != Office.KEPALA_DUSUN:
            return
        holders = Position.objects.filter(desa=desa, office=office, term_start__lt=start).exclude(
            person=person
        )
        if office == Office.KEPALA_DUSUN:
            holders = holders.filter(unit_name__iexact=unit_name)
        for holder in holders.filter(Q(term_end__isnull=True) | Q(term_end__gte=start)):
            before = snapshot(holder, POSITION_FIELDS)
            holder.term_end = start - timedelta(days=1)
            holder.end_reason = Position.EndReason.REPLACED
            holder.save(update_fields=["term_end", "end_reason", "updated_at"])
            recorder.updated(holder, before)


def _refine_year_only_term(start, end, sk_date, office_value):
    """OpenSID's free-text term often gives only years ("2019 s/d 2027"): take the day from the SK date.

    The start becomes the SK date when it falls in the start year; the end becomes the last day of the
    legal term (8 years for kepala desa and BPD) when that falls in the end year.
    """
    if start and sk_date and (start.month, start.day) == (1, 1) and sk_date.year == start.year:
        start = sk_date
    limit = MAX_TERM_YEARS.get(office_value.office) if office_value else None
    if start and end and limit and (end.month, end.day) == (12, 31):
        try:
            legal_end = start.replace(year=start.year + limit) - timedelta(days=1)
        except ValueError:  # 29 February
            legal_end = start.replace(year=start.year + limit, day=28) - timedelta(days=1)
        if legal_end.year == end.year:
            end = legal_end
    return start, end
