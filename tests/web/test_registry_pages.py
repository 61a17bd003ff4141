"""The roster kept in the pages (web/registry.py): add an official, correct a person, end a term, hand a
seat over, and a whole NIK shown on demand. Inside the region it works and is audited; outside it is refused
with the database unchanged; roles without the right get 403; field errors stand beside their field."""

import re
from datetime import date

import pytest

from lindungdesa.accounts.models import AuditEntry, User
from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.regions.models import Region
from tests.factories import make_nik
from tests.web.conftest import KAPUAS, NANGA_BIANG, PENYELADI, make_user, start
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db

FOREIGN = "NIK ini tercatat di wilayah lain; hubungi operator kabupaten/provinsi."
NEW_NIK = make_nik(KAPUAS, date(1992, 8, 17), "P", serial=77)


def snapshot() -> tuple:
    """Every person and position as stored: what an outside write must leave exactly as it was."""
    return (
        list(Person.objects.order_by("pk").values()),
        list(Position.objects.order_by("pk").values()),
    )


def field_errors(html: str, field: str) -> list[str]:
    """The messages shown beside one field (in `<span class="field-errors" id="id_<field>_error">`, the id
    the field's `aria-describedby` names)."""
    found = re.search(rf'<span class="field-errors" id="id_{field}_error">(.*?)</span></span>', html)
    return re.findall(r'<span class="field-error">([^<]*)', found.group(1) + "</span>") if found else []


def new_official(**overrides) -> dict:
    data = {
        "nik": NEW_NIK,
        "name": "Theresia Wulan",
        "birth_date": "1992-08-17",
        "sex": "P",
        "phone": "0812 3456 7890",
        "office": Office.KASI_PELAYANAN,
        "unit_name": "",
        "acting": "",
        "term_start": "2026-02-01",
        "term_end": "",
        "sk_number": "141/07/2026",
        "sk_date": "2026-01-25",
        "monthly_income": "2500000",
    }
    return {**data, **overrides}


def add_url(code: str = PENYELADI) -> str:
    return f"/wilayah/{code}/aparat/tambah/"


# Adding an official ---------------------------------------------------------------------------------------


def test_the_village_operator_adds_a_new_person_as_an_official(client, village_operator, roster):
    client.force_login(village_operator)
    assert "Tambah aparat atau anggota BPD" in client.get(f"/wilayah/{PENYELADI}/").content.decode()
    assert client.get(add_url()).status_code == 200
    response = client.post(add_url(), new_official())
    assert response.status_code == 302
    assert response["Location"].startswith(f"/wilayah/{PENYELADI}/")
    person = Person.objects.get(nik=NEW_NIK)
    assert (person.name, person.sex, person.birth_date, person.phone) == (
        "Theresia Wulan",
        "P",
        date(1992, 8, 17),
        "081234567890",
    )
    position = person.positions.get()
    assert (position.desa_id, position.office, position.sk_number) == (
        PENYELADI,
        "kasi_pelayanan",
        "141/07/2026",
    )
    # Audited, as made by the operator: the person and the position.
    entries = AuditEntry.objects.filter(user=village_operator, action=AuditEntry.Action.CREATE)
    assert {e.model for e in entries} == {"officials.Person", "officials.Position"}
    page = client.get(response["Location"]).content.decode()
    assert "Theresia Wulan dicatat sebagai Kasi Pelayanan." in page


def test_an_existing_person_is_taken_by_nik_and_a_bpd_member_is_added(client, sanggau_operator, roster):
    """The regency operator gives Stefanus (kepala desa in Mukok) nothing in Penyeladi that breaks a rule:
    an anggota BPD cannot be a kepala desa, said beside the office; a new BPD member can."""
    client.force_login(sanggau_operator)
    stefanus = roster.stefanus
    data = new_official(nik=stefanus.nik, name="stefanus  mukok", birth_date="", sex="", office="bpd_anggota")
    before = snapshot()
    html = client.post(add_url(), data).content.decode()
    assert any("Anggota BPD tidak boleh merangkap kepala desa" in m for m in field_errors(html, "office"))
    assert snapshot() == before
    response = client.post(add_url(), new_official(office="bpd_anggota"))
    assert response.status_code == 302
    assert Position.objects.filter(desa=PENYELADI, office="bpd_anggota").count() == 2


