"""The write matrix, beside the read matrix of test_scope_matrix.py: every way to change data, by every role,
on a target inside and outside its region.

Every URL answering POST, PUT, PATCH or DELETE (pages and API) is found in the URL configuration (the
methods from the `Allow` header of an OPTIONS request), and each needs a case in CASES: what it sends, the
right it needs, and the tables its write changes. A write URL without a case fails
test_every_write_url_has_a_case, saying what to add. Imports go through the page, the API and the command
line (`--user`).

For each role (tests/world.py: a user in a province, a regency or a desa, and the places inside and
outside it), each case is sent once aimed inside the role's region and once (or more) outside:

- outside, or without the right: refused, and the database unchanged: every table dumped row by row
  before and after and compared (only the bookkeeping a refused write keeps, such as an import batch with
  its rejected rows, is let through, and only in the tables the case names);
- inside, with the right: it works (no 4xx or 5xx) and the tables the case names have changed.

Every request runs in a savepoint that is rolled back, so the world is built once for the module.
"""

import io
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from lindungdesa.accounts import permissions
from lindungdesa.accounts.models import User
from lindungdesa.api.auth import token_create
from lindungdesa.budget.compute import CURRENT
from lindungdesa.budget.models import Source
from lindungdesa.imports.models import ImportBatch
from lindungdesa.indicators.models import UcjFigure
from lindungdesa.monev.models import Agency
from tests.accounts.test_scope_matrix import ROUTES, Route, url_for
from tests.factories import make_nik
from tests.imports.conftest import BPJS_HEADER, ROSTER_HEADER, to_csv
from tests.shared import writes_so_far
from tests.web.conftest import PASSWORD, roster_make
from tests.world import ROLE_USERS, World, build_world

# The world is made once for the module (`matrix`), in one test process (`make test` runs `--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("write-matrix")

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# The authentication itself: no region, nothing of anybody else's (tests/web/test_login.py and
# tests/accounts/test_totp.py try them).
NOT_REGION_WRITES = {
    ("login", "POST"): "signing in",
    ("login-code", "POST"): "the second step of signing in",
    ("logout", "POST"): "signing out",
    (
        "totp-setup",
        "POST",
    ): "one's own second factor, with a code of its secret (tests/accounts/test_totp.py)",
}
# Changed by any request, refused or not: who is signed in, when a token was last used.
VOLATILE_TABLES = {"django_session"}
# Reference tables no request writes (the regions are loaded by a command); dumping the regions' 2,300 rows
# twice per request would be most of this file's run time.
REFERENCE_TABLES = {"regions_region", "django_migrations", "auth_permission", "django_content_type"}
VOLATILE_COLUMNS = {"accounts_apitoken": ("last_used_at",)}


# The world ---------------------------------------------------------------------------------------------


