"""A small world for the scope tests: people, imports, proposals and users in places inside and outside
each role's region, with the markers that must never show outside.

Places: Penyeladi (a desa of Kecamatan Kapuas, Sanggau), Nanga Biang (the next desa, same kecamatan),
Dalam Kaum (Kabupaten Sambas) and a desa of another province (Kalimantan Utara, made here: the test
database holds only province 61).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from lindungdesa.accounts.models import ApiToken, User
from lindungdesa.api.auth import token_create
from lindungdesa.budget.compute import CURRENT, Scenario
from lindungdesa.budget.services import budget_store
from lindungdesa.enrolment.models import Enrolment, MatchProposal
from lindungdesa.imports.models import ImportBatch
from lindungdesa.indicators.models import RegionFigure, Snapshot, Target
from lindungdesa.monev import rules
from lindungdesa.monev.models import Case, CaseAttachment, CaseEvent, Round
from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.regions.models import Region
from tests.factories import make_nik
from tests.web.conftest import DALAM_KAUM, NANGA_BIANG, PASSWORD, PENYELADI, start

OTHER_DESA = "65.01.01.2001"
PLACES = {"penyeladi": PENYELADI, "nanga_biang": NANGA_BIANG, "sambas": DALAM_KAUM, "other": OTHER_DESA}
SNAPSHOT_PERIOD = "2026-03"

# Each role's user: (role, home region, the place inside, the place outside).
ROLE_USERS = {
    "admin_national": (User.Role.ADMIN, None, "penyeladi", None),
    "admin": (User.Role.ADMIN, "61", "penyeladi", "other"),
    "province_analyst": (User.Role.PROVINCE_ANALYST, "61", "penyeladi", "other"),
    "regency_admin": (User.Role.REGENCY_ADMIN, "61.03", "penyeladi", "sambas"),
    "regency_operator": (User.Role.REGENCY_OPERATOR, "61.03", "penyeladi", "sambas"),
    "village_operator": (User.Role.VILLAGE_OPERATOR, PENYELADI, "penyeladi", "nanga_biang"),
    "bpjs_officer": (User.Role.BPJS_OFFICER, "61.03", "penyeladi", "sambas"),
    "association_officer": (User.Role.ASSOCIATION_OFFICER, "61", "penyeladi", "other"),
    "viewer": (User.Role.VIEWER, "61.03", "penyeladi", "sambas"),
}


@dataclass
class Place:
    code: str
    person: Person
    position: Position
    enrolment: Enrolment
    batch: ImportBatch
    proposal: MatchProposal
    user: User
    token: ApiToken
    markers: list[str] = field(default_factory=list)
    # Objects made only when a URL asks for them (they cost more than the rest of the world together).
    lazy: dict[str, Callable[[], object]] = field(default_factory=dict)

    def object(self, attr: str):
        if attr in self.lazy:
            value = self.lazy.pop(attr)()
            setattr(self, attr, value)
            return value
        return getattr(self, attr)


@dataclass
class World:
    places: dict[str, Place]
    users: dict[str, User]
    media: Path | None = None  # where its attachments are, when made once for a module (tests/conftest.py)
    # user id -> a session signed in as them, made with the world, and what it rested on then
    sessions: dict[int, "Signed"] = field(default_factory=dict)

    def sign_in(self, client: Client, user: User) -> None:
        """Sign `client` in as `user`. With the session made for the user with the world while it still
        signs them in; else anew (`force_login`). The matrices sign in before each of some 4,000
        requests: `force_login` saves a session, records the login (django-axes, `last_login`) and cost
        a fifth of their time; checking the session as a request does (loading and decoding it, loading
        the user, the password's HMAC) a tenth."""
        signed = self.sessions.get(user.pk)
        if signed is not None and signed.holds():
            client.cookies[settings.SESSION_COOKIE_NAME] = signed.key
        else:
            client.force_login(user)


@dataclass(frozen=True)
class Signed:
    """A session signed in as a user, and the rows a request's sign-in check reads, as they were when it
    was made. A request takes the session for the user's (`django.contrib.auth.get_user`) from the session's
    data (user id, backend, the password's hash), its expiry, and the user's row (still there, active, the
    same password): while these are as they were, and the session has not expired, it still signs the user
    in. A request that signs out, changes the password or the session, or deactivates the user, changes
    one of them (and `sign_in` then signs in anew)."""

    key: str
    user_id: int
    state: tuple

    @classmethod
    def of(cls, key: str, user_id: int) -> "Signed":
        return cls(key, user_id, _signed_state(key, user_id))

    def holds(self) -> bool:
        return _signed_state(self.key, self.user_id) == self.state


def _signed_state(key: str, user_id: int) -> tuple | None:
    quote = connection.ops.quote_name
    sessions, users = quote(Session._meta.db_table), quote(User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.session_data, u.password, u.is_active FROM {sessions} s, {users} u"
            " WHERE s.session_key = %s AND s.expire_date > %s AND u.id = %s",
            [key, timezone.now(), user_id],
        )
        return cursor.fetchone()


def signs_in(key: str, user: User) -> bool:
    """Whether a request bearing session `key` is `user`'s (the check of AuthenticationMiddleware)."""
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    return get_user(request).pk == user.pk


def sessions_make(users) -> dict[int, Signed]:
    """A session signed in as each user."""
    sessions = {}
    for user in users:
        client = Client()
        client.force_login(user)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert signs_in(key, user)
        sessions[user.pk] = Signed.of(key, user.pk)
    return sessions


def other_province() -> None:
    """Kalimantan Utara, one branch of it down to one desa."""
    rows = [
        ("65", "Kalimantan Utara", 1, Region.Kind.PROVINSI, None),
        ("65.01", "Kabupaten Bulungan", 2, Region.Kind.KABUPATEN, "65"),
        ("65.01.01", "Tanjung Palas", 3, Region.Kind.KECAMATAN, "65.01"),
        (OTHER_DESA, "Desa Luar Provinsi", 4, Region.Kind.DESA, "65.01.01"),
    ]
    for code, name, level, kind, parent in rows:
        Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "kind": kind,
                "parent_id": parent,
                "province_code": "65",
                "regency_code": code[:5] if level >= 2 else "",
                "district_code": code[:8] if level >= 3 else "",
            },
        )