def test_each_field_names_the_element_that_says_its_errors(client, village_operator, roster):
    """A screen reader reads a field's errors from the element its `aria-describedby` names: every id named
    on the refused form is on the page, and each invalid field names its errors."""
    client.force_login(village_operator)
    html = client.post(
        add_url(), new_official(name="", phone="=1+1", birth_date="31/02/1992")
    ).content.decode()
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    named = {name for names in re.findall(r'aria-describedby="([^"]+)"', html) for name in names.split()}
    assert {"id_name_error", "id_phone_error", "id_birth_date_error"} <= named
    assert named <= ids, named - ids


def test_a_mistyped_year_is_said_beside_its_field(client, village_operator, roster):
    client.force_login(village_operator)
    before = snapshot()
    html = client.post(add_url(), new_official(term_start="2062-02-01")).content.decode()
    assert field_errors(html, "term_start") == ["Mulai menjabat 01-02-2062 tidak mungkin: periksa tahunnya."]
    html = client.post(add_url(), new_official(nik="", birth_date="0001-01-01")).content.decode()
    assert field_errors(html, "birth_date")
    assert snapshot() == before


def test_the_income_is_read_as_typed_in_indonesia(client, village_operator, roster):
    """ "2.500.000" (as the import reads it, and as Indonesians write it) is Rp2.500.000; what cannot be read
    one way is said beside the field."""
    client.force_login(village_operator)
    response = client.post(add_url(), new_official(monthly_income="Rp 2.500.000"))
    assert response.status_code == 302
    assert Position.objects.get(person__nik=NEW_NIK).monthly_income == 2_500_000
    html = client.post(add_url(), new_official(nik="", monthly_income="2,500")).content.decode()
    assert "Pemisah ribuan tidak jelas" in field_errors(html, "monthly_income")[0]


def test_the_rules_of_imports_are_said_beside_their_fields(client, village_operator, roster):
    client.force_login(village_operator)
    before = snapshot()
    html = client.post(add_url(), {}).content.decode()
    assert field_errors(html, "nik") == [
        "NIK kosong: isi NIK, atau paling tidak nama dan tanggal lahir agar orang ini dapat dikenali."
    ]
    assert field_errors(html, "name") == ["Wajib diisi."]
    assert field_errors(html, "office") == ["Pilih jabatan."]
    assert field_errors(html, "term_start") == ["Tanggal ini wajib diisi."]
    html = client.post(
        add_url(), new_official(acting="pj", phone="=1+1", birth_date="31/02/1992")
    ).content.decode()
    assert field_errors(html, "birth_date") == ["Tanggal tidak dikenali; tulis seperti 17/08/1980."]
    assert field_errors(html, "phone") and field_errors(html, "phone")[0].startswith("Nomor HP")
    html = client.post(add_url(), new_official(acting="pj")).content.decode()
    assert field_errors(html, "acting") == ["Penjabat (Pj) hanya untuk jabatan kepala desa."]
    html = client.post(add_url(), new_official(office="kepala_desa")).content.decode()
    assert "masih dijabat Budi Santoso" in " ".join(field_errors(html, "office"))
    html = client.post(add_url(), new_official(nik="6103011708920")).content.decode()
    assert field_errors(html, "nik")  # too short: the NIK check's own words
    assert snapshot() == before


def test_a_nik_held_outside_the_region_is_refused_naming_nothing(client, village_operator, roster):
    client.force_login(village_operator)
    hendrikus = Person.objects.get(name="Hendrikus Nanga")  # Nanga Biang, the next desa
    before = snapshot()
    html = client.post(
        add_url(), new_official(nik=hendrikus.nik, name="Siapa Saja", birth_date="", sex="")
    ).content.decode()
    assert field_errors(html, "nik") == [FOREIGN]
    assert "Hendrikus" not in html and "Nanga Biang" not in html
    assert snapshot() == before


