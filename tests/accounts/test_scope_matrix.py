"""The scope matrix: every page and API endpoint, by every role, inside and outside its region.

The URLs come from the URL configuration, so a new page is covered without editing this file. A URL
parameter is filled from the world of tests/world.py: a region code inside or outside the user's region,
the id of an object inside or outside it (PK_MODELS says which model an `<int:pk>` of a URL name is),
or a fixed value for other parameters (VALUES). A URL this file cannot fill fails the test, saying what
to add.

Outside the region, a request must be refused (403 or 404, or 405 for a method the page does not take);
inside, it must not fail (no 5xx). Nowhere may a response carry the markers of a place outside the
user's region: names, NIKs (whole or masked), KPJ and phone numbers, file names, usernames, desa codes.
"""

import functools
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from lindungdesa.accounts.models import AuditEntry
from lindungdesa.api.auth import token_create
from lindungdesa.regions.converters import RegionCodeConverter
from tests.world import ROLE_USERS, SNAPSHOT_PERIOD

# The world is made once for this module and the two other matrices of the group (`shared_world`,
# tests/conftest.py), in one test process.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("world")]

# URL-name prefix -> the attribute of a Place holding the object an `<int:pk>` names (longest match wins).
PK_MODELS = {
    "import-": "batch",
    "api-import": "batch",
    "proposal-": "proposal",
    "user-": "user",
    "token-": "token",
    "api-person": "person",
    "person": "person",
    "position-": "position",
    "api-position": "position",
    "api-enrolment": "enrolment",
    "monev-round": "round",
    "api-case": "case",
    "monev-case": "case",
    "monev-attachment": "attachment",
    "budget-stored": "budget",
}
# Objects that belong to a user, not a region: inside means one's own, outside anybody else's.
OWN_OBJECTS = {"token": lambda user: token_create(user=user, name="sendiri")[0]}
# Parameters that are neither a region nor an object: one value that exists.
VALUES = {"period": SNAPSHOT_PERIOD, "name": "belum-terdaftar", "fmt": "xlsx"}
# Open to everyone, signed in or not: aggregates of provinces and kabupaten/kota only
# (tests/web/test_public.py proves they hold no personal data; here they hold no place's markers either).
PUBLIC = {
    "public-home",
    "public-data-csv",
    "public-data-json",
    "public-region",
    "health-live",
    "health-ready",
    "favicon",
}
# Not region-scoped, and refused to everyone but staff (see test_the_admin_site_is_for_staff_only).
SKIPPED_NAMESPACES = {"admin"}
REFUSED = {403, 404, 405}
# Files of aggregated figures (a row per region or desa, counts only) or of no data at all: not audited
# (every other file is: `audit_problems`, and tests/accounts/test_downloads.py).
AGGREGATE_DOWNLOADS = {
    "monev-round-report",  # per regency
    "import-template",  # an empty roster
    "import-template-bpjs",  # an empty extract with one made-up example row
    "ucj-template",  # per regency, no person
    "public-data-csv",
}
# The user whose request inside its region also checks the audit trail of the files it gets.
AUDITED_USER = "admin"


@dataclass(frozen=True)
class Route:
    name: str
    params: dict  # kwarg -> converter

    def __str__(self) -> str:
        return self.name


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, params: dict, namespace: str | None) -> None:
        for entry in patterns:
            converters = dict(getattr(entry.pattern, "converters", {}))
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                if ns in SKIPPED_NAMESPACES:
                    continue
                walk(entry.url_patterns, {**params, **converters}, ns)
            elif isinstance(entry, URLPattern):
                assert entry.name, f"every URL needs a name to be checked: {entry.pattern}"
                found.append(Route(entry.name, {**params, **converters}))

    walk(get_resolver().url_patterns, {}, None)
    return found


ROUTES = routes()
SCOPED_ROUTES = [route for route in ROUTES if route.name not in PUBLIC]


