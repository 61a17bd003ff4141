"""The audit trail: every change with who, when, before and after; imports as one entry; the audit page."""

import csv
import io
from datetime import date

import pytest

from lindungdesa.accounts import audit
from lindungdesa.accounts.models import AuditEntry, User
from lindungdesa.enrolment.models import StatusRule
from lindungdesa.imports.services import batch_undo, roster_import_file
from lindungdesa.indicators.services import target_set
from lindungdesa.lib.nik import nik_mask
from lindungdesa.officials.models import Position
from lindungdesa.officials.services import position_end
from lindungdesa.regions.models import Region
from tests.imports.conftest import ROSTER_HEADER, People, to_csv
from tests.web.conftest import PENYELADI, make_user
from tests.web.roster_once import OnTheRoster, class_roster  # noqa: F401  (a fixture: made once)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rudi(db) -> User:
    return make_user("rudi", User.Role.REGENCY_OPERATOR, "61.03", "Rudi")


def test_every_registered_model_is_audited():
    labels = {model._meta.label for model in audit.registered()}
    assert {
        "officials.Person",
        "officials.Position",
        "enrolment.Enrolment",
        "indicators.Target",
        "enrolment.StatusRule",
        "accounts.User",
    } <= labels


def test_deleting_a_target_and_a_rule_is_recorded(rudi):
    target_set(region_code="61.03", indicator="aparat", year=2030, value=80, user=rudi)
    with audit.acting_as(rudi):
        target_set(region_code="61.03", indicator="aparat", year=2030, value=None, user=rudi)
    deleted = AuditEntry.objects.get(model="indicators.Target", action="delete")
    assert deleted.before["value"] == "80.00" and deleted.user == rudi
    rule = StatusRule.objects.create(valid_from=date(2030, 1, 1), grace_months=2, lapse_months=4)
    rule.delete()
    assert AuditEntry.objects.filter(model="enrolment.StatusRule", action="delete").exists()


def test_passwords_never_enter_the_audit(rudi):
    rudi.set_password("sandi-baru-yang-kuat-77")
    rudi.save()
    entry = AuditEntry.objects.filter(model="accounts.User", action="update").get()
    assert entry.after == {"password": "(diubah)"}
    assert "sandi-baru" not in str(AuditEntry.objects.values_list("before", "after"))


def test_an_import_is_one_entry_and_its_undo_another(rudi):
    desa = Region.objects.get(code=PENYELADI)
    people = People(desa)
    data = to_csv(
        ROSTER_HEADER,
        [
            people.row("Yohanes Ale", "Kepala Desa", serial=1),
            people.row("Maria Ulfa", "Sekretaris Desa", sex="P", serial=2),
        ],
    )
    before = AuditEntry.objects.count()
    summary = roster_import_file(data=data, file_name="daftar.csv", user=rudi)
    entries = AuditEntry.objects.order_by("id")[before:]
    assert [(e.action, e.model) for e in entries] == [("import", "imports.ImportBatch")]
    assert entries[0].after["created"] == summary.created > 0 and entries[0].user == rudi
    from lindungdesa.imports.models import ImportBatch

    batch_undo(batch=ImportBatch.objects.get(), user=rudi)
    assert AuditEntry.objects.filter(
        action="undo", user=rudi, object_id=str(ImportBatch.objects.get().pk)
    ).exists()


def page(client, user, query=""):
    client.force_login(user)
    response = client.get("/audit/" + query)
    assert response.status_code == 200
    return response.content.decode()


