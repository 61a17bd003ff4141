"""Every download of person-level data goes through `accounts.downloads.personal_download`: refused to
roles without `personal.export` (and, for a whole file, `personal.view`), recorded in the audit trail with
who, what, the region and the row count (docs/security.md, *Downloads of person-level data*)."""

import pytest
from django.urls import reverse

from lindungdesa.accounts.permissions import PERSONAL_EXPORT, PERSONAL_VIEW, role_allows
from lindungdesa.imports.selectors import kinds_followed
from tests.accounts.test_scope_matrix import (
    AUDITED_USER,
    ROUTES,
    SCOPED_ROUTES,
    audit_problems,
    exports,
    request,
    url_for,
)
from tests.web.conftest import PENYELADI
from tests.world import ROLE_USERS

# The world is made once for this module and the two other matrices of the group (`shared_world`,
# tests/conftest.py), in one test process.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("world")]


@pytest.mark.parametrize("route", [route for route in ROUTES if route not in SCOPED_ROUTES], ids=str)
def test_every_file_of_the_project_is_audited_or_aggregate(client, world, route):
    """The URLs open to everyone, asked for by the province administrator. Every other URL of the URL
    configuration is checked the same way by the scope matrix, on the request it makes as that user inside
    the region (`audit_problems` in tests/accounts/test_scope_matrix.py): a new download view that forgets
    the helper fails there."""
    admin = world.users[AUDITED_USER]
    url = url_for(route, world, region_place="penyeladi", object_place="penyeladi", user=admin)
    before = len(exports())
    _method, response = request(client, world, admin, url)
    assert audit_problems(route, admin, response, exports()[before:]) == []


def downloads(world) -> dict[str, str]:
    """Each person-level download of the pages, for the desa Penyeladi, with the rows it holds."""
    place = world.places["penyeladi"]
    return {
        "budget-xlsx": reverse("budget-download", args=[PENYELADI, "xlsx"]) + "?skenario=all-serving",
        "budget-pdf": reverse("budget-download", args=[PENYELADI, "pdf"]) + "?skenario=all-serving",
        "budget-stored": reverse("budget-stored-download", args=[place.object("budget").pk, "xlsx"]),
        "letter": reverse("monev-case-letter", args=[place.case.pk]),
        "attachment": reverse("monev-attachment", args=[place.attachment.pk]),
        "reconcile-list": reverse("reconcile-download", args=[PENYELADI, "belum-terdaftar"]),
        "proposals": reverse("reconcile-download", args=[PENYELADI, "usulan"]),
        "rejected-rows": reverse("import-rejected", args=[place.batch.pk]),
        "audit-export": reverse("audit-export"),
    }


WHOLE = {"proposals", "rejected-rows"}  # files that cannot be masked: personal.view too


@pytest.mark.parametrize("role_key", [key for key in ROLE_USERS if key != "admin_national"])
def test_each_download_is_refused_without_the_right_and_audited_with_it(client, world, role_key):  # noqa: F811
    user = world.users[role_key]
    role = ROLE_USERS[role_key][0]
    for name, url in downloads(world).items():
        if name == "audit-export" and not role_allows(role, "audit.view"):
            continue  # refused by its own right first
        if name == "rejected-rows" and not role_allows(role, "import.view"):
            continue  # the batch is not even found (404) without the right to imports
        if name == "rejected-rows" and world.places["penyeladi"].batch.kind not in kinds_followed(user):
            # A roster's batch is not in a BPJS officer's history: not found either.
            world.sign_in(client, user)
            assert client.get(url).status_code == 404, role_key
            continue
        if name in ("reconcile-list", "proposals") and not role_allows(role, "reconcile.view"):
            continue
        whole_ok = name not in WHOLE or role_allows(role, PERSONAL_VIEW)
        allowed = role_allows(role, PERSONAL_EXPORT) and whole_ok
        before = len(exports())
        world.sign_in(client, user)
        response = client.get(url)
        written = exports()[before:]
        if not allowed:
            assert response.status_code == 403, (role_key, name, response.status_code)
            assert written == [], (role_key, name)
            continue
        assert response.status_code == 200, (role_key, name, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)
        [entry] = written
        assert entry.user == user and entry.username == user.username, name
        assert entry.note and entry.after["what"] == entry.note, name
        assert entry.region_code == (user.region_id or "" if name == "audit-export" else PENYELADI), name
        assert entry.after["masked"] == (not role_allows(role, PERSONAL_VIEW)), name
        if name == "attachment":
            assert entry.after["rows"] is None
        else:
            assert isinstance(entry.after["rows"], int), name


def test_the_rows_are_counted(client, world):
    operator = world.users["regency_operator"]
    world.sign_in(client, operator)
    urls = downloads(world)
    client.get(urls["budget-xlsx"])
    client.get(urls["reconcile-list"])
    budget, reconcile = exports()
    # Penyeladi's roster: Budi, Siti, Ahmad, Yohanes (aparat), Maria, Antonius (BPD) serve next year.
    assert budget.after["rows"] == 6 and budget.note.startswith("Anggaran iuran per orang")
    assert reconcile.after["rows"] >= 1 and reconcile.after["file_name"].endswith("belum-terdaftar.xlsx")


def test_a_regencys_budget_is_aggregate_and_open_to_a_viewer(client, world):
    viewer = world.users["viewer"]
    world.sign_in(client, viewer)
    response = client.get(reverse("budget-download", args=["61.03", "xlsx"]))
    assert response.status_code == 200 and exports() == []
    html = client.get(reverse("budget", args=["61.03"])).content.decode()
    assert reverse("budget-download", args=["61.03", "xlsx"]) in html
    html = client.get(reverse("budget", args=[PENYELADI]) + "?skenario=all-serving").content.decode()
    assert reverse("budget-download", args=[PENYELADI, "xlsx"]) not in html
    assert "Rincian per orang" not in html and "Budi Santoso" not in html
