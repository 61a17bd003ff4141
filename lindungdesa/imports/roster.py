"""Roster rows (docs/domain.md §7 template, OpenSID exports) into people and positions.

A chunk of rows at a time: `read_rows` parses the cells by column and checks what needs no database (in a
worker process for a long file), and `_made` gives each row that makes a new person in a seat, neither named
by another row, that person's and position's values. `prefetch` fetches what the rows touch (`Holdings`) and
takes those made rows whose person and seat nobody holds. `apply` decides every other row with the rules of
hand entry (`officials.rules`). The engine writes what they make.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from lindungdesa.accounts.scope import contains
from lindungdesa.lib import values as v
from lindungdesa.lib.headers import ROSTER_FIELDS
from lindungdesa.lib.names import name_key
from lindungdesa.lib.nik import NikFacts, nik_agrees, nik_check, plain_nik_facts
from lindungdesa.lib.opensid import OPENSID_KIND, default_group, same_place, title_places
from lindungdesa.lib.tabular import Cell
from lindungdesa.officials import rules
from lindungdesa.officials.boundary import Reach, participants_outside, person_reach, person_write_check
from lindungdesa.officials.models import MAX_TERM_YEARS, Office, Person, Position, group_of
from lindungdesa.regions.models import Region

from .engine import AnyOf, Columns, FieldCheck, Memo, NewRow, Prepared, Reading, Recorder, blank, fetch_in
from .summary import RowError

POSITION_FIELDS = ["term_end", "planned_term_end", "sk_number", "sk_date", "monthly_income", "acting"]
POSITION_FIELDS += ["end_reason", "unit_name"]  # what a row may change of a position, kept for undo
# A row's values as `RosterRows.read_rows` gives them.
_READ = ("nik", "nama", "jenis_kelamin", "tanggal_lahir", "jabatan", "nama_dusun", "status_jabatan")
_READ += ("nomor_sk", "tanggal_sk", "mulai_menjabat", "akhir_menjabat", "start_inferred", "end_inferred")
_READ += ("penghasilan_bulanan", "no_hp", "desa", "born", "who", "unnamed")
_POSITION_CELLS = ("jabatan", "status_jabatan", "nama_dusun", "penghasilan_bulanan")
# The values of a new person and position (`rules.people_values`, `positions_values` but person and desa).
_PERSON = ("nik", "name", "sex", "birth_date", "phone")
_POSITION = ("office", "group", "acting", "unit_name", "term_start", "term_end", "planned_term_end")
_POSITION += ("sk_number", "sk_date", "monthly_income")
_KEPALA_DUSUN = Office.KEPALA_DUSUN.value
_DESA_KINDS = (*Region.VILLAGE_KINDS, Region.Kind.KELURAHAN)

_dusun = partial(v.parse_text, max_length=80)  # bound once, so that Memo recognises it from chunk to chunk
_NO_NIK = frozenset({"-", "--", "–", "—", "0", "belum ada", "tidak ada", "tdk ada", "blm ada", "belum"})


def _nik_facts(cell: Cell) -> Any:
    """What a NIK cell says; None for one that says the NIK is not known (the row is read as having none)."""
    if type(cell) is str and 0 < len(cell) < 16 and " ".join(cell.split()).casefold() in _NO_NIK:
        return None
    return v.parse_nik_facts(cell)


def who_without_nik(desa: str, name: str, birth_date) -> str:
    """The key of a person without a NIK: within its desa, the normalised name and the birth date
    (`name_key`: case, spacing, titles and degrees aside). A NIK is 16 digits: the two never meet."""
    return _unnamed(desa, name_key(name), birth_date)


def _unnamed(desa: str, key: str, birth_date) -> str:
    return f"~{desa}|{key}|{birth_date.isoformat()}"


class Holdings:
    """What one chunk's rows may touch, as the database holds it (every chunk before is written): their
    people by who they are (the NIK, or for a person without one `who_without_nik`), those people's
    positions, and the one-holder seats of their desa. Kept up to date row by row (`apply`)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        keys = {row["who"] for row in rows}  # NIK, or `who_without_nik`
        niks = {row["nik"] for row in rows} - {None}
        people = {p.id: p for p in fetch_in(Person.objects.all(), "nik__in", niks)}
        self.persons: dict[str, Person] = {p.nik: p for p in people.values()}
        # Every row's `who_without_nik` (desa, birth date, NIK), to find a person without a NIK (or, for a row
        # whose NIK is new, the person the NIK completes).
        unnamed = {row["unnamed"]: (row["desa"].code, row["born"], row["nik"]) for row in rows}
        # People by desa, name and birth date: only where a row has no NIK or a NIK new to the database.
        wanted = {key: place for key, place in unnamed.items() if key in keys or place[2] not in self.persons}
        if wanted:
            desas, days, _niks = map(set, zip(*wanted.values(), strict=True))
            found = Position.objects.select_related("person").order_by("person_id")
            found = found.filter(AnyOf(F("person__birth_date"), sorted(days)))
            for position in fetch_in(found, "desa_id__in", sorted(desas)):
                person = position.person
                key = who_without_nik(position.desa_id, person.name, person.birth_date)
                # A NIK completes only a person without one.
                if key in wanted and key not in self.persons and (key in keys or person.nik is None):
                    self.persons[key] = people.setdefault(person.id, person)
        positions = {p.id: p for p in fetch_in(Position.objects.all(), "person_id__in", list(people))}
        seats = Position.objects.filter(office__in=sorted(rules.ONE_HOLDER_OFFICES)).select_related("person")
        for position in fetch_in(seats, "desa_id__in", sorted({row["desa"].code for row in rows})):
            positions.setdefault(position.id, position)
        # Positions by their person (`id()` of the one object held for each), in id order, new ones last.
        self.by_person: dict[int, list[Position]] = defaultdict(list)
        # One-holder seats by desa code and office (kepala dusun: every dusun of the desa together).
        self.by_seat: dict[tuple[str, str], list[Position]] = defaultdict(list)
        for position in sorted(positions.values(), key=lambda p: p.id):
            position.person = people.get(position.person_id) or position.person  # one object for each person
            self.index(position)

    def index(self, position: Position) -> None:
        self.by_person[id(position.person)].append(position)
        if position.office in rules.ONE_HOLDER_OFFICES:
            self.by_seat[(position.desa_id, position.office)].append(position)

    def position_at(self, person: Person, new: dict[str, Any], sk: tuple | None) -> Position | None:
        """The position a row's values (`new`) describe, when it is held already: same person, desa, office,
        dusun, start. A kepala dusun whose dusun one of the two does not name is the same position (one
        perangkat office at a time): the dusun is completed, never removed. `sk`: of a row whose start was
        read from its SK date or term's text; then the same appointment (`_same_appointment`) is it too."""
        desa, office, start, end = new["desa"].code, new["office"], new["term_start"], new["term_end"]
        unit = rules.unit_key(new["unit_name"])
        unnamed = by_sk = None
        for position in self.by_person.get(id(person), ()):
            if position.desa_id != desa or position.office != office:
                continue
            held = rules.unit_key(position.unit_name)
            if held != unit and not (office == _KEPALA_DUSUN and not (held and unit)):
                continue
            if position.term_start == start:
                if held == unit:
                    return position
                unnamed = position
            elif sk is not None and by_sk is None and _same_appointment(sk, position, start, end):
                by_sk = position
        return unnamed or by_sk