def test_a_desa_outside_the_region_is_refused(client, village_operator, roster):
    client.force_login(village_operator)
    before = snapshot()
    assert client.get(add_url(NANGA_BIANG)).status_code == 404
    assert client.post(add_url(NANGA_BIANG), new_official()).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "role",
    [User.Role.VIEWER, User.Role.ASSOCIATION_OFFICER, User.Role.BPJS_OFFICER, User.Role.PROVINCE_ANALYST],
)
def test_roles_without_the_right_see_no_form_and_may_not_post(client, roster, role):
    user = make_user("tamu", role, "61.03" if role != User.Role.PROVINCE_ANALYST else "61", "Tamu")
    client.force_login(user)
    desa = client.get(f"/wilayah/{PENYELADI}/").content.decode()
    assert "/aparat/tambah/" not in desa and "/akhiri/" not in desa and "/ganti/" not in desa
    position = Position.objects.get(person=roster.ahmad)
    before = snapshot()
    for url in (
        add_url(),
        f"/jabatan/{position.pk}/akhiri/",
        f"/jabatan/{position.pk}/ganti/",
        f"/orang/{roster.ahmad.pk}/ubah/",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, new_official()).status_code == 403, url
    assert snapshot() == before


# Correcting a person --------------------------------------------------------------------------------------


def test_the_village_operator_corrects_a_phone_number(client, village_operator, roster):
    client.force_login(village_operator)
    siti = roster.siti
    url = f"/orang/{siti.pk}/ubah/"
    form = client.get(url).content.decode()
    assert 'value="Siti Aminah"' in form
    data = {
        "nik": siti.nik,
        "name": "Siti Aminah",
        "birth_date": "05/07/1983",
        "sex": "P",
        "phone": "+62 813-1111-2222",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == f"/orang/{siti.pk}/"
    siti.refresh_from_db()
    assert siti.phone == "081311112222"
    entry = AuditEntry.objects.get(
        model="officials.Person", action=AuditEntry.Action.UPDATE, person_id=siti.pk
    )
    assert entry.user == village_operator
    assert entry.after == {"phone": "081311112222"}


def test_a_correction_must_agree_with_the_nik(client, village_operator, roster):
    client.force_login(village_operator)
    siti = roster.siti
    before = snapshot()
    data = {"nik": siti.nik, "name": "Siti Aminah", "birth_date": "1983-07-06", "sex": "P", "phone": ""}
    html = client.post(f"/orang/{siti.pk}/ubah/", data).content.decode()
    assert field_errors(html, "nik")  # the birth date no longer agrees with the NIK
    other = {**data, "birth_date": "1983-07-05", "nik": roster.budi.nik}
    html = client.post(f"/orang/{siti.pk}/ubah/", other).content.decode()
    assert field_errors(html, "nik")
    assert snapshot() == before


def test_a_person_serving_elsewhere_too_keeps_their_details(client, village_operator, roster):
    """Hendrikus is kepala desa of Nanga Biang; given a BPD seat in Penyeladi too (by the regency), the
    village operator sees him, may not change his details, and is told why."""
    hendrikus = Person.objects.get(name="Hendrikus Nanga")
    start(hendrikus, PENYELADI, Office.KASI_PEMERINTAHAN, date(2025, 1, 1), acting="plt")
    client.force_login(village_operator)
    page = client.get(f"/orang/{hendrikus.pk}/").content.decode()
    assert "Ubah data diri" not in page and "hanya dapat diubah oleh operator kabupaten/provinsi" in page
    assert "Nanga Biang" not in page  # his office there is not the operator's to know
    edit = client.get(f"/orang/{hendrikus.pk}/ubah/").content.decode()
    assert 'class="registry-form"' not in edit and "juga tercatat di wilayah lain" in edit
    before = snapshot()
    data = {
        "nik": hendrikus.nik,
        "name": "Hendrikus Nanga",
        "birth_date": "1970-01-01",
        "sex": "L",
        "phone": "081200001111",
    }
    html = client.post(f"/orang/{hendrikus.pk}/ubah/", data).content.decode()
    assert "hanya dapat diubah oleh operator kabupaten/provinsi" in html
    assert snapshot() == before


def test_a_person_outside_the_region_is_not_found(client, village_operator, roster):
    client.force_login(village_operator)
    hendrikus = Person.objects.get(name="Hendrikus Nanga")
    before = snapshot()
    for url in (f"/orang/{hendrikus.pk}/", f"/orang/{hendrikus.pk}/ubah/", f"/orang/{hendrikus.pk}/nik/"):
        assert client.post(
            url, {"nik": hendrikus.nik, "name": "X", "birth_date": "1970-01-01", "sex": "L"}
        ).status_code in (404, 405)
        assert client.get(url).status_code in (404, 405)
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()


# Ending and handing over ----------------------------------------------------------------------------------


def test_the_village_operator_ends_a_term(client, village_operator, roster):
    client.force_login(village_operator)
    position = Position.objects.get(person=roster.ahmad)
    url = f"/jabatan/{position.pk}/akhiri/"
    html = client.post(url, {"term_end": "2020-01-01", "end_reason": "resigned"}).content.decode()
    assert field_errors(html, "term_end") == ["Tanggal berakhir tidak boleh sebelum mulai menjabat."]
    html = client.post(url, {"term_end": "2026-02-28", "end_reason": "replaced"}).content.decode()
    assert field_errors(html, "end_reason")
    response = client.post(url, {"term_end": "28/02/2026", "end_reason": "resigned"})
    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.term_end, position.end_reason) == (date(2026, 2, 28), "resigned")
    entry = AuditEntry.objects.get(
        model="officials.Position", action=AuditEntry.Action.UPDATE, user=village_operator
    )
    assert entry.user == village_operator and entry.after["end_reason"] == "resigned"