@dataclass
class Matrix:
    world: World
    keys: dict[str, str]  # role key -> API key

    def place(self, name: str):
        return self.world.places[name]


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world(roster_make())
            keys = {key: token_create(user=user, name="matriks")[1] for key, user in world.users.items()}
            for place in world.places.values():
                place.object("budget")
            Agency.objects.get_or_create(
                region_id="61", kind=Agency.Kind.DPMPD, defaults={"name": "DPMPD Kalimantan Barat"}
            )
            yield Matrix(world, keys)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def m(matrix, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return matrix


# Tables, before and after ---------------------------------------------------------------------------------


def tables() -> list[str]:
    return sorted(
        t for t in connection.introspection.table_names() if t not in VOLATILE_TABLES | REFERENCE_TABLES
    )


def dump() -> dict[str, Counter]:
    """Every row of every table, as the database driver gives it, counted (a multiset: equal whatever the
    rows' order). Written as sorted text before, which took as long as reading them."""
    result = {}
    with connection.cursor() as cursor:
        for table in tables():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  (names from the introspection)
            columns = [c[0] for c in cursor.description]
            skip = {columns.index(c) for c in VOLATILE_COLUMNS.get(table, ()) if c in columns}
            rows = cursor.fetchall()
            if skip:
                rows = [tuple(v for i, v in enumerate(r) if i not in skip) for r in rows]
            try:
                result[table] = Counter(map(tuple, rows))
            except TypeError:  # a value that cannot be hashed (a list or dict of a driver): its text
                result[table] = Counter(map(repr, rows))
    return result


def changed(before: dict, after: dict) -> set[str]:
    return {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}


# Which URLs write ------------------------------------------------------------------------------------------


def inside_url(m: Matrix, route: Route, user: User) -> str:
    return url_for(route, m.world, region_place="penyeladi", object_place="penyeladi", user=user)


def write_methods(m: Matrix, route: Route) -> set[str]:
    """The methods a URL takes besides reading, from the Allow header of an OPTIONS request (Django's
    require_http_methods answers it 405 with the list; class views and DRF answer it with the list)."""
    user = m.world.users["admin_national"]
    client = Client()
    m.world.sign_in(client, user)
    url = inside_url(m, route, user)
    response = client.options(url)
    if "Allow" not in response:  # the sign-in pages send a signed-in user on
        response = Client().options(url)
    allow = response.get("Allow")
    assert allow is not None, (
        f"URL {route.name!r} answers OPTIONS without an Allow header ({response.status_code}): say which "
        "methods its view takes (django.views.decorators.http.require_http_methods, require_POST or "
        "require_safe), so that the write matrix knows whether it writes"
    )
    return {m.strip() for m in allow.split(",")} & set(WRITE_METHODS)


def test_every_write_url_has_a_case(m):
    found = {(route.name, method) for route in ROUTES for method in write_methods(m, route)}
    assert found >= {("api-position-appoint", "POST"), ("import-commit", "POST"), ("budget-adopt", "POST")}
    missing = sorted(found - set(CASES) - set(NOT_REGION_WRITES))
    assert missing == [], (
        f"these URLs take a write method and have no case in the write matrix: {missing}. Add a Write to "
        f"CASES in {__file__}: what the request sends inside and outside the role's region, the right it "
        "needs and the tables it changes"
    )
    stale = sorted(set(CASES) - found)
    assert stale == [], f"cases for URLs or methods that no longer write: {stale}"


# The cases -------------------------------------------------------------------------------------------------


@dataclass
class Req:
    """One request: to a page (signed in) or to the API (with the role's token)."""

    url: str
    data: dict = field(default_factory=dict)
    method: str = "POST"

    @property
    def api(self) -> bool:
        return self.url.startswith("/api/")


Aim = Callable[[Matrix, str, User], Req]


@dataclass
class Write:
    """One way to write. `aim` builds the request aimed at a place (its region, its objects); `across`
    builds more requests at outside targets (e.g. the URL of an inside object with an outside person in
    the body); `prepare` makes objects the write needs, once per test, for every place."""

    right: str | None  # the right it needs (None: any signed-in user, on its own things)
    changes: tuple[str, ...]  # tables an inside write changes
    aim: Aim
    across: Callable[[Matrix, str, str, User], list[Req]] | None = None
    keeps: tuple[str, ...] = ()  # tables a refused write may still change (bookkeeping only)
    prepare: Callable[[Matrix], None] | None = None
    # Made for each request, in its savepoint, before the tables are dumped: (matrix, place aimed at).
    setup: Callable[[Matrix, str, User], None] | None = None
    # Refused in the answer (4xx). An import answers 202 and refuses the rows (the batch says which).
    answer_refuses: bool = True
    # Who succeeds inside, when not everyone with the right: role key -> bool.
    who: Callable[[str, User], bool] | None = None
    outside: bool = True  # False: the target is the user's own region or account, nothing to aim outside
    label: str = ""

    def may(self, key: str, user: User, inside: str, m: Matrix) -> bool:
        if self.who is not None:
            return self.who(key, user)
        return self.right is None or permissions.can(user, self.right, m.place(inside).code)


def regency(m: Matrix, place: str) -> str:
    return m.place(place).code[:5]


def route(name: str) -> Route:
    return next(r for r in ROUTES if r.name == name)


def at(name: str, attr_place: str | None = None) -> Callable[[Matrix, str, User], str]:
    """The URL of `name` with its region and object parameters from one place."""

    def build(m: Matrix, place: str, user: User) -> str:
        return url_for(route(name), m.world, region_place=place, object_place=place, user=user)

    return build


def new_nik(place_code: str, serial: int = 61) -> str:
    return make_nik(place_code[:8], date(1991, 5, 17), serial=serial)


def roster_csv(rows: list[dict]) -> SimpleUploadedFile:
    full = []
    for row in rows:
        line = {h: "" for h in ROSTER_HEADER}
        line.update(
            kelompok="APARAT",
            jabatan="Kaur Perencanaan",
            status_jabatan="Plt",
            mulai_menjabat="05/01/2026",
            no_hp="082222222222",
        )
        line.update(row)
        full.append(line)
    return SimpleUploadedFile("daftar.csv", to_csv(ROSTER_HEADER, full), content_type="text/csv")


def bpjs_csv(rows: list[dict]) -> SimpleUploadedFile:
    full = []
    for row in rows:
        line = dict.fromkeys(BPJS_HEADER, "")
        line.update(
            program="JKK,JKM",
            kategori="PU",
            upah="3100000",
            tanggal_kepesertaan="15/01/2024",
            bulan_iuran_terakhir="2026-02",
            status="AKTIF",
        )
        line.update(row)
        full.append(line)
    return SimpleUploadedFile("ekstrak.csv", to_csv(BPJS_HEADER, full), content_type="text/csv")


def roster_rows_at(m: Matrix, place: str) -> list[dict]:
    """A new person in the place's desa."""
    code = m.place(place).code
    return [{"kode_desa": code, "nik": new_nik(code), "nama": "Orang Baru Matriks"}]


def roster_rows_across(m: Matrix, inside: str, outside: str) -> list[dict]:
    """Into an inside desa, the NIK of someone serving outside, with a new phone (defect 3)."""
    person = m.place(outside).person
    return [
        {"kode_desa": m.place(inside).code, "nik": person.nik, "nama": person.name, "no_hp": "085799990000"}
    ]


def bpjs_rows_at(m: Matrix, place: str) -> list[dict]:
    """The membership of the place's person, paid further (defect 3: with and without a desa code)."""
    p = m.place(place)
    return [{"nik": p.person.nik, "nama": p.person.name, "kpj": p.enrolment.kpj, "upah": "4500000"}]


def bpjs_rows_coded(m: Matrix, place: str) -> list[dict]:
    p = m.place(place)
    return [{**bpjs_rows_at(m, place)[0], "kode_desa": p.code}]


IMPORT_BOOKKEEPING = (
    "indicators_dataversion",
    "imports_importbatch",
    "imports_rejectedrow",
    "imports_importwarning",
    "accounts_auditentry",
)


def page_import(kind: str, rows: Callable) -> Aim:
    def aim(m: Matrix, place: str, user: User) -> Req:
        data = {"jenis": kind, "bulan": "2026-02", "desa": m.place(place).code}
        data["berkas"] = (roster_csv if kind == "roster" else bpjs_csv)(rows(m, place))
        return Req("/impor/", data)

    return aim


def page_import_across(kind: str, rows: Callable):
    def across(m: Matrix, inside: str, outside: str, user: User) -> list[Req]:
        data = {"jenis": kind, "bulan": "2026-02", "desa": m.place(inside).code}
        data["berkas"] = (roster_csv if kind == "roster" else bpjs_csv)(rows(m, inside, outside))
        return [Req("/impor/", data)]

    return across


def api_import(kind: str, rows: Callable) -> Aim:
    def aim(m: Matrix, place: str, user: User) -> Req:
        data = {"kind": kind, "month": "2026-02", "dry_run": "false"}
        if kind == "roster" and (user.region_id is None or len(user.region_id) < 13):
            data["desa"] = m.place(place).code
        data["file"] = (roster_csv if kind == "roster" else bpjs_csv)(rows(m, place))
        return Req("/api/imports/upload/", data)

    return aim


def api_import_across(kind: str, rows: Callable):
    def across(m: Matrix, inside: str, outside: str, user: User) -> list[Req]:
        data = {"kind": kind, "month": "2026-02", "dry_run": "false"}
        data["file"] = (roster_csv if kind == "roster" else bpjs_csv)(rows(m, inside, outside))
        return [Req("/api/imports/upload/", data)]

    return across


def bpjs_across(m: Matrix, inside: str, outside: str) -> list[dict]:
    """The outside person's membership, with the desa code of an inside desa: the code must not carry
    the write inside."""
    p = m.place(outside)
    return [
        {
            "nik": p.person.nik,
            "nama": p.person.name,
            "kpj": p.enrolment.kpj,
            "upah": "4500000",
            "kode_desa": m.place(inside).code,
        }
    ]


PEOPLE = ("officials_person", "officials_position")
ENROLMENTS = ("enrolment_enrolment",)


def batches(m: Matrix, *, state: str, only: str | None = None) -> None:
    """For each place, a roster batch by the place's village operator: a dry run (`previewed`), one
    saved (`done`), one that failed for want of columns (`failed`) or one whose worker stopped (`stopped`:
    the failure that is not the file's, which may be tried again)."""
    from lindungdesa.imports.engine import batch_create, batch_fail
    from lindungdesa.imports.tasks import WORKER_DIED, import_batch_run

    for name, place in m.world.places.items():
        if only is not None and name != only:
            continue
        if state == "failed":
            data = b"kolom_aneh;lain\n1;2\n"
        else:
            data = roster_csv(roster_rows_at(m, name)).read()
        batch = batch_create(
            kind=ImportBatch.Kind.ROSTER,
            data=data,
            file_name=f"siap-{name}.csv",
            user=place.user,
            scope_code=place.code,
            default_desa=None,
            as_of=None,
            dry_run=state == "previewed",
            save=True,
        )
        if state == "stopped":
            batch_fail(batch, WORKER_DIED)
        else:
            import_batch_run.enqueue(batch.pk)
        batch.refresh_from_db()
        wanted = {"previewed": ImportBatch.State.PREVIEWED, "done": ImportBatch.State.DONE}
        assert batch.state == wanted.get(state, ImportBatch.State.FAILED), (batch.state, batch.message)
        place.batch = batch


CASES: dict[tuple[str, str], list[Write]] = {}


def case(name: str, method: str = "POST", *writes: Write) -> None:
    CASES[(name, method)] = list(writes)


# Imports: page and API, roster and BPJS; the command line is tried below.
case(
    "imports",
    "POST",
    Write(
        permissions.ROSTER_IMPORT,
        PEOPLE,
        page_import("roster", roster_rows_at),
        page_import_across("roster", roster_rows_across),
        keeps=IMPORT_BOOKKEEPING,
        answer_refuses=False,
        label="roster",
    ),
    Write(
        permissions.BPJS_IMPORT,
        ENROLMENTS,
        page_import("bpjs", bpjs_rows_at),
        page_import_across("bpjs", bpjs_across),
        keeps=IMPORT_BOOKKEEPING,
        answer_refuses=False,
        label="bpjs",
    ),
    Write(
        permissions.BPJS_IMPORT,
        ENROLMENTS,
        page_import("bpjs", bpjs_rows_coded),
        keeps=IMPORT_BOOKKEEPING,
        answer_refuses=False,
        label="bpjs with kode_desa",
    ),
)
case(
    "api-import-upload",
    "POST",
    Write(
        permissions.ROSTER_IMPORT,
        PEOPLE,
        api_import("roster", roster_rows_at),
        api_import_across("roster", roster_rows_across),
        keeps=IMPORT_BOOKKEEPING,
        answer_refuses=False,
        label="roster",
    ),
    Write(
        permissions.BPJS_IMPORT,
        ENROLMENTS,
        api_import("bpjs", bpjs_rows_at),
        api_import_across("bpjs", bpjs_across),
        keeps=IMPORT_BOOKKEEPING,
        answer_refuses=False,
        label="bpjs",
    ),
)
for _name, _url in (("import-commit", None), ("api-import-commit", None)):
    case(
        _name,
        "POST",
        Write(
            permissions.ROSTER_IMPORT,
            (*PEOPLE, "imports_importbatch"),
            lambda m, place, user, _n=_name: Req(at(_n)(m, place, user)),
            prepare=lambda m: batches(m, state="previewed"),
        ),
    )
case(
    "import-undo",
    "POST",
    Write(
        permissions.ROSTER_IMPORT,
        (*PEOPLE, "imports_importbatch"),
        lambda m, place, user: Req(at("import-undo")(m, place, user)),
        # Only the last saved import can be undone: one is made just before each request.
        setup=lambda m, place, user: batches(m, state="done", only=place),
    ),
)
case(
    "import-retry",
    "POST",
    Write(
        permissions.ROSTER_IMPORT,
        ("imports_importbatch",),
        lambda m, place, user: Req(at("import-retry")(m, place, user)),
        prepare=lambda m: batches(m, state="stopped"),
    ),
)
case(
    "import-mapping",
    "POST",
    Write(
        permissions.ROSTER_IMPORT,
        ("imports_importbatch",),
        lambda m, place, user: Req(
            at("import-mapping")(m, place, user), {"kolom_0": "nik", "kolom_1": "nama"}
        ),
        prepare=lambda m: batches(m, state="failed"),
    ),
)


# Reconciliation: a match proposal confirmed or refused.
for _name in ("proposal-confirm", "proposal-refuse"):
    case(
        _name,
        "POST",
        Write(
            permissions.ENROLMENT_EDIT,
            ("enrolment_matchproposal",),
            lambda m, place, user, _n=_name: Req(at(_n)(m, place, user)),
            # An outside proposal under the address of an inside desa.
            across=lambda m, inside, outside, user, _n=_name: [
                Req(url_for(route(_n), m.world, region_place=inside, object_place=outside))
            ],
        ),
    )


# People and positions through the API.
def appoint(m: Matrix, place: str, user: User) -> Req:
    code = m.place(place).code
    body = {
        "desa": code,
        "nik": new_nik(code, 71),
        "name": "Orang Baru Matriks",
        "office": "kaur_perencanaan",
    }
    return Req("/api/positions/appoint/", {**body, "term_start": "2026-01-05"})


def appoint_across(m: Matrix, inside: str, outside: str, user: User) -> list[Req]:
    """Defect 1: the NIK of someone serving outside, into an inside desa, by name or not."""
    person = m.place(outside).person
    body = {"desa": m.place(inside).code, "office": "kaur_perencanaan", "term_start": "2026-01-05"}
    return [
        Req("/api/positions/appoint/", {**body, "nik": person.nik, "name": name, "acting": "plt"})
        for name in (person.name, "Siapa Saja")
    ]


case(
    "api-position-appoint",
    "POST",
    Write(permissions.ROSTER_EDIT, PEOPLE, appoint, appoint_across),
)
case(
    "api-position-end",
    "POST",
    Write(
        permissions.ROSTER_EDIT,
        ("officials_position",),
        lambda m, place, user: Req(
            at("api-position-end")(m, place, user), {"last_day": "2026-02-28", "reason": "resigned"}
        ),
    ),
)

# People and positions through the pages (the registry forms).
TERM = {"office": "kaur_perencanaan", "term_start": "2026-01-05"}


def official_add(m: Matrix, place: str, user: User) -> Req:
    code = m.place(place).code
    return Req(
        at("official-add")(m, place, user), {"nik": new_nik(code, 72), "name": "Orang Baru Matriks", **TERM}
    )


def official_add_across(m: Matrix, inside: str, outside: str, user: User) -> list[Req]:
    """Defect 1 on the page: the NIK of someone serving outside, into an inside desa."""
    person = m.place(outside).person
    url = at("official-add")(m, inside, user)
    return [
        Req(url, {"nik": person.nik, "name": name, "acting": "plt", **TERM})
        for name in (person.name, "Siapa Saja")
    ]


def person_edit(m: Matrix, place: str, user: User) -> Req:
    p = m.place(place).person
    data = {"nik": p.nik, "name": p.name, "birth_date": p.birth_date.isoformat(), "sex": p.sex}
    return Req(at("person-edit")(m, place, user), {**data, "phone": "081299998888"})


def hand_over(m: Matrix, place: str, user: User) -> Req:
    code = m.place(place).code
    body = {"nik": new_nik(code, 73), "name": "Pengganti Matriks", "term_start": "2026-03-01"}
    return Req(at("position-replace")(m, place, user), {**body, "end_reason": "resigned"})


case("official-add", "POST", Write(permissions.ROSTER_EDIT, PEOPLE, official_add, official_add_across))
case(
    "position-end",
    "POST",
    Write(
        permissions.ROSTER_EDIT,
        ("officials_position",),
        lambda m, place, user: Req(
            at("position-end")(m, place, user), {"term_end": "2026-02-28", "end_reason": "resigned"}
        ),
    ),
)
case(
    "position-correct",
    "POST",
    # Its own start kept, its SK and income corrected.
    Write(
        permissions.ROSTER_EDIT,
        ("officials_position",),
        lambda m, place, user: Req(
            at("position-correct")(m, place, user),
            {
                "term_start": m.place(place).position.term_start.isoformat(),
                "sk_number": "141/MATRIKS/2026",
                "monthly_income": "2.750.000",
            },
        ),
    ),
)
case("position-replace", "POST", Write(permissions.ROSTER_EDIT, PEOPLE, hand_over))
case("person-edit", "POST", Write(permissions.ROSTER_EDIT, ("officials_person",), person_edit))
case(
    "person-nik",
    "POST",
    # A reveal of the whole NIK writes its audit entry, and nothing else.
    Write(
        permissions.PERSONAL_VIEW,
        ("accounts_auditentry",),
        lambda m, place, user: Req(at("person-nik")(m, place, user)),
    ),
)

# Targets and UCJ figures, for a kabupaten (the place's) or the province.
case(
    "api-target-set",
    "PUT",
    Write(
        permissions.TARGET_EDIT,
        ("indicators_target",),
        lambda m, place, user: Req(
            "/api/targets/set/",
            {"region_code": regency(m, place), "indicator": "aparat", "year": 2027, "value": "81.5"},
            method="PUT",
        ),
    ),
)
case(
    "targets",
    "POST",
    Write(
        permissions.TARGET_EDIT,
        ("indicators_target",),
        lambda m, place, user: Req(
            "/target/", {"region": regency(m, place), "indicator": "aparat", "year": 2027, "value": "81,5"}
        ),
    ),
)
case(
    "ucj",
    "POST",
    Write(
        permissions.UCJ_EDIT,
        ("indicators_ucjfigure",),
        lambda m, place, user: Req(
            "/ucj/",
            {
                "region": regency(m, place),
                "year": 2026,
                "working_population": 120000,
                "participants": 30000,
                "numerator": UcjFigure.Numerator.ACTIVE,
            },
        ),
    ),
)
case(
    "snapshots",
    "POST",
    Write(
        permissions.SNAPSHOT_TAKE,
        ("indicators_snapshot",),
        lambda m, place, user: Req("/potret/", {"period": "2026-02"}),
        outside=False,  # the user's own region, whatever it sends
    ),
)

# Budgets.
case(
    "budget-adopt",
    "POST",
    Write(
        permissions.BUDGET_ADOPT,
        ("budget_budget",),
        lambda m, place, user: Req(
            at("budget-adopt")(m, place, user), {"tahun": "2028", "skenario": CURRENT}
        ),
    ),
)


def settings_form(m: Matrix, place: str, user: User) -> Req:
    from lindungdesa.budget.forms import RegencySettingsForm

    data = {
        "tahun": "2028",
        "risiko": "2",
        "kategori_bpd": "PU",
        "penghasilan_bpd": "1500000",
        "akun_bpd": "5.1.4.91",
        "nama_akun_bpd": "Jaminan Ketenagakerjaan BPD",
        "kegiatan_bpd": "01.01.05",
        "nama_kegiatan_bpd": "Penyediaan Tunjangan BPD",
        "alasan": "Perbup",
    }
    for name in RegencySettingsForm(this_year=2026).fields:
        data.setdefault(name, Source.APBDES)
    return Req(reverse("budget-settings", args=[regency(m, place)]), data)


case(
    "budget-settings",
    "POST",
    Write(permissions.BUDGET_PAYERS, ("budget_budgetsetting",), settings_form),
)

# Monitoring: rounds, a regency's confirmation, cases moved, assigned, lettered, one by one and in bulk.
MONEV_CASE = ("monev_case",)


def agency_id() -> int:
    return Agency.objects.get(region_id="61", kind=Agency.Kind.DPMPD).pk


def case_page(form: str, data: Callable[[], dict]) -> Aim:
    def aim(m: Matrix, place: str, user: User) -> Req:
        return Req(at("monev-case")(m, place, user), {"form": form, **data()})

    return aim


MOVE = {"to_state": "terdaftar", "note": "KPJ terbit, ekstrak BPJS Februari"}
case(
    "monev-case",
    "POST",
    Write(permissions.CASE_EDIT, (*MONEV_CASE, "monev_caseevent"), case_page("", lambda: MOVE), label="move"),
    Write(
        permissions.CASE_ASSIGN,
        MONEV_CASE,
        case_page("tugaskan", lambda: {"agency": agency_id()}),
        label="assign",
    ),
    Write(permissions.CASE_LETTER, MONEV_CASE, case_page("nomor-surat", dict), label="letter number"),
)
case(
    "api-case-move",
    "POST",
    Write(
        permissions.CASE_EDIT,
        (*MONEV_CASE, "monev_caseevent"),
        lambda m, place, user: Req(at("api-case-move")(m, place, user), MOVE),
    ),
)


def bulk(action: str, data: Callable[[], dict]):
    def aim(m: Matrix, place: str, user: User) -> Req:
        body = {"action": action, "cases": [m.place(place).case.pk], **data()}
        return Req(reverse("monev-round", args=[m.place(place).round.pk]), body)

    def across(m: Matrix, inside: str, outside: str, user: User) -> list[Req]:
        """The inside round, an outside case."""
        body = {"action": action, "cases": [m.place(outside).case.pk], **data()}
        return [Req(reverse("monev-round", args=[m.place(inside).round.pk]), body)]

    return aim, across


case(
    "monev-round",
    "POST",
    Write(
        permissions.CASE_EDIT,
        (*MONEV_CASE, "monev_caseevent"),
        *bulk("status", lambda: MOVE),
        label="move",
    ),
    Write(
        permissions.CASE_ASSIGN,
        MONEV_CASE,
        *bulk("tugaskan", lambda: {"agency": agency_id()}),
        label="assign",
    ),
    Write(
        permissions.CASE_LETTER,
        MONEV_CASE,
        *bulk("surat", dict),
        keeps=("accounts_auditentry",),
        label="letters",
        who=lambda key, user: (
            permissions.can(user, permissions.CASE_LETTER)
            and permissions.can(user, permissions.PERSONAL_EXPORT)
        ),
    ),
)


def confirm_all(m: Matrix) -> None:
    from lindungdesa.monev.services import regencies_to_confirm, round_confirm_regency

    admin = m.world.users["admin_national"]
    for place in ("penyeladi", "other"):
        round_ = m.place(place).round
        for regency_ in regencies_to_confirm(round_):
            round_confirm_regency(round_=round_, regency=regency_, user=admin)


def round_post(name: str, data: Callable[[Matrix, str], dict] = lambda m, place: {}) -> Aim:
    def aim(m: Matrix, place: str, user: User) -> Req:
        return Req(reverse(name, args=[m.place(place).round.pk]), data(m, place))

    return aim


case(
    "monev-round-confirm",
    "POST",
    Write(
        permissions.MONEV_CONFIRM,
        ("monev_regencyconfirmation",),
        round_post("monev-round-confirm", lambda m, place: {"kabupaten": regency(m, place)}),
        # The inside round, an outside kabupaten.
        across=lambda m, inside, outside, user: [
            Req(
                reverse("monev-round-confirm", args=[m.place(inside).round.pk]),
                {"kabupaten": regency(m, outside)},
            )
        ],
        # A regency confirms its own figures: its own users, or a national administrator.
        who=lambda key, user: key in ("admin_national", "regency_admin", "regency_operator"),
    ),
)
case(
    "monev-round-accept",
    "POST",
    Write(
        permissions.MONEV_MANAGE,
        ("monev_round",),
        round_post("monev-round-accept"),
        prepare=confirm_all,
    ),
)
case(
    "monev-round-refreeze",
    "POST",
    Write(permissions.MONEV_MANAGE, ("monev_round",), round_post("monev-round-refreeze")),
)
case(
    "monev-rounds",
    "POST",
    Write(
        permissions.MONEV_MANAGE,
        ("monev_round",),
        lambda m, place, user: Req(
            "/monev/", {"period": "2026-Q2", "criteria": ["nobody"], "threshold": "80"}
        ),
        outside=False,  # a round is opened for the user's own province
        # A national administrator has no province to open one for.
        who=lambda key, user: key in ("admin", "province_analyst"),
    ),
)

# Users, by their administrators; one's own account.
USER_FIELDS = {"first_name": "Diubah", "role": "village_operator", "is_active": "on"}


def managed_user(m: Matrix, place: str):
    return m.place(place).user


def with_totp(m: Matrix, place: str, user: User) -> None:
    User.objects.filter(pk=managed_user(m, place).pk).update(totp_secret="JBSWY3DPEHPK3PXP")


case(
    "user-new",
    "POST",
    Write(
        permissions.USER_MANAGE,
        ("accounts_user",),
        lambda m, place, user: Req(
            "/pengguna/baru/",
            {
                "username": "baru-matriks",
                "role": "village_operator",
                "region": m.place(place).code,
                "password1": "Sandi-Baru-Matriks-2026",
            },  # fmt: skip
        ),
    ),
)
case(
    "user-edit",
    "POST",
    Write(
        permissions.USER_MANAGE,
        ("accounts_user",),
        lambda m, place, user: Req(
            reverse("user-edit", args=[managed_user(m, place).pk]),
            {**USER_FIELDS, "username": managed_user(m, place).username, "region": m.place(place).code},
        ),
    ),
)
case(
    "user-password",
    "POST",
    Write(
        permissions.USER_MANAGE,
        ("accounts_user",),
        lambda m, place, user: Req(
            reverse("user-password", args=[managed_user(m, place).pk]),
            {"password1": "Sandi-Baru-Matriks-2026", "password2": "Sandi-Baru-Matriks-2026"},
        ),
    ),
)
case(
    "user-totp-reset",
    "POST",
    Write(
        permissions.USER_MANAGE,
        ("accounts_user",),
        lambda m, place, user: Req(reverse("user-totp-reset", args=[managed_user(m, place).pk])),
        setup=with_totp,
    ),
)
NEW_PASSWORD = {"old_password": PASSWORD, "new_password1": "Sandi-Baru-Matriks-2026"}
case(
    "password-change",
    "POST",
    Write(
        None,
        ("accounts_user",),
        lambda m, place, user: Req(
            "/akun/sandi/", {**NEW_PASSWORD, "new_password2": NEW_PASSWORD["new_password1"]}
        ),
        outside=False,
    ),
)
case(
    "token-new",
    "POST",
    Write(
        None,
        ("accounts_apitoken",),
        lambda m, place, user: Req("/akun/token/", {"name": "baru"}),
        outside=False,
    ),
)


def inside_of(user: User) -> str:
    return ROLE_USERS[user.first_name][2]  # the world's users are named after their role key


def token_url(m: Matrix, place: str, user: User, *, own: bool) -> str:
    return url_for(
        route("token-delete"), m.world, region_place=place, object_place=place, user=user, inside=own
    )


case(
    "token-delete",
    "POST",
    Write(
        None,
        ("accounts_apitoken",),
        # Inside: one's own token; outside: the token of a user outside the region, and of one inside.
        lambda m, place, user: Req(token_url(m, place, user, own=place == inside_of(user))),
        across=lambda m, inside, outside, user: [Req(token_url(m, inside, user, own=False))],
    ),
)
case(
    "totp-off",
    "POST",
    Write(
        None,
        ("accounts_user",),
        lambda m, place, user: Req("/akun/dua-langkah/matikan/"),
        setup=lambda m, place, user: User.objects.filter(pk=user.pk).update(totp_secret="JBSWY3DPEHPK3PXP"),
        outside=False,
    ),
)


# The runner ------------------------------------------------------------------------------------------------


def client_for(m: Matrix, key: str, user: User, req: Req) -> Client:
    if req.api:
        return Client(headers={"Authorization": f"Token {m.keys[key]}"})
    client = Client()
    m.world.sign_in(client, user)
    return client


def send(client: Client, req: Req):
    if req.api and not any(isinstance(v, SimpleUploadedFile) for v in req.data.values()):
        return client.generic(req.method, req.url, json.dumps(req.data), content_type="application/json")
    return getattr(client, req.method.lower())(req.url, req.data)


def tables_changed_by(run: Callable[[], None]) -> set[str]:
    """The tables `run` changes, in a savepoint of the caller's. Every row of every table is compared
    before and after (`dump`), but only when something was written: on SQLite, a connection counts the rows
    each INSERT, UPDATE and DELETE touches (`writes_so_far`; the project has no trigger and no cascade in
    the database, which it would not count), and a count unchanged by `run` means no row changed. The rows
    before are dumped after `run`, once its savepoint is rolled back: the same rows, as the database gave
    them before. Most requests of the matrix are refused and write nothing; dumping every table twice for
    each was a sixth of this file's time."""
    counted = writes_so_far()
    sid = transaction.savepoint()
    if counted is None:  # no count (PostgreSQL): dumped before and after, always
        before = dump()
        run()
        return changed(before, dump())
    run()
    if writes_so_far() == counted:
        return set()
    after = dump()
    transaction.savepoint_rollback(sid)
    return changed(dump(), after)


def attempt(m: Matrix, key: str, user: User, req: Req) -> tuple[int, set[str], str]:
    """Send `req` in a savepoint rolled back after: the status and the tables it changed."""
    sid = transaction.savepoint()
    try:
        client = client_for(m, key, user, req)
        answer: list = []

        def run() -> None:
            try:
                response = send(client, req)
                answer.extend([response.status_code, response.content[:300].decode(errors="replace")])
            except Exception as exc:  # noqa: BLE001  (a server error, reported with the others)
                answer.extend([500, repr(exc)])

        tables_changed = tables_changed_by(run)
        status, body = answer
        return status, tables_changed, body
    finally:
        transaction.savepoint_rollback(sid)


def check(m: Matrix, write: Write) -> list[str]:
    problems = []
    allowed_somewhere = False
    for key, user in m.world.users.items():
        _role, _region, inside, outside = ROLE_USERS[key]
        may = write.may(key, user, inside, m)
        attempts = [("inside", inside, write.aim)]
        if outside is not None and write.outside:
            attempts.append(("outside", outside, write.aim))
            if write.across is not None:
                for req in write.across(m, inside, outside, user):
                    attempts.append(("across", inside, lambda *_args, req=req: req))
        for label, place, aim in attempts:
            sid = transaction.savepoint()
            if write.setup is not None:
                write.setup(m, place, user)
            req = aim(m, place, user)
            status, tables_changed, body = attempt(m, key, user, req)
            transaction.savepoint_rollback(sid)
            where = f"{write.label} {key} {label} {req.method} {req.url} -> {status}".strip()
            if status >= 500:
                problems.append(f"server error: {where}: {body}")
            elif label == "inside" and may:
                allowed_somewhere = True
                if status >= 400:
                    problems.append(f"refused inside: {where}: {body}")
                missing = set(write.changes) - tables_changed
                if missing:
                    problems.append(f"no change in {sorted(missing)}: {where}: {body}")
            else:
                leaked = tables_changed - set(write.keeps)
                if leaked:
                    problems.append(f"changed {sorted(leaked)} although refused: {where}")
                if req.api and write.answer_refuses and status < 400:
                    problems.append(f"not refused: {where}")
    if not allowed_somewhere:
        problems.append("no role may make this write: the case tests nothing")
    return problems


def case_ids() -> list[str]:
    return [f"{name}-{method}" for name, method in CASES]


@pytest.mark.parametrize("key", list(CASES), ids=case_ids())
def test_write_matrix(m, key):
    problems = []
    for write in CASES[key]:
        if write.prepare is not None:
            write.prepare(m)
        problems += check(m, write)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


# The command line, on someone's behalf ---------------------------------------------------------------------


def command(*args: str) -> tuple[bool, set[str], str]:
    """Run a command in a savepoint rolled back after: whether it ran, and the tables it changed."""
    sid = transaction.savepoint()
    try:
        result: list = []

        def run() -> None:
            out = io.StringIO()
            try:
                call_command(*args, stdout=out, stderr=io.StringIO())
                result.extend([True, out.getvalue()[:300]])
            except CommandError as exc:
                result.extend([False, str(exc)[:300]])

        tables_changed = tables_changed_by(run)
        ran, out = result
        return ran, tables_changed, out
    finally:
        transaction.savepoint_rollback(sid)


IMPORT_ROWS = {
    "roster": (roster_rows_at, roster_rows_across, roster_csv, permissions.ROSTER_IMPORT, PEOPLE),
    "bpjs": (bpjs_rows_at, bpjs_across, bpjs_csv, permissions.BPJS_IMPORT, ENROLMENTS),
}


@pytest.mark.parametrize("kind", list(IMPORT_ROWS))
def test_command_line_imports_stay_inside_the_users_region(m, kind, tmp_path):
    rows_at, rows_across, to_file, right, tables = IMPORT_ROWS[kind]
    problems = []
    for key, user in m.world.users.items():
        _role, _region, inside, outside = ROLE_USERS[key]
        files = [("inside", rows_at(m, inside))]
        if outside is not None:
            files += [("outside", rows_at(m, outside)), ("across", rows_across(m, inside, outside))]
        for label, rows in files:
            path = tmp_path / f"{kind}-{key}-{label}.csv"
            path.write_bytes(to_file(rows).read())
            extra = ["--as-of", "2026-02"] if kind == "bpjs" else []
            ran, tables_changed, out = command(
                "import", kind, str(path), "--json", "--user", user.username, *extra
            )
            where = f"{key} {label}: {out}"
            if label == "inside" and permissions.can(user, right, m.place(inside).code):
                if not ran or not set(tables) <= tables_changed:
                    problems.append(f"did not import inside: {where}")
            elif tables_changed - set(IMPORT_BOOKKEEPING):
                problems.append(f"changed {sorted(tables_changed - set(IMPORT_BOOKKEEPING))}: {where}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_command_line_budget_adoption_stays_inside_the_users_region(m):
    problems = []
    for key, user in m.world.users.items():
        _role, _region, inside, outside = ROLE_USERS[key]
        for label, place in [("inside", inside), ("outside", outside)]:
            if place is None:
                continue
            args = (
                "budget",
                "--year",
                "2028",
                "--region",
                m.place(place).code,
                "--json",
                "--save",
                user.username,
            )
            ran, tables_changed, out = command(*args)
            where = f"{key} {label}: {out}"
            if label == "inside" and permissions.can(user, permissions.BUDGET_ADOPT):
                if not ran or "budget_budget" not in tables_changed:
                    problems.append(f"did not adopt inside: {where}")
            elif tables_changed:
                problems.append(f"changed {sorted(tables_changed)}: {where}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