class TestOnTheRoster(OnTheRoster):
    """The tests that read the hand-made roster, which is made once for them (tests/web/roster_once.py)."""

    def test_a_change_records_who_when_before_and_after(self, roster, rudi):
        position = Position.objects.get(person=roster.siti)
        with audit.acting_as(rudi):
            position_end(
                region=None, position=position, last_day=date(2026, 2, 28), reason=Position.EndReason.RESIGNED
            )
        entry = AuditEntry.objects.filter(
            model="officials.Position", action="update", object_id=position.pk
        ).get()
        assert entry.user == rudi and entry.username == "rudi"
        assert entry.before == {"term_end": None, "end_reason": ""}
        assert entry.after == {"term_end": "2026-02-28", "end_reason": "resigned"}
        assert entry.region_code == PENYELADI and entry.person_id == roster.siti.pk

    def test_creating_a_person_records_the_whole_row_and_a_kecamatan(self, roster):
        entry = AuditEntry.objects.filter(model="officials.Person", object_id=str(roster.budi.pk)).get()
        assert entry.action == "create" and entry.after["nik"] == roster.budi.nik
        assert entry.region_code == "61.03.01"  # from the NIK: no office yet when the person was made

    def test_a_saved_nothing_is_not_an_entry(self, roster):
        before = AuditEntry.objects.count()
        roster.budi.save()
        assert AuditEntry.objects.count() == before

    def test_the_audit_page_searches_by_person_desa_user_and_date(self, client, roster, rudi):
        admin = make_user("admin61", User.Role.ADMIN, "61", "Admin")
        with audit.acting_as(rudi):
            position_end(
                region=None,
                position=Position.objects.get(person=roster.siti),
                last_day=date(2026, 2, 28),
                reason=Position.EndReason.RESIGNED,
            )
        html = page(client, admin, "?orang=Siti")
        assert "Siti Aminah" in html and "Mengundurkan diri" in html and "Budi Santoso" not in html
        assert "resigned" not in html  # the reason in words, not its code
        html = page(client, admin, f"?orang={roster.siti.nik}&pengguna=rudi")
        assert "Siti Aminah" in html
        assert "Tidak ada catatan" in page(client, admin, "?pengguna=orang-lain")
        assert "Zulkarnain" not in page(client, admin, f"?desa={PENYELADI}")
        assert "Zulkarnain" in page(client, admin, "?desa=61.01")
        assert "Tidak ada catatan" in page(client, admin, "?dari=2000-01-01&sampai=2000-01-02")
        assert "Tanggal akhir sebelum tanggal awal." in page(
            client, admin, "?dari=2020-01-02&sampai=2020-01-01"
        )

    def test_a_regency_administrator_sees_only_its_regencys_audit(self, client, roster):
        regency_admin = make_user("admsanggau", User.Role.REGENCY_ADMIN, "61.03", "Admin Sanggau")
        html = page(client, regency_admin)
        assert "Budi Santoso" in html and "Zulkarnain Sambas" not in html

    def test_roles_without_the_right_cannot_open_it(self, client, roster, rudi):
        client.force_login(rudi)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/unduh.csv").status_code == 403

    def test_the_export_masks_for_an_analyst_and_is_itself_logged(self, client, roster):
        analyst = make_user("dewi", User.Role.PROVINCE_ANALYST, "61", "Dewi")
        client.force_login(analyst)
        response = client.get("/audit/unduh.csv?orang=Budi")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["waktu", "pengguna", "tindakan"]
        text = "\n".join(",".join(r) for r in rows)
        assert nik_mask(roster.budi.nik) in text and roster.budi.nik not in text
        logged = AuditEntry.objects.get(action="export", user=analyst)
        assert logged.after["masked"] is True and logged.after["rows"] == len(rows) - 1

    def test_audit_page_masks_niks_for_an_analyst(self, client, roster):
        analyst = make_user("dewi", User.Role.PROVINCE_ANALYST, "61", "Dewi")
        html = page(client, analyst, "?orang=Budi")
        assert nik_mask(roster.budi.nik) in html and roster.budi.nik not in html
        kpj = roster.budi.enrolments.first().kpj
        assert kpj not in html  # a membership is named by its KPJ: masked too
        admin = make_user("admin61", User.Role.ADMIN, "61", "Admin")
        assert roster.budi.nik in page(client, admin, "?orang=Budi")
        assert kpj in page(client, admin, "?orang=Budi")

    def test_a_search_by_number_is_only_for_those_who_see_numbers_whole(self, client, roster):
        analyst = make_user("dewi", User.Role.PROVINCE_ANALYST, "61", "Dewi")
        assert "Tidak ada catatan" in page(client, analyst, f"?orang={roster.budi.nik}")
        assert "Budi Santoso" in page(client, analyst, "?orang=Budi")

    def test_the_audit_page_says_fields_and_values_in_words(self, client, roster):
        from lindungdesa.accounts.services import user_create

        admin = make_user("admin61", User.Role.ADMIN, "61", "Admin")
        created = user_create(
            by=admin,
            username="yanti",
            role=User.Role.VILLAGE_OPERATOR,
            region=Region.objects.get(code=PENYELADI),
            password="kata-sandi-yang-panjang-1",
        )
        AuditEntry.objects.filter(model="accounts.User", object_id=str(created.pk)).update(object_id="38474")
        entry = AuditEntry.objects.get(model="accounts.User", object_id="38474")
        entry.after["id"] = 38474
        entry.save()
        target_set(region_code="61", indicator="bpd", year=2027, value=50, user=admin)
        html = page(client, admin)
        for raw in ("is_superuser", "village_operator", "accounts.User", "region_id", "indicators.Target"):
            assert raw not in html, raw
        assert "Peran</span>: <ins>Operator desa</ins>" in html
        assert "Status superuser</span>: <ins>tidak</ins>" in html
        assert "Pengguna yanti" in html  # the kind of data and its name
        assert "<ins>38474</ins>" in html and "38.474" not in html
        assert "<ins>2027</ins>" in html and "2.027" not in html