def test_a_term_outside_the_region_cannot_be_ended_or_handed_over(client, village_operator, roster):
    client.force_login(village_operator)
    position = Position.objects.get(desa=NANGA_BIANG, office=Office.KEPALA_DESA)
    before = snapshot()
    assert (
        client.post(
            f"/jabatan/{position.pk}/akhiri/", {"term_end": "2026-02-28", "end_reason": "resigned"}
        ).status_code
        == 404
    )
    assert (
        client.post(f"/jabatan/{position.pk}/ganti/", new_official(term_start="2026-03-01")).status_code
        == 404
    )
    assert snapshot() == before


def test_a_holder_is_replaced_in_one_step_and_the_seat_keeps_its_history(client, village_operator, roster):
    client.force_login(village_operator)
    position = Position.objects.get(person=roster.budi)
    url = f"/jabatan/{position.pk}/ganti/"
    data = new_official(name="Theresia Wulan", term_start="2026-03-01", term_end="2034-02-28", acting="")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    position.refresh_from_db()
    assert (position.term_end, position.end_reason) == (date(2026, 2, 28), "replaced")
    successor = Position.objects.get(desa=PENYELADI, office=Office.KEPALA_DESA, term_start=date(2026, 3, 1))
    assert successor.person.name == "Theresia Wulan"
    html = client.get(f"/wilayah/{PENYELADI}/?periode=2026-03").content.decode()
    history = html.split("<h2>Riwayat jabatan</h2>")[1]
    seat = history.split("<h3>Kepala Desa</h3>")[1].split("</table>")[0]
    assert seat.index("Theresia Wulan") < seat.index("Budi Santoso")
    assert "Diganti" in seat and "masih menjabat" in seat


def test_a_failed_hand_over_changes_nothing(client, village_operator, roster):
    client.force_login(village_operator)
    position = Position.objects.get(person=roster.budi)
    url = f"/jabatan/{position.pk}/ganti/"
    before = snapshot()
    hendrikus = Person.objects.get(name="Hendrikus Nanga")
    html = client.post(
        url, new_official(nik=hendrikus.nik, birth_date="", sex="", term_start="2026-03-01")
    ).content.decode()
    assert field_errors(html, "nik") == [FOREIGN]
    html = client.post(url, new_official(term_start="2021-01-01")).content.decode()
    assert field_errors(html, "term_start") == [
        "Pengganti mulai menjabat sesudah 10-01-2022, awal masa jabatan yang diganti."
    ]
    # The successor breaks a rule (Pj only for a kepala desa is fine; a BPD member cannot be kepala desa).
    html = client.post(
        url,
        new_official(nik=roster.maria.nik, name="Maria Ulin", birth_date="", sex="", term_start="2026-03-01"),
    ).content.decode()
    assert "Anggota BPD tidak boleh merangkap" in " ".join(
        field_errors(html, "office") + re.findall(r"<p>([^<]*)</p>", html)
    )
    assert snapshot() == before


# HTMX ----------------------------------------------------------------------------------------------------


