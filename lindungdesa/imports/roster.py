"""Roster rows (DOMAIN.md §7 template, OpenSID exports) into people and positions.

Rows are decided a chunk at a time against what the chunk's people and desa already hold (`Holdings`),
with the same rules as hand entry (`officials.rules`), then written in bulk.
"""

# Objects' keys are read as `.id`, not `.pk`: the property costs about half a µs, and the holdings read a key
# several times for every row.

# Annotations stay unevaluated: `read` defines a helper with annotations for every row it reads.
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lindungdesa.accounts.scope import contains
from lindungdesa.lib import values as v
from lindungdesa.lib.headers import ROSTER_FIELDS
from lindungdesa.lib.instances import build_from
from lindungdesa.lib.names import name_key
from lindungdesa.lib.nik import NikFacts, nik_agrees
from lindungdesa.officials.boundary import Reach, participants_outside, person_reach, person_write_check
from lindungdesa.officials.models import MAX_TERM_YEARS, Office, Person, Position, group_of
from lindungdesa.officials.rules import (
    ONE_HOLDER_OFFICES,
    is_same_seat,
    nik_missing_message,
    no_identity_message,
    person_disagreements,
    person_values,
    position_new,
    position_own_problems,
    position_problems,
    unit_key,
    unit_name_missing_message,
)
from lindungdesa.regions.models import Region

from .engine import (
    Memo,
    Reading,
    Recorder,
    cell_key,
    clean_fields,
    fetch_in,
    fetch_objects,
    insert,
    plainly_valid,
    plainly_valid_value,
    plainly_valid_values,
    skipped_message,
    snapshot,
    update,
)

POSITION_FIELDS = [
    "term_end",
    "planned_term_end",
    "sk_number",
    "sk_date",
    "monthly_income",
    "acting",
    "end_reason",
]
_DESA_KINDS = (*Region.VILLAGE_KINDS, Region.Kind.KELURAHAN)
_SET_BY_IMPORT = ("group", "person", "desa")  # a position's fields that no cell gives as such

# Cell parsers with their arguments bound once, so that Memo recognises them from row to row.
_name = partial(v.parse_text, max_length=150)
_dusun = partial(v.parse_text, max_length=80)
_sk_number = partial(v.parse_text, max_length=100)


def phone_kept_message() -> str:
    return _(
        "Nomor HP tidak diubah: orang ini juga tercatat di wilayah lain, jadi nomornya diubah oleh operator "
        "kabupaten/provinsi."
    )


_NO_NIK = frozenset({"-", "--", "–", "—", "0", "belum ada", "tidak ada", "tdk ada", "blm ada", "belum"})


def _no_nik(cell: Any) -> bool:
    """A NIK cell that says the NIK is not known: the row is read as having none."""
    return type(cell) is str and 0 < len(cell) < 16 and " ".join(cell.split()).casefold() in _NO_NIK


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def position_start(
    fields: dict[str, Any],
    *,
    person: Person,
    same_person: list[Position],
    same_seat: Sequence[Position],
    region: str,
    checked: bool = False,
) -> Position:
    """What `officials.services.position_start` does, for a row of a chunk: the new position built and
    checked by the same rules against the positions the chunk holds; written later, with the chunk.
    `fields`: `position_new`'s other arguments. `checked`: the same fields have no problems of their own
    and plainly fit the model (`_checks`). `region`: the importer's ("" the whole country); the row's desa
    and person have been checked against it (`boundary`)."""
    position = position_new(person=person, **fields)
    if checked and not same_person and not same_seat:
        errors = None  # its own checks passed, and no other position can be held against it
    else:
        errors = position_problems(
            position, same_person=same_person, same_seat=same_seat, region=region, own_checked=checked
        )
    if errors:
        raise ValidationError(errors)
    if not checked:
        clean_fields(position, exclude=_SET_BY_IMPORT)
    return position


def who_without_nik(desa: str, name: str, birth_date) -> str:
    """The key of a person without a NIK: within its desa, the normalised name and the birth date
    (`name_key`: case, spacing, titles and degrees aside). A NIK is 16 digits: the two never meet."""
    return f"~{desa}|{name_key(name)}|{birth_date.isoformat()}"


