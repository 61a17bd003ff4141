"""BPJS TK participant extract rows (docs/domain.md §7) into enrolments, matched to the roster by NIK."""

import bisect
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError

from lindungdesa.accounts.scope import contains
from lindungdesa.enrolment.models import Enrolment
from lindungdesa.lib import values as v
from lindungdesa.lib.headers import BPJS_FIELDS
from lindungdesa.lib.months import Month, month_label_id
from lindungdesa.lib.tabular import Cell
from lindungdesa.officials import boundary
from lindungdesa.officials.models import Person

from .engine import Columns, Decided, FieldCheck, Memo, NewRow, Prepared, Reading, Recorder, fetch_in

# What an import writes of an enrolment (and undo restores).
ENROLMENT_FIELDS = [
    f.name
    for f in Enrolment._meta.concrete_fields
    if f.name not in ("id", "source", "created_at", "updated_at")
]
_name = partial(v.parse_text, max_length=150)


class Participants:
    """What one chunk's rows may touch, as the database holds it (every chunk before is written):
    enrolments by KPJ and by NIK + membership date, and roster people by NIK. Kept up to date row by row:
    a row finds what an earlier row made or changed, and, of several that fit, the first made (as a
    look-up ordered by id would)."""

    def __init__(self, kpjs: set[str], niks: set[str]) -> None:
        found = {e.id: e for e in fetch_in(Enrolment.objects.all(), "kpj__in", kpjs)}
        for enrolment in fetch_in(Enrolment.objects.all(), "nik__in", niks):
            found.setdefault(enrolment.id, enrolment)
        # NIK -> id
        self.person_ids = dict(fetch_in(Person.objects.values_list("nik", "id"), "nik__in", niks))
        # The people the chunk's rows concern: those their NIKs name, and those of the memberships held.
        self.people = {*self.person_ids.values(), *(e.person_id for e in found.values() if e.person_id)}
        # Each key lists the enrolments that had it, oldest first; a look-up checks that one still has it.
        self.by_kpj: dict[str, list[Enrolment]] = defaultdict(list)
        self.by_start: dict[tuple[str, date], list[Enrolment]] = defaultdict(list)
        self._order: dict[int, int] = {}  # id() -> place: held by key, then made in turn
        for enrolment in sorted(found.values(), key=lambda e: e.id):
            self.index(enrolment)

    def index(self, enrolment: Enrolment) -> None:
        """File the enrolment under its KPJ and its NIK + membership date, after every one held or made
        before it (again after a change: its keys may be new)."""
        self._order.setdefault(id(enrolment), len(self._order))
        by_kpj = [self.by_kpj[enrolment.kpj]] if enrolment.kpj else []
        for filed in (self.by_start[(enrolment.nik, enrolment.start_date)], *by_kpj):
            if all(e is not enrolment for e in filed):
                bisect.insort(filed, enrolment, key=lambda e: self._order[id(e)])

    def existing(self, kpj: str, nik: str, start: date) -> Enrolment | None:
        found = [e for e in self.by_kpj.get(kpj, ()) if e.kpj == kpj]  # no enrolment is filed under ""
        found += [e for e in self.by_start.get((nik, start), ()) if e.nik == nik and e.start_date == start]
        return found[0] if found else None