def test_with_htmx_a_form_comes_back_alone_and_a_saved_one_sends_the_browser_on(
    client, village_operator, roster
):
    client.force_login(village_operator)
    htmx = {"HX-Request": "true"}
    html = client.post(add_url(), {}, headers=htmx).content.decode()
    assert html.startswith('<form class="registry-form"') and "<html" not in html
    response = client.post(add_url(), new_official(), headers=htmx)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(f"/wilayah/{PENYELADI}/")


# The whole NIK ------------------------------------------------------------------------------------------


def test_a_whole_nik_is_shown_on_demand_and_audited(client, village_operator, roster):
    client.force_login(village_operator)
    budi = roster.budi
    desa = client.get(f"/wilayah/{PENYELADI}/").content.decode()
    assert budi.nik not in desa and f"/orang/{budi.pk}/nik/" in desa
    person_page = client.get(f"/orang/{budi.pk}/").content.decode()
    assert budi.nik not in person_page and "Lihat NIK" in person_page
    assert client.get(f"/orang/{budi.pk}/nik/").status_code == 405  # a reveal leaves a trace: POST only
    fragment = client.post(f"/orang/{budi.pk}/nik/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.strip() == f'<span class="nik nik-whole" tabindex="-1" autofocus>{budi.nik}</span>'
    whole_page = client.post(f"/orang/{budi.pk}/nik/").content.decode()
    assert budi.nik in whole_page and "<h1>Budi Santoso</h1>" in whole_page
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL)
    assert entries.count() == 2
    entry = entries.first()
    assert (entry.user, entry.person_id, entry.region_code) == (village_operator, budi.pk, PENYELADI)
    assert budi.nik not in str(entry.after) + entry.note


def test_roles_without_personal_view_never_get_the_whole_nik(client, analyst, roster):
    client.force_login(analyst)
    budi = roster.budi
    desa = client.get(f"/wilayah/{PENYELADI}/").content.decode()
    assert "/nik/" not in desa and "Lihat NIK" not in desa
    page = client.get(f"/orang/{budi.pk}/").content.decode()
    assert "Budi Santoso" in page and "Lihat NIK" not in page
    assert "12-04-1975" not in page  # birth date withheld too
    assert client.post(f"/orang/{budi.pk}/nik/").status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()


def test_the_viewer_sees_no_person_page(client, roster):
    viewer = make_user("lihat", User.Role.VIEWER, "61.03", "Lihat")
    client.force_login(viewer)
    assert client.get(f"/orang/{roster.budi.pk}/").status_code == 403
    assert client.post(f"/orang/{roster.budi.pk}/nik/").status_code == 403


def test_no_group_of_fields_is_named_as_one_of_its_fields(client, village_operator, roster):
    """A legend that says what its first label says ("Jabatan" over "Jabatan") is read twice in a row."""
    client.force_login(village_operator)
    position = Position.objects.get(person=roster.ahmad)
    for url in (add_url(), f"/orang/{roster.ahmad.pk}/ubah/", f"/jabatan/{position.pk}/akhiri/",
                f"/jabatan/{position.pk}/ganti/"):  # fmt: skip
        html = client.get(url).content.decode()
        fieldsets = re.findall(r"<fieldset[^>]*>(.*?)</fieldset>", html, re.S)
        assert fieldsets, url
        for fieldset in fieldsets:
            legend = re.search(r"<legend>([^<]*)</legend>", fieldset)
            labels = {label.strip() for label in re.findall(r"<label[^>]*>([^<]*)", fieldset)}
            assert legend is None or legend.group(1).strip() not in labels, (url, legend.group(1))


def test_a_kelurahan_has_no_add_form(client, sanggau_operator, roster):
    client.force_login(sanggau_operator)
    kelurahan = Region.objects.get(code="61.03.01.1001")
    assert client.get(add_url(kelurahan.code)).status_code == 404


def test_the_pages_are_ready_for_a_strict_content_security_policy(client, village_operator, roster):
    client.force_login(village_operator)
    position = Position.objects.get(person=roster.ahmad)
    for url in (
        f"/orang/{roster.ahmad.pk}/",
        f"/orang/{roster.ahmad.pk}/ubah/",
        f"/jabatan/{position.pk}/akhiri/",
        f"/jabatan/{position.pk}/ganti/",
    ):
        html = client.get(url).content.decode()
        assert re.findall(r"\sstyle=|<style|\son[a-z]+=|<script(?![^>]*\ssrc=)", html) == [], url