class Holdings:
    """What one chunk's rows may touch: their people by who they are (the NIK, or for a person without one
    `who_without_nik`), those people's positions, and the one-holder seats of their desa. Kept up to date
    row by row; what changed is written after the next chunk's holdings are fetched (`take_writes`).

    `keys`: the rows' people (NIK or `who_without_nik`); `unnamed`: the `who_without_nik` of every row,
    with its desa, birth date and NIK (None), to find a person without a NIK (or, for a row whose NIK is
    new, the person the NIK completes). `previous`: the holdings of the chunk before, whose changes may
    not be in the database yet. What it holds of a person or desa this chunk needs is taken over as it is (the
    database would give it as it was), and any position it holds replaces the database's copy of it."""

    def __init__(
        self,
        keys: set[str],
        desa_codes: set[str],
        previous: Holdings | None = None,
        unnamed: dict[str, tuple[str, Any, str | None]] | None = None,
    ) -> None:
        earlier = previous.persons if previous is not None else {}
        unnamed = unnamed or {}
        carried = {key for key in keys | unnamed.keys() if key in earlier}
        self.persons: dict[str, Person] = {key: earlier[key] for key in carried}
        niks = {key for key in keys - carried if not key.startswith("~")}
        fetched = {p.id: p for p in fetch_objects(Person, "nik", niks)}
        self.persons.update((p.nik, p) for p in fetched.values())
        # People by desa, name and birth date: only where a row has no NIK or a NIK new to the database.
        wanted = {
            key: place
            for key, place in unnamed.items()
            if key not in carried and (key in keys or place[2] not in self.persons)
        }
        if wanted:
            found = Position.objects.filter(
                desa_id__in=sorted({desa for desa, _born, _nik in wanted.values()}),
                person__birth_date__in=sorted({born for _desa, born, _nik in wanted.values()}),
            ).select_related("person")
            for position in found.order_by("person_id"):
                person = position.person
                key = who_without_nik(position.desa_id, person.name, person.birth_date)
                if key not in wanted or key in self.persons:
                    continue
                if key not in keys and person.nik is not None:
                    continue  # a NIK completes only a person without one
                person = fetched.setdefault(person.id, person)
                self.persons[key] = person
                if person.nik is not None:
                    self.persons.setdefault(person.nik, person)
        known: dict[int, Position] = {}  # every saved position the chunk before holds, by key
        if previous is not None:
            known = {p.id: p for p in previous._positions() if p.id is not None}
        loaded = previous.desa_codes if previous is not None else set()
        positions: dict[int, Position] = {}  # saved ones, by key
        new: set[int] = set()  # new ones (made by the chunk before), by id()
        for position in fetch_objects(Position, "person", fetched):
            if position.id in known:
                position = known[position.id]
            else:
                position.person = fetched[position.person_id]
            positions[position.id] = position
        taken_over = [p for key in carried for p in previous.by_person.get(id(earlier[key]), ())]
        taken_over += [
            p
            for desa in desa_codes & loaded
            for office in ONE_HOLDER_OFFICES
            for p in previous.by_seat.get((desa, office), ())
        ]
        for position in taken_over:
            if position.id is None:
                new.add(id(position))
            else:
                positions[position.id] = position
        seats = Position.objects.filter(office__in=sorted(ONE_HOLDER_OFFICES)).select_related("person")
        for position in fetch_in(seats, "desa_id__in", sorted(desa_codes - loaded)):
            if position.id in known:
                position = known[position.id]
            elif position.id not in positions:
                held = fetched.get(position.person_id)
                if held is None and position.person.nik is not None:
                    held = self.persons.get(position.person.nik)
                position.person = held or position.person
            positions.setdefault(position.id, position)
        self.desa_codes = desa_codes  # the desa whose one-holder seats are all held here
        # Positions by their person (`id()` of the one object held for each), in id order, new ones last.
        self.by_person: dict[int, list[Position]] = defaultdict(list)
        # One-holder seats by desa code and office (kepala dusun: every dusun of the desa together).
        self.by_seat: dict[tuple[str, str], list[Position]] = defaultdict(list)
        # One object for each person: a position the chunk before held may carry another copy of them.
        by_id = {p.id: p for p in self.persons.values() if p.id is not None}
        for position in sorted(positions.values(), key=lambda p: p.id):
            person = by_id.get(position.person_id)
            if person is not None and position.person is not person:
                position.person = person
            self._index(position, position.person)
        for position in previous.new_positions if new else ():  # in the order they were made
            if id(position) in new:
                self._index(position, position.person)
        self.new_persons: list[Person] = []
        self.new_positions: list[Position] = []
        self.changed_persons: dict[int, Person] = {}  # by id(): a new person has no key yet
        self.changed_positions: dict[int, Position] = {}

    def _positions(self) -> Iterator[Position]:
        """Every position held, some more than once."""
        for held in self.by_person.values():
            yield from held
        for held in self.by_seat.values():
            yield from held

    def _index(self, position: Position, person: Person) -> None:
        self.by_person[id(person)].append(position)
        if position.office in ONE_HOLDER_OFFICES:
            self.by_seat[(position.desa_id, position.office)].append(position)

    def of(self, person: Person) -> list[Position]:
        """The positions held of this person (the one object held for them)."""
        return self.by_person.get(id(person), [])

    def add_person(self, person: Person, *keys: str) -> None:
        for key in keys:
            self.persons[key] = person
        self.new_persons.append(person)

    def add_position(self, position: Position, person: Person) -> None:
        """A new position of this person (the caller has it at hand: `position.person` costs a descriptor
        and a cache look-up)."""
        self._index(position, person)
        self.new_positions.append(position)

    def position_at(self, person: Person, desa: str, office: str, unit_name: str, start) -> Position | None:
        """The position a row describes, when it is held already: same person, desa, office, dusun, start."""
        unit = unit_key(unit_name)
        for position in self.by_person.get(id(person), ()):
            if (
                position.desa_id == desa
                and position.office == office
                and position.term_start == start
                and unit_key(position.unit_name) == unit
            ):
                return position
        return None

    def take_writes(self) -> Callable[[], None]:
        """What the rows decided so far, to be written later; the holdings then have nothing to write."""
        writes = partial(
            _write, self.new_persons, self.changed_persons, self.new_positions, self.changed_positions
        )
        self.new_persons, self.new_positions = [], []
        self.changed_persons, self.changed_positions = {}, {}
        return writes


