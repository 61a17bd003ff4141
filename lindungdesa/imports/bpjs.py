"""BPJS TK participant extract rows (DOMAIN.md §7) into enrolments, matched to the roster by NIK."""

# Objects' keys are read as `.id`, not `.pk`: the property costs about half a µs, and the holdings read a key
# several times for every row.

# Annotations stay unevaluated: `read` defines a helper with annotations for every row it reads.
from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError

from lindungdesa.accounts.scope import contains
from lindungdesa.enrolment.models import Enrolment
from lindungdesa.lib import values as v
from lindungdesa.lib.headers import BPJS_FIELDS
from lindungdesa.lib.instances import build_from
from lindungdesa.lib.months import Month
from lindungdesa.officials.boundary import (
    Reach,
    foreign_participant_message,
    participant_inside,
    people_reach,
    person_write_check,
    person_write_problems,
    unplaced_participant_message,
)
from lindungdesa.officials.models import Person

from .engine import (
    Memo,
    Reading,
    Recorder,
    cell_key,
    clean_fields,
    fetch_objects,
    fetch_values,
    insert,
    plainly_valid,
    skipped_message,
    snapshot,
    update,
)

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
_name = partial(v.parse_text, max_length=150)
_UNCHECKED = ("person", "batch")  # set by the import itself, not by the row


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


class Participants:
    """What one chunk's rows may touch: enrolments by KPJ and by NIK + membership date, and roster people
    by NIK. Kept up to date row by row: a row finds what an earlier row made or changed, and, of several
    that fit, the first made (as a look-up ordered by id would)."""

    def __init__(self, kpjs: set[str], niks: set[str], previous: Participants | None = None) -> None:
        # What the chunk before holds of these keys is taken over as it is: its changes may not be in the
        # database yet. Any enrolment it holds replaces the database's copy.
        carried_kpjs = kpjs & previous.kpjs if previous is not None else set()
        carried_niks = niks & previous.niks if previous is not None else set()
        known: dict[int, Enrolment] = {}
        taken_over: list[Enrolment] = []
        if previous is not None:
            known = {e.id: e for e in previous._held() if e.id is not None}
            taken_over = [e for kpj in carried_kpjs for e in previous.by_kpj.get(kpj, ())]
            taken_over += [
                e for (nik, _), held in previous.by_start.items() if nik in carried_niks for e in held
            ]
        self.kpjs, self.niks = kpjs, niks  # whose enrolments are all held here
        found: dict[int, Enrolment] = {}
        for enrolment in fetch_objects(Enrolment, "kpj", kpjs - carried_kpjs):
            found[enrolment.id] = known.get(enrolment.id, enrolment)
        for enrolment in fetch_objects(Enrolment, "nik", niks - carried_niks):
            found.setdefault(enrolment.id, known.get(enrolment.id, enrolment))
        made: set[int] = set()  # new enrolments of the chunk before, by id()
        for enrolment in taken_over:
            if enrolment.id is None:
                made.add(id(enrolment))
            else:
                found[enrolment.id] = enrolment
        # Each key lists the enrolments that had it, oldest first; a look-up checks that one still has it.
        self.by_kpj: dict[str, list[Enrolment]] = defaultdict(list)
        self.by_start: dict[tuple[str, date], list[Enrolment]] = defaultdict(list)
        self._order: dict[int, tuple[int, int]] = {}  # id() -> (saved ? 0 : 1, key or creation number)
        self._made = previous._made if previous is not None else itertools.count()  # creation numbers
        for enrolment in sorted(found.values(), key=lambda e: e.id):
            self._order[id(enrolment)] = (0, enrolment.id)
            self.index(enrolment)
        for enrolment in previous.new if made else ():  # in the order they were made
            if id(enrolment) in made:
                self._order[id(enrolment)] = previous._order[id(enrolment)]
                self.index(enrolment)
        self.person_ids: dict[str, int] = dict(fetch_values(Person, ["nik", "id"], "nik", niks))
        self.new: list[Enrolment] = []
        self.changed: dict[int, Enrolment] = {}  # by id(): a new enrolment has no key yet

    def _held(self) -> Iterator[Enrolment]:
        """Every enrolment held, some more than once."""
        for held in self.by_kpj.values():
            yield from held
        for held in self.by_start.values():
            yield from held

    def index(self, enrolment: Enrolment) -> None:
        """File the enrolment under its KPJ and its NIK + membership date (again after a change)."""
        if enrolment.kpj:
            self._file(self.by_kpj[enrolment.kpj], enrolment)
        self._file(self.by_start[(enrolment.nik, enrolment.start_date)], enrolment)

    def _file(self, filed: list[Enrolment], enrolment: Enrolment) -> None:
        if any(e is enrolment for e in filed):
            return
        filed.append(enrolment)
        filed.sort(key=lambda e: self._order[id(e)])

    def existing(self, kpj: str, nik: str, start: date) -> Enrolment | None:
        if kpj:
            for enrolment in self.by_kpj.get(kpj, ()):
                if enrolment.kpj == kpj:
                    return enrolment
        for enrolment in self.by_start.get((nik, start), ()):
            if enrolment.nik == nik and enrolment.start_date == start:
                return enrolment
        return None

    def add(self, enrolment: Enrolment) -> None:
        self._order[id(enrolment)] = (1, next(self._made))
        self.new.append(enrolment)
        # Filed last under its keys: a new enrolment comes after every one held or made before it.
        if enrolment.kpj:
            self.by_kpj[enrolment.kpj].append(enrolment)
        self.by_start[(enrolment.nik, enrolment.start_date)].append(enrolment)

    def take_writes(self) -> Callable[[], None]:
        """What the rows decided so far, to be written later; nothing is left to write."""
        writes = partial(_write, self.new, self.changed)
        self.new, self.changed = [], {}
        return writes