def pk_attr(name: str) -> str:
    matches = [prefix for prefix in PK_MODELS if name.startswith(prefix)]
    if not matches:
        pytest.fail(f"URL {name!r} takes an <int:pk>: add its model to PK_MODELS in {__file__}")
    return PK_MODELS[max(matches, key=len)]


def url_for(route: Route, world, *, region_place: str, object_place: str, user=None, inside=True) -> str:
    kwargs = {}
    for kwarg, converter in route.params.items():
        if isinstance(converter, RegionCodeConverter):
            kwargs[kwarg] = world.places[region_place].code
        elif isinstance(converter, IntConverter):
            attr = pk_attr(route.name)
            if attr in OWN_OBJECTS and inside and user is not None:
                kwargs[kwarg] = OWN_OBJECTS[attr](user).pk
            else:
                kwargs[kwarg] = world.places[object_place].object(attr).pk
        elif kwarg in VALUES:
            kwargs[kwarg] = VALUES[kwarg]
        else:
            pytest.fail(f"URL {route.name!r}: no value for <{kwarg}>; add one to VALUES in {__file__}")
    return reverse(route.name, kwargs=kwargs)


def request(client, world, user, url: str):
    """GET; else POST with nothing, else PUT with an empty JSON object, whichever the URL takes. Signed in
    again each time (a logout page or a password change would otherwise sign the user out)."""
    attempts = [
        ("GET", lambda: client.get(url)),
        ("POST", lambda: client.post(url)),
        ("PUT", lambda: client.put(url, "{}", content_type="application/json")),
    ]
    for method, send in attempts:  # noqa: B007  (the method that answered is returned)
        if user is not None:
            world.sign_in(client, user)
        response = send()
        if response.status_code != 405:
            break
    return method, response


def exports() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).order_by("id"))


def is_file(response) -> bool:
    return "attachment" in response.get("Content-Disposition", "") or response.streaming


def audit_problems(route: Route, user, response, written: list[AuditEntry]) -> list[str]:
    """A file of person-level data goes through `accounts.downloads.personal_download`, which records it in
    the audit trail (docs/security.md, *Downloads of person-level data*): `written` are the export entries
    of the request that got `response`. Built from the URL configuration: a new download view that forgets
    the helper fails here."""
    if not is_file(response) or route.name in AGGREGATE_DOWNLOADS:
        return []
    if len(written) != 1:
        return [f"{route.name}: a file without its audit entry ({len(written)} entries)"]
    if not (written[0].user == user and written[0].region_code):
        return [f"{route.name}: its audit entry does not name the user and the region"]
    return []


def body_text(response) -> str:
    """What a response holds, as text: a spreadsheet's cells, a PDF's text, else its bytes decoded."""
    if response.get("Content-Type", "").startswith(("application/vnd.openxmlformats", "text/csv")):
        return _text_of_download(response)
    if response.get("Content-Type", "").startswith("application/pdf"):
        return _text_of_pdf(response)  # its bytes are compressed streams of glyph ids: read as its text
    if response.streaming:  # a file (an attachment)
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def leaks(response, world, outside: list[str]) -> list[str]:
    body = body_text(response)
    found = []
    for place in outside:
        for marker in [*world.places[place].markers, world.places[place].code]:
            if marker and marker in body:
                found.append(f"{place}: {marker}")
    return found


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _text_of_pdf(response) -> str:
    return _pdf_text(_content(response))


# A file's text depends on its bytes alone: the same bytes (a template, the same for every role; a file asked
# for again) are read once. Reading a spreadsheet or a PDF back was a tenth of the matrix's time.
@functools.lru_cache(maxsize=64)
def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    except PdfReadError:  # an uploaded attachment said to be a PDF, served as it came: its bytes
        return content.decode(errors="replace")


def _text_of_download(response) -> str:
    content = _content(response)
    if response["Content-Type"].startswith("text/csv"):
        return content.decode("utf-8-sig")
    return _xlsx_text(content)


@functools.lru_cache(maxsize=64)
def _xlsx_text(content: bytes) -> str:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return "\n".join(
        " ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True)
    )