def _write(
    new_persons: list[Person],
    changed_persons: dict[int, Person],
    new_positions: list[Position],
    changed_positions: dict[int, Position],
) -> None:
    # What was made and then changed by the same chunk is inserted as it is now, not updated.
    changed_persons = [p for p in changed_persons.values() if p.id is not None]
    changed_positions = [p for p in changed_positions.values() if p.id is not None]
    insert(Person, new_persons)
    update(Person, changed_persons, ["phone", "nik", "sex"])
    for position in new_positions:
        # The person now has its key. Set as the key's own attribute, not through Django's descriptor:
        # that would also drop the cached person, which is the very one the key now names.
        position.__dict__["person_id"] = position._state.fields_cache["person"].id
    insert(Position, new_positions)
    update(Position, changed_positions, POSITION_FIELDS)


class RosterRows:
    kind = "roster"
    fields = ROSTER_FIELDS
    looked_up = (Person, Position)

    def __init__(self, *, scope_code: str | None, default_desa: Region | None) -> None:
        self.scope_code = scope_code or ""
        self.default_desa = default_desa
        self._regions: dict[str, Region] = {}
        self._provinces: set[str] = set()
        self._all_loaded = False
        self._memo = Memo()
        self._held: Holdings | None = None
        self._held_elsewhere: set[str] = set()  # the chunk's new NIKs a participant holds outside the region
        self._unwritten: list[Callable[[], None]] = []  # what chunks decided, in order, until `write`
        # A new position's verdict (`_checks`) by everything it depends on but its SK number: a national
        # roster has about 1,200 such shapes for 1.5 million positions.
        self._position_verdicts: dict[tuple, bool] = {}

    def required(self) -> set[str]:
        # No NIK column is needed: a row may name its person by name and birth date (OpenSID's A.4 book).
        needed = {"nama", "jabatan"}
        if self.default_desa is None:
            needed.add("kode_desa")
        return needed

    def _desa_code(self, values: dict[str, Any]) -> str:
        cell = values.get("kode_desa")
        if _blank(cell):
            return self.default_desa.code if self.default_desa else ""
        return self._memo(v.parse_desa_code, cell)

    def _desa(self, code: str) -> Region | None:
        # Every desa and kelurahan of a province at once: a national file needs 38 queries, not 75,000.
        province = code[:2]
        if province not in self._provinces and not self._all_loaded:
            self._provinces.add(province)
            self._load(Region.objects.filter(province_code=province))
        return self._regions.get(code)

    def _load(self, regions) -> None:
        for region in regions.filter(kind__in=_DESA_KINDS).only("code", "name", "kind"):
            self._regions[region.code] = region

    def warm(self) -> None:
        # Every desa of the country (83,762 of them: about 0.6 s and 45 MB): a row's code is then looked up
        # in memory only, and a code not among them is unknown.
        if not self._all_loaded:
            self._load(Region.objects.all())
            self._all_loaded = True

    def pack(self, row: dict[str, Any]) -> dict[str, Any]:
        facts: NikFacts | None = row["nik_facts"]
        return {
            **row,
            "desa": row["desa"].code,
            "nik_facts": (facts.district_code, facts.birth_date, facts.sex) if facts is not None else None,
        }

    def unpack(self, row: dict[str, Any]) -> dict[str, Any]:
        row["desa"] = self._regions[row["desa"]]
        if row["nik_facts"] is not None:
            district, birth_date, sex = row["nik_facts"]
            row["nik_facts"] = NikFacts(row["nik"], district, birth_date, sex)
        return row

    def read(self, values: dict[str, Any]) -> Reading:
        """Every cell parsed; all problems of the row reported together."""
        problems: list[tuple[str, str]] = []
        warnings: list[tuple[str, str]] = []  # what the row lacks or has unreadable, kept without it
        out: dict[str, Any] = {}
        memo = self._memo
        columns = memo.columns

        def take(
            name: str,
            parser: Callable[..., Any],
            *args: Any,
            optional: bool = False,
            cached: bool = True,
            soft: bool = False,
        ) -> None:
            """`soft`: a value the record can do without (docs/imports.md, "What is refused and what is
            warned"): unreadable, it is left out with a warning instead of refusing the row."""
            cell = values.get(name)
            if cell is None or (isinstance(cell, str) and not cell.strip()):  # _blank, inline: 20 a row
                if optional:
                    out[name] = None
                else:
                    problems.append((name, "Wajib diisi."))
                return
            if cached:  # columns that repeat few values are parsed once per value; NIK, names, phones not
                seen = columns[name]
                key = cell if type(cell) is str and not args else cell_key(cell, args)
                ok, result = seen.get(key) or memo.parse(seen, key, parser, cell, args)
                if ok:
                    out[name] = result
                elif soft:
                    out[name] = None
                    warnings.append((name, skipped_message(result)))
                else:
                    problems.append((name, result))
                return
            try:
                out[name] = parser(cell, *args)
            except v.CellError as exc:
                if soft:
                    out[name] = None
                    warnings.append((name, skipped_message(str(exc))))
                else:
                    problems.append((name, str(exc)))

        if _no_nik(values.get("nik")):
            values = {**values, "nik": None}  # "-", "belum ada": as a village writes an unknown NIK
        take("nik", v.parse_nik_facts, optional=True, cached=False)
        facts = out["nik_facts"] = out.get("nik")  # what the NIK says, for deciding the person
        if facts is not None:
            out["nik"] = facts.nik
        take("nama", _name, cached=False)
        # Birth date and sex are the person's identity only without a NIK (which tells both).
        soft = facts is not None
        take("jenis_kelamin", v.parse_sex, optional=True, soft=True)
        take("tanggal_lahir", v.parse_date, optional=True, soft=soft)
        if out.get("tanggal_lahir") is None and not _blank(values.get("tempat_tanggal_lahir")):
            take("tempat_tanggal_lahir", v.parse_place_and_date, cached=False, soft=soft)
            out["tanggal_lahir"] = out.pop("tempat_tanggal_lahir", None)
        if "nik" in out and out["nik"] is None and out.get("tanggal_lahir") is None:
            if not any(name in ("tanggal_lahir", "tempat_tanggal_lahir") for name, _m in problems):
                problems.append(("nik", no_identity_message()))
        elif "nik" in out and out["nik"] is None:
            warnings.append(("nik", nik_missing_message()))
        take("kelompok", v.parse_group, optional=True, soft=True)
        take("jabatan", v.parse_office, out.get("kelompok"))
        take("nama_dusun", _dusun, optional=True, soft=True)
        take("status_jabatan", v.parse_acting, optional=True, soft=True)
        take("nomor_sk", _sk_number, optional=True, cached=False, soft=True)
        take("tanggal_sk", v.parse_date, optional=True, soft=True)
        if not _blank(values.get("nomor_tanggal_sk")):
            take("nomor_tanggal_sk", v.parse_sk_number_and_date, cached=False, soft=True)
            number, day = out.pop("nomor_tanggal_sk", None) or ("", None)
            out["nomor_sk"] = out["nomor_sk"] or number or None
            out["tanggal_sk"] = out["tanggal_sk"] or day
        take("mulai_menjabat", v.parse_date, optional=True)
        take("akhir_menjabat", v.parse_date, optional=True)
        if out.get("mulai_menjabat") is None and not _blank(values.get("masa_jabatan")):
            try:
                start, end = memo(v.parse_term_text, values.get("masa_jabatan"))
            except v.CellError as exc:
                problems.append(("masa_jabatan", str(exc)))
            else:
                start, end = _refine_year_only_term(start, end, out.get("tanggal_sk"), out.get("jabatan"))
                out["mulai_menjabat"] = start
                out["akhir_menjabat"] = out.get("akhir_menjabat") or end
        take("penghasilan_bulanan", v.parse_amount, optional=True, soft=True)
        take("no_hp", v.parse_phone, optional=True, cached=False, soft=True)
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
        if not code and "kode_desa" not in dict(problems):
            problems.append(("kode_desa", "Wajib diisi."))
        elif code and desa is None:
            problems.append(
                ("kode_desa", f"Kode desa {code} tidak dikenal (kode Kemendagri, mis. 61.03.01.2001).")
            )
        elif desa is not None:
            if not contains(self.scope_code, desa.code):
                problems.append(("kode_desa", f"Kode desa {desa.code} di luar wilayah Anda."))
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
        born = out.get("tanggal_lahir") or (facts.birth_date if facts is not None else None)
        out["born"] = born  # given, or told by the NIK
        if born is not None and code and out.get("nama"):
            out["unnamed"] = who_without_nik(code, out["nama"], born)
        key = self._duplicate_key(values, out, code)
        if problems:
            return Reading(None, problems, key)
        out["who"] = out["nik"] or out["unnamed"]
        if office.office == Office.KEPALA_DUSUN and not (out["nama_dusun"] or office.unit_name):
            warnings.append(("nama_dusun", unit_name_missing_message()))
        out["person_ok"], out["position_ok"] = self._checks(out)
        return Reading(out, problems, key, warnings)

    def _checks(self, row: dict[str, Any]) -> tuple[bool, bool]:
        """Whether a new person and a new position made of this row would pass the checks that depend on
        the row alone: done in `read`, which may run in the reader process (the two processes then share
        the work), so that `apply` repeats only the checks of a row that does not plainly pass (and so gets
        Django's messages)."""
        try:
            values = self._person_values(row, checked=False)
        except ValidationError:
            person_ok = False
        else:
            person_ok = plainly_valid_values(Person, values)  # the person itself is not needed here
        fields = self._position_fields(row)
        income = fields["monthly_income"]
        # Every value that the position's own problems and its fields' checks depend on, each as exactly as
        # they tell it apart (2 and 2.000 are equal amounts, but not to a field of two decimal places).
        key = (
            fields["desa"].is_village,
            fields["office"],
            fields["acting"],
            fields["unit_name"],
            fields["term_start"],
            fields["term_end"],
            fields["sk_date"],
            income.as_tuple() if type(income) is Decimal else (type(income), income),
        )
        verdict = self._position_verdicts.get(key)
        if verdict is None:
            position = position_new(person=None, **fields)
            verdict = not position_own_problems(position) and plainly_valid(
                position, exclude=(*_SET_BY_IMPORT, "sk_number")
            )
            if len(self._position_verdicts) >= Memo.LIMIT:
                self._position_verdicts.clear()
            self._position_verdicts[key] = verdict
        # The SK number is checked apart: it is nearly one a desa, and its check depends on nothing else.
        return person_ok, verdict and plainly_valid_value(Position, "sk_number", fields["sk_number"].strip())

    @classmethod
    def _person_new(cls, row: dict[str, Any], *, checked: bool) -> Person:
        return build_from(Person, cls._person_values(row, checked=checked))  # what person_new builds

    @staticmethod
    def _person_values(row: dict[str, Any], *, checked: bool) -> dict[str, Any]:
        return person_values(
            facts=row["nik_facts"],
            checked=checked,
            nik=row["nik"],
            name=row["nama"],
            sex=row["jenis_kelamin"],
            birth_date=row["tanggal_lahir"],
            phone=row["no_hp"] or "",
        )

    @staticmethod
    def _position_fields(row: dict[str, Any]) -> dict[str, Any]:
        """A new position's fields as the row gives them (the office cell's defaults where it is silent)."""
        office = row["jabatan"]
        return {
            "desa": row["desa"],
            "office": office.office,
            "acting": row["status_jabatan"] if row["status_jabatan"] is not None else office.acting,
            "unit_name": row["nama_dusun"] or office.unit_name,
            "term_start": row["mulai_menjabat"],
            "term_end": row["akhir_menjabat"],
            "sk_number": row["nomor_sk"] or "",
            "sk_date": row["tanggal_sk"],
            "monthly_income": (
                row["penghasilan_bulanan"] if row["penghasilan_bulanan"] is not None else Decimal(0)
            ),
        }

    def _duplicate_key(self, values: dict[str, Any], out: dict[str, Any], code: str) -> tuple | None:
        """The same person (NIK, or without one `who_without_nik`), desa, office and dusun (as the office cell
        names it) twice in one file."""
        nik = out.get("nik") or out.get("unnamed")
        if nik is None:
            return None
        try:
            office = self._memo(v.parse_office, values.get("jabatan"), None)
            code = code or self._desa_code(values)
        except v.CellError:
            return None
        return (nik, code, office.office, office.unit_name.lower())

    def prefetch(self, rows: list[dict[str, Any]]) -> None:
        previous = self._held
        unnamed = {row["unnamed"]: (row["desa"].code, row["born"], row["nik"]) for row in rows}
        self._held = Holdings(
            {row["who"] for row in rows}, {row["desa"].code for row in rows}, previous, unnamed
        )
        if self.scope_code:
            new = {row["nik"] for row in rows if row["nik"]} - self._held.persons.keys()
            self._held_elsewhere = participants_outside(self.scope_code, new)
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
        nik = row["nik"]  # None: not known yet (`who_without_nik` tells the person apart in its desa)
        # Everything is checked before anything changes: a rejected row leaves no trace.
        person = held.persons.get(row["who"])
        completed = None  # a person without a NIK whom this row's NIK completes
        if person is None and nik is not None:
            completed = held.persons.get(row["unnamed"])
            if completed is not None and completed.nik is None:
                person = completed
            else:
                completed = None
        new_person = person is None
        owned = True  # the importer's region holds every position of the person (`boundary`)
        if person is None:
            if nik is not None and nik in self._held_elsewhere:  # a BPJS participant placed outside
                person_write_check(self.scope_code, Reach.OUTSIDE)
            person = self._person_new(row, checked=row["person_ok"])
            if not row["person_ok"]:
                clean_fields(person, exclude=("nik",) if nik is None else ())  # the NIK is known to be new
        else:
            if self.scope_code:
                # Where the person stands before the row, from every position the chunk holds of them (the
                # row's desa is under the region: `read`). A NIK held only elsewhere is refused before
                # anything is compared, so that the answer says nothing of the person.
                reach = person_reach(self.scope_code, [p.desa_id for p in held.of(person)])
                person_write_check(self.scope_code, reach)
                owned = reach is not Reach.SHARED
                if completed is not None and nik in self._held_elsewhere:
                    person_write_check(self.scope_code, Reach.OUTSIDE)
            errors = person_disagreements(
                person, name=row["nama"], birth_date=row["tanggal_lahir"], sex=row["jenis_kelamin"]
            )
            if completed is not None:
                # The NIK must agree with what is held of the person, as a new person's would.
                facts = row["nik_facts"]
                errors.update(problems_of_nik(facts, person))
            if errors:
                raise ValidationError(errors)
        new_phone = not new_person and row["no_hp"] and row["no_hp"] != person.phone
        if new_phone and not owned:
            # The person also serves (or served) elsewhere: their phone is not this region's to change.
            recorder.warnings.append(("no_hp", phone_kept_message()))
            new_phone = False
        if completed is not None:
            before = snapshot(person, ["nik", "sex"])
            person.nik = nik
            person.sex = person.sex or row["nik_facts"].sex
            held.persons[nik] = person
            held.changed_persons[id(person)] = person
            recorder.updated(person, before)

        office = row["jabatan"]
        desa: Region = row["desa"]
        fields = self._position_fields(row)
        acting, unit_name, income = fields["acting"], fields["unit_name"], fields["monthly_income"]
        start = row["mulai_menjabat"]
        existing = None
        if not new_person:
            existing = held.position_at(person, desa.code, office.office, unit_name, start)
        if existing is not None:
            changed = self._position_changes(existing, row, acting, income)
            if changed:
                self._check_changes(
                    existing, changed, held.of(person), held.by_seat[(desa.code, office.office)]
                )
            if new_phone:
                self._phone(person, row["no_hp"], held, recorder)
            if changed:
                before = snapshot(existing, POSITION_FIELDS)
                for key, value in changed.items():
                    setattr(existing, key, value)
                held.changed_positions[id(existing)] = existing
                recorder.updated(existing, before)
            return

        # A new holder of a one-person seat ends the term of the holder who started before.
        predecessors = []
        seat = held.by_seat.get((desa.code, office.office), ())
        if seat:
            predecessors = [
                holder
                for holder in seat
                if holder.term_start < start
                and not _same_person(holder.person, person)
                and is_same_seat(desa.code, office.office, unit_name, holder)
                and (holder.term_end is None or holder.term_end >= start)
            ]
        position = position_start(
            fields,
            person=person,
            region=self.scope_code,
            checked=row["position_ok"],
            same_person=held.of(person),
            # The predecessors' terms end the day before this one starts: they no longer overlap it.
            same_seat=[p for p in seat if all(p is not q for q in predecessors)] if predecessors else seat,
        )
        if new_person:
            held.add_person(person, row["who"], row["unnamed"])
            recorder.created(person)
        elif new_phone:
            self._phone(person, row["no_hp"], held, recorder)
        for holder in predecessors:
            before = snapshot(holder, POSITION_FIELDS)
            holder.term_end = start - timedelta(days=1)
            holder.end_reason = Position.EndReason.REPLACED
            held.changed_positions[id(holder)] = holder
            recorder.updated(holder, before)
        held.add_position(position, person)
        recorder.created(position)

    def _phone(self, person: Person, phone: str, held: Holdings, recorder: Recorder) -> None:
        before = snapshot(person, ["phone"])
        person.phone = phone
        held.changed_persons[id(person)] = person
        recorder.updated(person, before)

    def _position_changes(
        self, position: Position, row: dict[str, Any], acting: str, income: Decimal
    ) -> dict[str, Any]:
        wanted = {
            "sk_number": row["nomor_sk"] if row["nomor_sk"] is not None else position.sk_number,
            "sk_date": row["tanggal_sk"] or position.sk_date,
            "monthly_income": income if row["penghasilan_bulanan"] is not None else position.monthly_income,
            "acting": acting,
        }
        if row["akhir_menjabat"] is not None and row["akhir_menjabat"] != position.term_end:
            wanted["term_end"] = row["akhir_menjabat"]
            wanted["planned_term_end"] = row["akhir_menjabat"]
        return {k: val for k, val in wanted.items() if getattr(position, k) != val}

    def _check_changes(
        self, position: Position, changed: dict[str, Any], same_person: list, same_seat: list
    ) -> None:
        """The office rules on the position as it would be; it is left as it was."""
        kept = {key: getattr(position, key) for key in changed}
        for key, value in changed.items():
            setattr(position, key, value)
        try:
            errors = position_problems(
                position, same_person=same_person, same_seat=same_seat, region=self.scope_code
            )
        finally:
            for key, value in kept.items():
                setattr(position, key, value)
        if errors:
            raise ValidationError(errors)


def _same_person(a: Person, b: Person) -> bool:
    return a is b or (a.id is not None and a.id == b.id)


def problems_of_nik(facts: NikFacts, person: Person) -> dict[str, list[str]]:
    """What a NIK given to a person held without one contradicts of them (birth date, sex)."""
    problems = nik_agrees(facts, birth_date=person.birth_date, sex=person.sex or None)
    return {"nik": problems} if problems else {}


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