def build_world(roster) -> World:
    other_province()
    admin = User.objects.create_user(username="pembuat", password=PASSWORD, role=User.Role.ADMIN)
    people = {
        "penyeladi": roster.budi,
        "nanga_biang": Person.objects.get(name="Hendrikus Nanga"),
        "sambas": roster.zulkarnain,
    }
    luar = Person.objects.create(
        nik=make_nik("65.01.01", date(1980, 1, 1), serial=9),
        name="Orang Luar Provinsi",
        sex="L",
        birth_date=date(1980, 1, 1),
        phone="081255551234",
    )
    start(luar, OTHER_DESA, Office.KEPALA_DESA, date(2021, 1, 1))
    people["other"] = luar
    places: dict[str, Place] = {}
    for name, code in PLACES.items():
        person = people[name]
        Person.objects.filter(pk=person.pk).update(phone=f"0812{person.pk:04d}7788")
        person.refresh_from_db()
        position = Position.objects.filter(person=person).first()
        enrolment = Enrolment.objects.create(
            person=person,
            kpj=f"9{person.pk:04d}123456",
            programmes="JKK,JKM",
            category="PU",
            wage=Decimal(2_000_000),
            start_date=date(2024, 1, 1),
            paid_through=date(2026, 2, 1),
        )
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.ROSTER,
            state=ImportBatch.State.DONE,
            file_name=f"berkas-{name}.csv",
            file_sha256="0" * 64,
            uploaded_by=admin,
            scope_code=code,
            finished_at=timezone.now(),
        )
        unmatched = Enrolment.objects.create(
            nik=make_nik(code[:8], date(1981, 2, 3), serial=50),
            bpjs_name=f"Peserta {name}",
            kpj=f"8{person.pk:04d}654321",
            programmes="JKK,JKM",
            category="PU",
            start_date=date(2024, 1, 1),
            kode_desa=code,
        )
        proposal = MatchProposal.objects.create(enrolment=unmatched, person=person, reason="nama mirip")
        user = User.objects.create_user(
            username=f"pengguna-{name}", password=PASSWORD, role=User.Role.VILLAGE_OPERATOR, region_id=code
        )
        token, _key = token_create(user=user, name=f"token-{name}")
        Target.objects.create(
            region_code=code, indicator=Target.Indicator.APARAT, year=2026, value=Decimal(77)
        )
        # Not the masked NIK: it keeps only the serial, which many people share (lib/pii.py).
        markers = [
            person.name,
            person.nik,
            enrolment.kpj,
            unmatched.kpj,
            unmatched.bpjs_name,
            batch.file_name,
            user.username,
            person.phone,
        ]
        places[name] = Place(code, person, position, enrolment, batch, proposal, user, token, markers)
    snapshot = Snapshot.objects.create(period=SNAPSHOT_PERIOD, made_at=timezone.now())
    for place in places.values():
        RegionFigure.objects.create(
            snapshot=snapshot,
            region_code=place.code,
            parent_code=place.code[:8],
            level=4,
            villages=1,
            aparat_serving=1,
        )
    monev_objects(places, admin)
    for place in places.values():
        place.lazy["budget"] = lambda place=place: budget_store(
            region=Region.objects.get(code=place.code), year=2027, scenario=Scenario(CURRENT), user=admin
        )
    users = {}
    for key, (role, region, _inside, _outside) in ROLE_USERS.items():
        users[key] = User.objects.create_user(
            username=f"uji-{key}", password=PASSWORD, role=role, region_id=region, first_name=key
        )
    return World(places, users, sessions=sessions_make(users.values()))


def monev_objects(places: dict[str, Place], admin: User) -> None:
    """A round in each province, a case with an attachment in each place. A round is a province's: inside
    it for everyone in province 61 is the round of 61; every other place points at the round of 65, so
    that asking for it is asking outside."""
    rounds = {}
    for province in ("61", "65"):
        rounds[province] = Round.objects.create(
            province_id=province, period="2026-Q1", evaluated_month=SNAPSHOT_PERIOD, criteria=["nobody"]
        )
    for name, place in places.items():
        round_ = rounds[place.code[:2]]
        case = Case.objects.create(
            round=round_,
            desa_id=place.code,
            failed=["nobody"],
            state=rules.NEW,
            state_since=date(2026, 3, 16),
        )
        event = CaseEvent.objects.create(
            case=case, to_state=rules.LETTER_SENT, note=f"surat ke {name}", user=admin
        )
        attachment = CaseAttachment(event=event, name=f"lampiran-{name}.pdf", size=8)
        attachment.file.save(f"lampiran-{name}.pdf", ContentFile(b"%PDF-1.4"), save=True)
        place.case = case
        place.attachment = attachment
        place.round = rounds["61"] if name == "penyeladi" else rounds["65"]
        place.markers.append(attachment.name)