def outside_places(role_key: str) -> list[str]:
    """Every place outside this user's region."""
    _role, region, _inside, _outside = ROLE_USERS[role_key]
    from tests.world import PLACES

    return [
        name
        for name, code in PLACES.items()
        if region and not (code == region or code.startswith(region + "."))
    ]


def test_every_url_is_in_the_matrix():
    names = {route.name for route in ROUTES}
    assert {"region", "imports", "reconcile", "audit", "users", "api-people", "api-schema"} <= names
    assert len(ROUTES) >= 40


@pytest.mark.parametrize("route", SCOPED_ROUTES, ids=str)
def test_no_role_reaches_outside_its_region(client, world, route):
    problems = []
    reached = []  # requests the view got past its access check with: some role must be allowed
    # Only a region or an object can be outside; other parameters (a period) name the same thing for all.
    has_params = any(isinstance(c, (RegionCodeConverter, IntConverter)) for c in route.params.values())
    for key, user in world.users.items():
        _role, _region, inside, outside = ROLE_USERS[key]
        others = outside_places(key)
        cases = [("inside", inside, inside)]
        if has_params and outside is not None:
            cases.append(("outside", outside, outside))
            if any(isinstance(c, RegionCodeConverter) for c in route.params.values()) and any(
                isinstance(c, IntConverter) for c in route.params.values()
            ):
                cases.append(("outside object in an inside region", inside, outside))
        for label, region_place, object_place in cases:
            url = url_for(
                route,
                world,
                region_place=region_place,
                object_place=object_place,
                user=user,
                inside=label == "inside",
            )
            audited = key == AUDITED_USER and label == "inside"
            before = len(exports()) if audited else 0
            method, response = request(client, world, user, url)
            where = f"{key} {label} {method} {url} -> {response.status_code}"
            if audited:  # the downloads' check (tests/accounts/test_downloads.py), on the same request
                problems.extend(audit_problems(route, user, response, exports()[before:]))
            if response.status_code >= 500:
                problems.append(f"server error: {where}")
            if label == "inside" and response.status_code not in REFUSED:
                reached.append(where)
            if label != "inside" and response.status_code not in REFUSED:
                problems.append(f"not refused: {where}")
            for leak in leaks(response, world, others):
                problems.append(f"leak of {leak}: {where}")
    assert problems == []
    # A URL refused to everyone would pass the checks above without testing anything.
    assert reached, f"no role reached {route.name} inside its region"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_visitors_get_nothing(client, world, route):
    url = url_for(route, world, region_place="penyeladi", object_place="penyeladi")
    _method, response = request(client, world, None, url)
    if route.name in ("login", "logout", "login-code"):
        assert response.status_code < 500
        return
    if route.name in PUBLIC:
        # A desa has no public page; readiness answers 503 while a check fails (tests/ops/test_health.py).
        assert response.status_code in (200, 302, 404) or route.name == "health-ready", url
        assert leaks(response, world, list(world.places)) == []
        return
    if response.status_code in (401, 403):  # the API
        assert "detail" in response.content.decode(), url
    else:  # pages send visitors to sign in
        assert response.status_code == 302 and response["Location"].startswith("/masuk/"), url
    assert leaks(response, world, list(world.places)) == []


def test_the_admin_site_is_for_staff_only(client, world):
    for user in world.users.values():
        world.sign_in(client, user)
        response = client.get("/admin/accounts/user/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_leak_check_reads_a_pdfs_text(client, world):
    """A case letter (WeasyPrint: compressed streams of glyph ids) is read as its text: the letter of a
    place's case names that place's desa and person, which the check must see (else a letter naming a
    person outside the region would pass the matrix unseen)."""
    route = next(r for r in ROUTES if r.name == "monev-case-letter")
    place = next(iter(world.places))
    url = url_for(route, world, region_place=place, object_place=place)
    _method, response = request(client, world, world.users[AUDITED_USER], url)
    assert response["Content-Type"].startswith("application/pdf")
    assert leaks(response, world, [place])