class RosterRows:
    fields = ROSTER_FIELDS
    looked_up = (Person, Position)

    def __init__(self, *, scope_code: str | None, default_desa: Region | None) -> None:
        self.scope_code = scope_code or ""
        self.default_desa = default_desa
        self._regencies: dict[str, dict[str, Region]] = {}  # desa and kelurahan by code, by regency
        self._every_desa = False  # `_regencies` holds every regency (a worker's: `__setstate__`)
        self._memo = Memo()
        self._default_group: str | None = None  # the kelompok of rows that give none (`begin`)
        self._held: Holdings  # the chunk's (`prefetch`)
        self._held_elsewhere: set[str] = set()  # the chunk's new NIKs a participant holds outside the region
        self._person_check = FieldCheck(Person)
        self._position_check = FieldCheck(Position, exclude=("group", "person", "desa"))  # no cell gives them

    def begin(self, data: bytes, prepared: Prepared) -> list[RowError]:
        """What the file as a whole says, before its rows are read: an OpenSID lembaga's list is the BPD's
        (`default_group`); a page's title row naming another desa than the one the rows go to (the
        operator's own, or the one chosen) is said, and the rows are still taken."""
        self._default_group = default_group(prepared.table)
        desa = self.default_desa
        if desa is None or "kode_desa" in prepared.mapping.values() or prepared.table.kind != OPENSID_KIND:
            return []
        named = title_places(data).get("desa")
        if not named or same_place(named, desa.name):
            return []
        message = _(
            "Judul berkas menyebut desa %(named)s, tetapi data ini diimpor untuk desa %(desa)s (%(code)s). "
            "Pastikan berkasnya benar; bila salah, batalkan impor ini."
        ) % {"named": named, "desa": desa.name, "code": desa.code}
        return [RowError(prepared.table.header_row, "nama_desa", message)]

    def required(self) -> set[str]:
        # No NIK column is needed: a row may name its person by name and birth date (OpenSID's A.4 book).
        return {"nama", "jabatan"} if self.default_desa is not None else {"nama", "jabatan", "kode_desa"}

    def _desa(self, code: str) -> Region | None:
        # Every desa and kelurahan of the kabupaten at once: a village's file loads its regency, a national
        # one some 430 regencies, never 75,000 desa one by one (the level measured: docs/benchmarks.md).
        regency = code[:5]
        if regency not in self._regencies and not self._every_desa:
            regions = Region.objects.filter(regency_code=regency, kind__in=_DESA_KINDS)
            self._regencies[regency] = {r.code: r for r in regions.only("code", "name", "kind")}
        return self._regencies[regency].get(code)

    def __getstate__(self) -> dict[str, Any]:
        """The handler as it began, for a worker process (`engine._readings`), where no query runs: with every
        desa and kelurahan as (code, name, kind)."""
        regions = Region.objects.filter(kind__in=_DESA_KINDS).values_list("code", "name", "kind")
        return {**vars(self), "_regencies": list(regions)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state, _regencies=defaultdict(dict), _every_desa=True)
        for code, name, kind in state["_regencies"]:
            self._regencies[code[:5]][code] = Region(code=code, name=name, kind=kind)

    def read_rows(self, chunk: list[list[Cell]], prepared: Prepared) -> list[Reading]:
        cols = Columns(chunk, prepared, self._memo)
        cells, problems, warnings, take = cols.cells, cols.problems, cols.warnings, cols.take
        # What each NIK says: sixteen plain digits as a column, any other cell by itself.
        known = plain_nik_facts(cells["nik"])
        told = take("nik", _nik_facts, missing=known, cached=False)
        facts = [k if k is not None else f for k, f in zip(known, told, strict=True)]
        niks = [f.nik if f is not None else None for f in facts]
        names = take("nama", partial(v.parse_text, max_length=150), cached=False)
        # Birth date and sex are the person's identity only without a NIK (which tells both).
        soft = [f is not None for f in facts]
        sexes = take("jenis_kelamin", v.parse_sex, soft=True)
        births = take("tanggal_lahir", v.parse_row_date, soft=soft)
        told = take("tempat_tanggal_lahir", v.parse_place_and_date, missing=births, cached=False, soft=soft)
        births = [born if born is not None else day for born, day in zip(births, told, strict=True)]
        said = ("nik", "tanggal_lahir", "tempat_tanggal_lahir")
        for i, nik in enumerate(niks):
            # Said once: a NIK or birth date refused as written has its own message ("NIK kosong" after
            # "NIK tidak valid" told the user the cell was empty).
            if nik is None and births[i] is None and all(f not in said for f, _m in problems.get(i, ())):
                problems[i].append(("nik", rules.no_identity_message()))
        # Without a NIK the row may still name a person held with one (by name and birth date in the desa):
        # "NIK belum ada" is said once the person is known (`prefetch`, `apply`).
        groups = take("kelompok", v.parse_group, soft=True)
        offices = take("jabatan", v.parse_office, [g or self._default_group for g in groups])
        units = take("nama_dusun", _dusun, soft=True)
        acting = take("status_jabatan", v.parse_acting, soft=True)
        sk_numbers = take("nomor_sk", partial(v.parse_text, max_length=100), cached=False, soft=True)
        sk_dates = take("tanggal_sk", v.parse_row_date, soft=True)
        if sk := {i for i, cell in enumerate(cells["nomor_tanggal_sk"]) if not blank(cell)}:
            given = take("nomor_tanggal_sk", v.parse_sk_number_and_date, cached=False, soft=True)
            for i in sk:
                number, day = given[i] or ("", None)
                sk_numbers[i], sk_dates[i] = sk_numbers[i] or number or None, sk_dates[i] or day
        starts = take("mulai_menjabat", v.parse_row_date, optional=True)
        ends = take("akhir_menjabat", v.parse_row_date, optional=True)
        # No start of term in its own column: read from the term's text or the SK date (`position_at`).
        inferred = [start is None for start in starts]
        end_inferred = [False] * len(chunk)
        for i, term in enumerate(take("masa_jabatan", v.parse_term_text, missing=starts)):
            if term is not None:
                starts[i], end = _refine_year_only_term(*term, sk_dates[i], offices[i])
                end_inferred[i] = ends[i] is None and end is not None
                ends[i] = ends[i] or end
        # OpenSID lists every pamong, also those who stopped: the date of their SK pemberhentian is the end
        # of their term, whatever the planned term said.
        stops = take("nomor_tanggal_henti", v.parse_sk_number_and_date, optional=True, cached=False)
        for i, stop in enumerate(stops):
            if stop is not None and stop[1] is not None and blank(cells["akhir_menjabat"][i]):
                ends[i], end_inferred[i] = stop[1], False
        incomes = take("penghasilan_bulanan", v.parse_amount, soft=True)
        phones = take("no_hp", v.parse_phone, cached=False, soft=True)
        active = take("status_aktif", v.parse_active, optional=True)
        codes, wrong_places = self._places(cells["kode_desa"], cells["nama_desa"])
        # Who each row names: the NIK, or without one `who_without_nik` (name and birth date in the desa).
        name_keys = {name: name_key(name) for name in set(names) if name}
        born = [b or (f.birth_date if f is not None else None) for b, f in zip(births, facts, strict=True)]
        unnamed = [
            _unnamed(code, name_keys[name], day) if day is not None and code and name else None
            for code, name, day in zip(codes, names, born, strict=True)
        ]
        who = [nik or key for nik, key in zip(niks, unnamed, strict=True)]
        # A row's key: its person, desa, office and dusun (as the office cell names it, each distinct cell
        # once), which a file names once; none when one of them cannot be read.
        jabatan = list(zip(map(type, cells["jabatan"]), cells["jabatan"], strict=True))
        office_of = {key: self._memo[v.parse_office](key[1], self._default_group) for key in set(jabatan)}
        office_keys = {key: f"{o.office}\0{o.unit_name.lower()}" for key, (ok, o) in office_of.items() if ok}
        keys = []
        for i, (office, group) in enumerate(zip(offices, groups, strict=True)):
            named, code = office_keys.get(jabatan[i]), codes[i]
            readable = named and who[i] and (code or blank(cells["kode_desa"][i]))
            keys.append(f"{who[i]}\0{code}\0{named}" if readable else None)
            if active[i] is False and ends[i] is None:
                inactive = "Berstatus tidak aktif tetapi tanpa tanggal berhenti: isi akhir_menjabat."
                problems[i].append(("status_aktif", inactive))
            if starts[i] is None and "mulai_menjabat" not in dict(problems.get(i, ())):
                if sk_dates[i] is not None:
                    starts[i] = sk_dates[i]  # OpenSID often has only the SK date
                else:
                    problems[i].append(("mulai_menjabat", "Wajib diisi (atau isi tanggal SK)."))
            if office is not None and group and group_of(office.office) != group:
                message = f"Kelompok {group} tidak cocok dengan jabatan {Office(office.office).label}."
                problems[i].append(("kelompok", message))
            if wrong_places[i]:
                problems[i].extend(wrong_places[i])
            if office is not None and office.office == _KEPALA_DUSUN and not (units[i] or office.unit_name):
                warnings[i].append(("nama_dusun", rules.unit_name_missing_message()))
        read = (niks, names, sexes, births, offices, units, acting, sk_numbers, sk_dates, starts, ends)
        read += (inferred, end_inferred, incomes, phones, codes, born, who, unnamed)
        values = zip(*read, strict=True)
        rows = {i: dict(zip(_READ, row, strict=True)) for i, row in enumerate(values) if i not in problems}
        made = dict(zip(rows, self._made(list(rows.values()), [facts[i] for i in rows]), strict=True))
        return [
            Reading(rows[i], (), key, tuple(warnings.get(i, ())), made[i])
            if i in rows
            else Reading(None, problems[i], key)
            for i, key in enumerate(keys)
        ]

    def _places(self, cells: Sequence[Cell], names: Sequence[Cell]) -> tuple[list[str], list[tuple]]:
        """Each row's desa code and what is wrong with it, from its desa code and name cells (a row naming no
        desa goes to the one chosen), once for each distinct two."""
        chosen = self.default_desa.code if self.default_desa else ""
        keys = list(zip(map(type, cells), cells, map(type, names), names, strict=True))
        done = {}
        for key in set(keys):
            _kind, cell, _name_kind, name_cell = key
            ok, read = (True, chosen) if blank(cell) else self._memo[v.parse_desa_code](cell)
            code = read if ok else ""
            desa = self._desa(code) if code else None
            wrong: list[tuple[str, str]] = []
            say = wrong.append
            if not code:
                say(("kode_desa", read or "Wajib diisi."))  # the code as unreadable, or not given
            elif desa is None:
                say(("kode_desa", f"Kode desa {code} tidak dikenal (kode Kemendagri, mis. 61.03.01.2001)."))
            elif not contains(self.scope_code, desa.code):
                say(("kode_desa", f"Kode desa {desa.code} di luar wilayah Anda."))
            elif not desa.is_village:
                say(("kode_desa", f"{desa.name} adalah kelurahan: tidak punya aparat desa atau BPD."))
            if desa is not None and not blank(name_cell):
                if name_key(str(name_cell)).removeprefix("desa ") != name_key(desa.name):
                    say(("nama_desa", f"Nama desa tidak cocok dengan kode {desa.code}: {desa.name}."))
            done[key] = (code, tuple(wrong))
        return [done[key][0] for key in keys], [done[key][1] for key in keys]

    @staticmethod
    def _position_fields(rows: list[dict[str, Any]], desa: list[Region]) -> list[dict[str, Any]]:
        """New positions' values as the rows give them (the office cell's defaults where they are silent),
        their person not yet set (`rules.positions_values`)."""
        offices, acting, units, incomes = (_column(rows, name) for name in _POSITION_CELLS)
        return rules.positions_values(
            desa=desa,
            office=[office.office for office in offices],
            term_start=_column(rows, "mulai_menjabat"),
            term_end=_column(rows, "akhir_menjabat"),
            acting=[a if a is not None else o.acting for a, o in zip(acting, offices, strict=True)],
            unit_name=[unit or o.unit_name for unit, o in zip(units, offices, strict=True)],
            sk_number=[number or "" for number in _column(rows, "nomor_sk")],
            sk_date=_column(rows, "tanggal_sk"),
            monthly_income=[income if income is not None else Decimal(0) for income in incomes],
        )

    def _made(self, rows: list[dict[str, Any]], facts: list[NikFacts | None]) -> list[tuple | None]:
        """What each accepted row makes, as far as the chunk's rows tell it: a new person named by no other
        row, in a seat no other row names, checked as `apply` checks (`rules.people_values`,
        `FieldCheck.refused`, the position's own rules); None for any other row, or one refused (`apply`
        says why)."""
        # Parallel lists, no object for each row beyond its values: those living as long as a chunk are what
        # the cyclic garbage collector walks (docs/benchmarks.md, "perf8").
        positions = self._position_fields(rows, [self._desa(row["desa"]) for row in rows])
        seats = [rules.seat_of(f["desa"].code, f["office"], f["unit_name"]) for f in positions]
        unnamed = _column(rows, "unnamed")
        # Each row names its seat, its `who_without_nik` and its NIK.
        named = Counter([*seats, *unnamed, *(nik for nik in _column(rows, "nik") if nik is not None)])
        twice = {key for key, n in named.items() if n > 1} - {None}  # None: no seat (an office of many)
        own = rules.positions_own_problems(positions)
        values = rules.people_values(
            facts=facts,
            names=_column(rows, "nama"),
            sexes=_column(rows, "jenis_kelamin"),
            birth_dates=_column(rows, "tanggal_lahir"),
            phones=[phone or "" for phone in _column(rows, "no_hp")],
        )
        chosen = [
            i
            for i, (row, seat, person) in enumerate(zip(rows, seats, values, strict=True))
            if person is not None and not {row["who"], row["unnamed"], seat} & twice and i not in own
        ]
        refused = self._person_check.refused([values[i] for i in chosen])
        refused |= self._position_check.refused([positions[i] for i in chosen])
        made: list[tuple | None] = [None] * len(rows)
        for n, i in enumerate(chosen):
            if n not in refused:  # as plain values, which a worker sends back cheaply: `prefetch`
                person, position = values[i], positions[i]
                made[i] = (tuple(map(person.get, _PERSON)), tuple(map(position.get, _POSITION)), seats[i])
        return made

    def prefetch(self, readings: list[Reading]) -> dict[int, tuple]:
        """The rows' desa as this process holds them (the worker's are its own), what they touch as the
        database holds it (`Holdings`), and those that make a new person in a free seat decided at once."""
        rows = [reading.row for reading in readings]
        desa = {code: self._desa(code) for code in {row["desa"] for row in rows}}
        for row in rows:
            row["desa"] = desa[row["desa"]]
        held = self._held = Holdings(rows)
        new_niks = {row["nik"] for row in rows if row["nik"]} - held.persons.keys()
        self._held_elsewhere = participants_outside(self.scope_code, new_niks)
        # A person held, a participant outside the region, a seat held: row by row (`apply`).
        taken = held.persons.keys() | self._held_elsewhere
        decided = {}
        without_nik = (("nik", rules.nik_missing_message()),)
        for row, made in ((reading.row, reading.made) for reading in readings if reading.made is not None):
            person, position, seat = made
            if row["who"] in taken or row["unnamed"] in taken:
                continue
            holders = held.by_seat.get(seat[:2]) if seat is not None else None
            if holders and any(rules.is_same_seat(*seat, p) for p in holders):
                continue
            new = NewRow(Person, dict(zip(_PERSON, person, strict=True)))
            position = dict(zip(_POSITION, position, strict=True), person=new, desa=row["desa"])
            decided[id(row)] = (without_nik if row["nik"] is None else (), new, NewRow(Position, position))
        return decided

    def apply(self, row: dict[str, Any], recorder: Recorder) -> None:
        held = self._held
        nik = row["nik"]  # None: not known yet (`who_without_nik` tells the person apart in its desa)
        # Everything is checked before anything changes: a rejected row leaves no trace.
        person = held.persons.get(row["who"])
        completed = None  # a person without a NIK whom this row's NIK completes
        if person is None and nik is not None:
            found = held.persons.get(row["unnamed"])
            if found is not None and found.nik is None:
                person = completed = found
        if (person is None or completed is not None) and nik in self._held_elsewhere:
            person_write_check(self.scope_code, Reach.OUTSIDE)  # a BPJS participant placed outside the region
        name, sex, born, phone = row["nama"], row["jenis_kelamin"], row["tanggal_lahir"], row["no_hp"]
        new_person, changes = person is None, {}  # changes: the person's own values the row changes
        if nik is None and (new_person or person.nik is None):
            recorder.warnings.append(("nik", rules.nik_missing_message()))
        if new_person:
            person = rules.person_new(nik=nik, name=name, sex=sex, birth_date=born, phone=phone or "")
            self._person_check(person)
        else:
            owned = True  # the importer's region holds every position of the person (`boundary`)
            if self.scope_code:
                # Where the person stands before the row, from every position the chunk holds of them (the
                # row's desa is under the region: `read`). A NIK held only elsewhere is refused before
                # anything is compared, so that the answer says nothing of the person.
                reach = person_reach(self.scope_code, [p.desa_id for p in held.by_person.get(id(person), [])])
                person_write_check(self.scope_code, reach)
                owned = reach is not Reach.SHARED
            errors = rules.person_disagreements(person, name=name, birth_date=born, sex=sex)
            if completed is not None:  # the NIK must agree with what is held of the person, as a new one's
                facts = nik_check(nik)
                if problems := nik_agrees(facts, birth_date=person.birth_date, sex=person.sex or None):
                    errors["nik"] = problems
            if errors:
                raise ValidationError(errors)
            # The phone, and a sex where none is held (a person without a NIK added with none), in a region
            # holding all their offices.
            if phone and phone != person.phone and owned:
                changes["phone"] = phone
            elif phone and phone != person.phone:  # the person also serves (or served) elsewhere
                kept = _(
                    "Nomor HP tidak diubah: orang ini juga tercatat di wilayah lain, jadi nomornya diubah "
                    "oleh operator kabupaten/provinsi."
                )
                recorder.warnings.append(("no_hp", kept))
            if completed is None and not person.sex and sex and owned:
                changes["sex"] = sex

        office, desa = row["jabatan"].office, row["desa"]
        [fields] = self._position_fields([row], [desa])
        unit_name, start, end = fields["unit_name"], fields["term_start"], fields["term_end"]
        seat = held.by_seat.get((desa.code, office), ())
        sk = (row["nomor_sk"], row["tanggal_sk"]) if row["start_inferred"] else None
        existing = None if new_person else held.position_at(person, fields, sk)
        if existing is not None:
            given_income = row["penghasilan_bulanan"] is not None
            wanted = {
                "sk_number": row["nomor_sk"] if row["nomor_sk"] is not None else existing.sk_number,
                "sk_date": row["tanggal_sk"] or existing.sk_date,
                "monthly_income": fields["monthly_income"] if given_income else existing.monthly_income,
                "acting": fields["acting"],
                "unit_name": existing.unit_name or unit_name,  # a dusun named where none was
            }
            # Found by its SK: an end read from the term's text ("2020 s/d 2028") is less than the one held.
            keep_end = existing.term_start != start and row["end_inferred"]
            if not keep_end and end is not None and end != existing.term_end:
                wanted["term_end"] = wanted["planned_term_end"] = end
            changed = {k: value for k, value in wanted.items() if getattr(existing, k) != value}
            if changed:
                self._check_rules(existing, seat, changed)
        else:
            # A new holder of a one-person seat ends the open term of the holder who started before (a term
            # ended with a reason keeps its end and reason: the rules refuse an overlap), as
            # `officials.services.position_replace` does: their terms no longer overlap the new one.
            replaced = [
                p
                for p in seat
                if p.person is not person and p.is_open and p.term_start < start and p.is_serving_on(start)
                if rules.is_same_seat(desa.code, office, unit_name, p)
            ]
            fields["person"] = person
            position = Position(**fields)
            self._check_rules(position, [p for p in seat if p not in replaced] if replaced else seat)
            self._position_check(position)

        # Checked: the changes, the person's first.
        if completed is not None:
            recorder.change(person, {"nik": nik, "sex": person.sex or facts.sex}, ["nik", "sex"])
            held.persons[nik] = person
        if new_person:
            held.persons[row["who"]] = held.persons[row["unnamed"]] = person
            recorder.created(person)
        elif changes:
            recorder.change(person, changes, list(changes))
        if existing is not None:
            if changed:
                recorder.change(existing, changed, POSITION_FIELDS)
            return
        ended = {"term_end": start - timedelta(days=1), "end_reason": Position.EndReason.REPLACED}
        for holder in replaced:
            recorder.change(holder, ended, POSITION_FIELDS)
            # Said with the row, in the preview too: the operator sees whose term the file ends.
            recorder.warnings.append(("jabatan", rules.replaced_message(holder, ended["term_end"])))
        held.index(position)
        recorder.created(position)

    def _check_rules(self, position: Position, seat: Sequence[Position], changed: dict | None = None) -> None:
        """The office rules against the positions the chunk holds, on the position as it would be with
        `changed` (it is left as it was)."""
        before = {key: getattr(position, key) for key in changed or ()}
        vars(position).update(changed or ())
        mine = self._held.by_person.get(id(position.person), [])
        errors = rules.position_problems(position, same_person=mine, same_seat=seat, region=self.scope_code)
        vars(position).update(before)
        if errors:
            raise ValidationError(errors)


def _column(rows: list[dict[str, Any]], name: str) -> list[Any]:
    return list(map(itemgetter(name), rows))


def _same_appointment(sk: tuple, position: Position, start, end) -> bool:
    """Whether a row's SK (number, date) is the position's; where one side names no SK (a position added on
    the desa page without one), terms that meet (one perangkat office at a time)."""
    number, day = sk
    if number and position.sk_number:
        return "".join(number.split()).casefold() == "".join(position.sk_number.split()).casefold()
    if day is not None and position.sk_date is not None:
        return day == position.sk_date
    return rules.overlaps(position, start, end)


def _refine_year_only_term(start, end, sk_date, office_value):
    """OpenSID's free-text term often gives only years ("2019 s/d 2027"): the start is the SK date of that
    year, the end the last day of the legal term (8 years for kepala desa and BPD) of that year."""
    if start and sk_date and (start.month, start.day) == (1, 1) and sk_date.year == start.year:
        start = sk_date
    limit = MAX_TERM_YEARS.get(office_value.office) if office_value else None
    if start and end and limit and (end.month, end.day) == (12, 31):
        legal_end = rules.add_years(start, limit) - timedelta(days=1)
        if legal_end.year == end.year:
            end = legal_end
    return start, end