class BpjsRows:
    fields = BPJS_FIELDS
    looked_up = (Enrolment, Person)

    def __init__(self, *, as_of: Month, scope_code: str | None, batch_id: int | None) -> None:
        self.as_of = as_of
        self._first_day, self._last_day = as_of.first_day, as_of.last_day  # asked of every row
        self.scope_code = scope_code or ""
        self.batch_id = batch_id
        self._memo = Memo()
        self._held: Participants  # the chunk's (`prefetch`)
        # Where the people the chunk's rows concern stand to the importer's region (`boundary`), by key.
        self._reach: dict[int, boundary.Reach] = {}
        self._check = FieldCheck(Enrolment, exclude=("person", "batch"))  # set by the import, not the row
        # The values of every enrolment this import makes that are not the row's.
        self._made_by_import = {
            "as_of": self._first_day,
            "batch_id": batch_id,
            "source": Enrolment.Source.IMPORT.value,  # plain text: a dict of such values is no GC object
        }

    def required(self) -> set[str]:
        return {"nik", "nama", "program", "tanggal_kepesertaan"}

    def read_rows(self, chunk: list[list[Cell]], prepared: Prepared) -> list[Reading]:
        """Each row's enrolment values as it gives them: what a newer extract may change."""
        cols = Columns(chunk, prepared, self._memo)
        problems, warnings, take = cols.problems, cols.warnings, cols.take
        read = (
            take("nik", v.parse_nik_cell, cached=False),
            take("nama", _name, cached=False),
            take("kpj", v.parse_kpj, optional=True, cached=False),
            take("tanggal_lahir", v.parse_row_date, soft=True),  # the NIK tells it
            take("program", v.parse_programmes),
            take("kategori", v.parse_category, soft=True),
            take("upah", v.parse_amount, soft=True),
            take("tanggal_kepesertaan", v.parse_row_date),
            take("bulan_iuran_terakhir", v.parse_month, optional=True),
            take("status", v.parse_bpjs_status, optional=True),
            take("kode_desa", v.parse_desa_code, optional=True),
        )
        # What the extract's month and the importer's region refuse (read[8]: months paid, read[10]: desa
        # codes), said once for each distinct value.
        late = {
            m: f"Iuran lunas sampai {month_label_id(m)} melewati bulan ekstrak {month_label_id(self.as_of)}."
            for m in set(read[8])
            if m is not None and m > self.as_of
        }
        early = f"Tanggal kepesertaan sesudah bulan ekstrak {self.as_of}: periksa tanggalnya."
        outside = {code for code in set(read[10]) if code and not contains(self.scope_code, code)}
        # The same participant twice in one extract: by KPJ, or by NIK and membership date without one (a
        # KPJ left out is none; a KPJ refused tells nothing).
        kpj_refused = {i for i, found in problems.items() if any(f == "kpj" for f, _message in found)}
        readings = []
        for i, (nik, name, kpj, born, programmes, category, wage, started, paid, status, code) in enumerate(
            zip(*read, strict=True)
        ):
            if paid in late:
                problems[i].append(("bulan_iuran_terakhir", late[paid]))
            if started is not None and started > self._last_day:
                problems[i].append(("tanggal_kepesertaan", early))
            if code in outside:
                problems[i].append(("kode_desa", f"Desa {code} di luar wilayah Anda."))
            if kpj or i in kpj_refused or nik is None or started is None:
                key = "kpj\0" + kpj if kpj else None
            else:
                key = f"nik\0{nik}\0{started.isoformat()}"
            if i in problems:
                readings.append(Reading(None, problems[i], key))
                continue
            wanted = {
                "kpj": kpj or "",
                "nik": nik,
                "bpjs_name": name,
                "bpjs_birth_date": born,
                "programmes": ",".join(programmes),
                "category": category or Enrolment.Category.PU,
                "wage": wage if wage is not None else Decimal(0),
                "start_date": started,
                "paid_through": paid.first_day if paid else None,
                "reported_status": status or "",
                "kode_desa": code or "",
            }
            readings.append(Reading(wanted, (), key, tuple(warnings.get(i, ()))))
        return self._made(readings)

    def _values(self, wanted: dict[str, Any]) -> dict[str, Any]:  # a new enrolment's
        return {**self._made_by_import, "person_id": self._held.person_ids.get(wanted["nik"]), **wanted}

    def prefetch(self, readings: list[Reading]) -> dict[int, Decided]:
        """What the rows touch as the database holds it (`Participants`), and the rows that make a membership
        no one holds, inside the importer's region, decided at once (the others: `apply`)."""
        rows = [reading.row for reading in readings]
        held = self._held = Participants({w["kpj"] for w in rows if w["kpj"]}, {w["nik"] for w in rows})
        if self.scope_code:
            self._reach = boundary.people_reach(self.scope_code, held.people)
        decided = {}
        for wanted in (reading.row for reading in readings if reading.made):
            kpj, start = wanted["kpj"], (wanted["nik"], wanted["start_date"])
            if (kpj in held.by_kpj or start in held.by_start) and held.existing(kpj, *start) is not None:
                continue
            if self.scope_code:
                try:
                    self._check_boundary(wanted, None, held)
                except ValidationError:  # `apply` refuses it, with the message
                    continue
            decided[id(wanted)] = ((), NewRow(Enrolment, self._values(wanted)))
        return decided

    def _made(self, readings: list[Reading]) -> list[Reading]:
        """The readings, each accepted row's `made` saying whether it may make a membership without an object,
        as far as the rows tell it: one that no other row of the chunk has (by KPJ, or by NIK and membership
        date), whose fields pass (`FieldCheck.refused`; the person is set by the import, not checked)."""
        rows = [reading.row for reading in readings if reading.row is not None]
        starts = Counter((w["nik"], w["start_date"]) for w in rows)
        kpjs = Counter(w["kpj"] for w in rows if w["kpj"])
        chosen = [w for w in rows if starts[w["nik"], w["start_date"]] == 1 and kpjs[w["kpj"]] < 2]
        refused = self._check.refused([{**self._made_by_import, **w} for w in chosen])
        made = {id(w) for n, w in enumerate(chosen) if n not in refused}
        return [r if r.row is None else r._replace(made=id(r.row) in made) for r in readings]

    def apply(self, row: dict[str, Any], recorder: Recorder) -> None:
        held = self._held
        wanted = row  # the enrolment's values as the row gives them (`read_rows`)
        existing = held.existing(wanted["kpj"], wanted["nik"], wanted["start_date"])
        if self.scope_code:
            self._check_boundary(wanted, existing, held)
        if existing is None:
            enrolment = Enrolment(**self._values(wanted))
            self._check(enrolment)
            held.index(enrolment)
            recorder.created(enrolment)
            return
        if existing.as_of and existing.as_of > self._first_day:
            return  # a newer extract already wrote this participant: an older one never overwrites it
        if existing.person_id is None:
            wanted["person_id"] = held.person_ids.get(wanted["nik"])
        if not wanted["kpj"]:  # a KPJ blank or left out is not known here, not taken away
            wanted["kpj"] = existing.kpj
        changed = {k: val for k, val in wanted.items() if getattr(existing, k) != val}
        if not changed:
            return
        changed["as_of"] = self._first_day
        changed["batch_id"] = self.batch_id
        held_values = {f.attname: getattr(existing, f.attname) for f in Enrolment._meta.concrete_fields}
        self._check(Enrolment(**{**held_values, **changed}))  # a rejected row leaves no trace
        recorder.change(existing, changed, ENROLMENT_FIELDS)
        held.index(existing)  # its KPJ, NIK or membership date may be new

    def _check_boundary(self, wanted: dict[str, Any], existing: Enrolment | None, held: Participants) -> None:
        """The row may write only a participant inside the importer's region (`boundary`), whether or not
        it gives a desa: the person of the roster its NIK names, and the person of the membership it
        updates, must be owned by the region (a membership is the person's own data); a membership or a
        participant matched to nobody must be placed in it (its desa, or the kecamatan of its NIK)."""
        region = self.scope_code
        person_id = held.person_ids.get(wanted["nik"])
        if person_id is not None:
            boundary.person_write_check(region, self._reach[person_id], own_fields=True)
        if existing is not None:
            # Found by its KPJ, the membership may be another NIK's.
            if existing.person_id is not None and existing.person_id != person_id:
                if boundary.person_write_problems(region, self._reach[existing.person_id], own_fields=True):
                    raise ValidationError({"kpj": [boundary.foreign_participant_message()]})
                return
            if existing.person_id is None and not boundary.participant_inside(
                region, existing.nik, existing.kode_desa
            ):
                raise ValidationError({"kpj": [boundary.foreign_participant_message()]})
        if person_id is None and not boundary.participant_inside(region, wanted["nik"], wanted["kode_desa"]):
            raise ValidationError({"kode_desa": [boundary.unplaced_participant_message()]})