def _write(new: list[Enrolment], changed: dict[int, Enrolment]) -> None:
    insert(Enrolment, new)
    # What was made and then changed by the same chunk is inserted as it is now, not updated.
    update(Enrolment, [e for e in changed.values() if e.id is not None], ENROLMENT_FIELDS)


class BpjsRows:
    kind = "bpjs"
    fields = BPJS_FIELDS
    looked_up = (Enrolment, Person)

    def __init__(self, *, as_of: Month, scope_code: str | None, batch_id: int | None) -> None:
        self.as_of = as_of
        self._first_day, self._last_day = as_of.first_day, as_of.last_day  # asked of every row
        self.scope_code = scope_code or ""
        self.batch_id = batch_id
        self._memo = Memo()
        self._held: Participants | None = None
        # Where the people the chunk's rows concern stand to the importer's region (`boundary`), by key.
        self._reach: dict[int, Reach] = {}
        self._unwritten: list[Callable[[], None]] = []  # what chunks decided, in order, until `write`
        # The values of every enrolment this import makes that are not the row's.
        self._made_by_import = {
            "as_of": self._first_day,
            "batch_id": batch_id,
            "source": Enrolment.Source.IMPORT,
        }

    def required(self) -> set[str]:
        return {"nik", "nama", "program", "tanggal_kepesertaan"}

    def read(self, values: dict[str, Any]) -> Reading:
        problems: list[tuple[str, str]] = []
        warnings: list[tuple[str, str]] = []
        out: dict[str, Any] = {}
        memo = self._memo
        columns = memo.columns

        def take(
            name: str,
            parser: Callable[[Any], Any],
            *,
            optional: bool = False,
            cached: bool = True,
            soft: bool = False,
        ) -> None:
            """`soft`: a value the record can do without (docs/imports.md, "What is refused and what is
            warned"): unreadable, it is left out with a warning instead of refusing the row."""
            cell = values.get(name)
            if _blank(cell):
                out[name] = None
                if not optional:
                    problems.append((name, "Wajib diisi."))
                return
            if cached:  # columns that repeat few values are parsed once per value; NIK, names, KPJ not
                seen = columns[name]
                key = cell if type(cell) is str else cell_key(cell, ())
                ok, result = seen.get(key) or memo.parse(seen, key, parser, cell, ())
                if ok:
                    out[name] = result
                elif soft:
                    out[name] = None
                    warnings.append((name, skipped_message(result)))
                else:
                    problems.append((name, result))
                return
            try:
                out[name] = parser(cell)
            except v.CellError as exc:
                if soft:
                    out[name] = None
                    warnings.append((name, skipped_message(str(exc))))
                else:
                    problems.append((name, str(exc)))

        take("nik", v.parse_nik_cell, cached=False)
        take("nama", _name, cached=False)
        take("kpj", v.parse_kpj, optional=True, cached=False)
        take("tanggal_lahir", v.parse_date, optional=True, soft=True)  # the NIK tells it
        take("program", v.parse_programmes)
        take("kategori", v.parse_category, optional=True, soft=True)
        take("upah", v.parse_amount, optional=True, soft=True)
        take("tanggal_kepesertaan", v.parse_date)
        take("bulan_iuran_terakhir", v.parse_month, optional=True)
        take("status", v.parse_bpjs_status, optional=True)
        take("kode_desa", v.parse_desa_code, optional=True)

        if out.get("kpj"):
            kpj, warning = out["kpj"]
            out["kpj"] = kpj
            if warning:
                warnings.append(("kpj", warning))
        paid = out.get("bulan_iuran_terakhir")
        if paid is not None and paid > self.as_of:
            problems.append(
                ("bulan_iuran_terakhir", f"Iuran lunas sampai {paid} melewati bulan ekstrak {self.as_of}.")
            )
        started = out.get("tanggal_kepesertaan")
        if started is not None and started > self._last_day:
            problems.append(
                (
                    "tanggal_kepesertaan",
                    f"Tanggal kepesertaan sesudah bulan ekstrak {self.as_of}: periksa tanggalnya.",
                )
            )
        code = out.get("kode_desa")
        if code and not contains(self.scope_code, code):
            problems.append(("kode_desa", f"Desa {code} di luar wilayah Anda."))
        key = self._duplicate_key(values, out)
        if problems:
            return Reading(None, problems, key, warnings)
        wanted = self._wanted(out)
        # The field checks of a new enrolment of this row, done here: `read` may run in the reader process
        # (the two processes then share the work), and `apply` checks again only what is not plainly valid.
        plain = plainly_valid(self._new(wanted, None), exclude=_UNCHECKED)
        return Reading({"wanted": wanted, "plain": plain}, problems, key, warnings)

    def _wanted(self, out: dict[str, Any]) -> dict[str, Any]:
        """The enrolment's values as the row gives them: what a newer extract may change (and `person`,
        while the participant is unmatched)."""
        return {
            "kpj": out["kpj"] or "",
            "nik": out["nik"],
            "bpjs_name": out["nama"],
            "bpjs_birth_date": out["tanggal_lahir"],
            "programmes": ",".join(out["program"]),
            "category": out["kategori"] or Enrolment.Category.PU,
            "wage": out["upah"] if out["upah"] is not None else Decimal(0),
            "start_date": out["tanggal_kepesertaan"],
            "paid_through": out["bulan_iuran_terakhir"].first_day if out["bulan_iuran_terakhir"] else None,
            "reported_status": out["status"] or "",
            "kode_desa": out["kode_desa"] or "",
        }

    def _new(self, wanted: dict[str, Any], person_id: int | None) -> Enrolment:
        values = self._made_by_import.copy()
        values["person_id"] = person_id
        values.update(wanted)
        return build_from(Enrolment, values)

    def _duplicate_key(self, values: dict[str, Any], out: dict[str, Any]) -> tuple | None:
        """The same participant twice in one extract: by KPJ, or by NIK and membership date without one."""
        if not _blank(values.get("kpj")):
            return ("kpj", out["kpj"]) if out.get("kpj") else None
        if out.get("nik") is None or out.get("tanggal_kepesertaan") is None:
            return None
        return ("nik", out["nik"], out["tanggal_kepesertaan"])

    def warm(self) -> None:
        pass  # reading an extract's row looks nothing up

    def pack(self, row: dict[str, Any]) -> dict[str, Any]:
        return row

    def unpack(self, row: dict[str, Any]) -> dict[str, Any]:
        return row

    def prefetch(self, rows: list[dict[str, Any]]) -> None:
        wanted = [row["wanted"] for row in rows]
        previous = self._held
        self._held = Participants(
            {w["kpj"] for w in wanted if w["kpj"]}, {w["nik"] for w in wanted}, previous
        )
        if self.scope_code:
            people = set(self._held.person_ids.values())
            people.update(e.person_id for e in self._held._held() if e.person_id is not None)
            self._reach = people_reach(self.scope_code, people)
        if previous is not None:
            self._unwritten.append(previous.take_writes())

    def write(self) -> None:
        if self._held is not None:
            self._unwritten.append(self._held.take_writes())
        for writes in self._unwritten:
            writes()
        self._unwritten = []

    def apply(self, row: dict[str, Any], recorder: Recorder) -> None:
        held = self._held
        assert held is not None
        wanted: dict[str, Any] = row["wanted"]
        existing = held.existing(wanted["kpj"], wanted["nik"], wanted["start_date"])
        if self.scope_code:
            self._check_boundary(wanted, existing, held)
        as_of_day: date = self._first_day
        if existing is None:
            enrolment = self._new(wanted, held.person_ids.get(wanted["nik"]))
            if not row["plain"]:
                clean_fields(enrolment, exclude=_UNCHECKED)  # Django's verdict and messages
            held.add(enrolment)
            recorder.created(enrolment)
            return
        if existing.as_of and existing.as_of > as_of_day:
            return  # a newer extract already wrote this participant: an older one never overwrites it
        if existing.person_id is None:
            wanted["person_id"] = held.person_ids.get(wanted["nik"])
        changed = {k: val for k, val in wanted.items() if getattr(existing, k) != val}
        if not changed:
            return
        before = snapshot(existing, ENROLMENT_FIELDS)
        changed["as_of"] = as_of_day
        changed["batch_id"] = self.batch_id
        kept = {key: getattr(existing, key) for key in changed}
        for key, value in changed.items():
            setattr(existing, key, value)
        try:
            clean_fields(existing, exclude=_UNCHECKED)
        except ValidationError:
            for key, value in kept.items():  # a rejected row leaves no trace
                setattr(existing, key, value)
            raise
        held.changed[id(existing)] = existing
        held.index(existing)  # its KPJ, NIK or membership date may be new
        recorder.updated(existing, before)

    def _check_boundary(self, wanted: dict[str, Any], existing: Enrolment | None, held: Participants) -> None:
        """The row may write only a participant inside the importer's region (`boundary`), whether or not
        it gives a desa: the person of the roster its NIK names, and the person of the membership it
        updates, must be owned by the region (a membership is the person's own data); a membership or a
        participant matched to nobody must be placed in it (its desa, or the kecamatan of its NIK)."""
        region = self.scope_code
        person_id = held.person_ids.get(wanted["nik"])
        if person_id is not None:
            person_write_check(region, self._reach[person_id], own_fields=True)
        if existing is not None:
            # Found by its KPJ, the membership may be another NIK's.
            if existing.person_id is not None and existing.person_id != person_id:
                if person_write_problems(region, self._reach[existing.person_id], own_fields=True):
                    raise ValidationError({"kpj": [foreign_participant_message()]})
                return
            if existing.person_id is None and not participant_inside(
                region, existing.nik, existing.kode_desa
            ):
                raise ValidationError({"kpj": [foreign_participant_message()]})
        if person_id is None and not participant_inside(region, wanted["nik"], wanted["kode_desa"]):
            raise ValidationError({"kode_desa": [unplaced_participant_message()]})
