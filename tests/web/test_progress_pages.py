"""Pages of issue 4: the dashboard's progress, the map data, where to act, targets, UCJ, snapshots."""

import csv
import io
import json
from decimal import Decimal as D  # noqa: N817

import pytest
from openpyxl import load_workbook

from lindungdesa.indicators.models import Snapshot, Target, TargetChange, UcjFigure
from lindungdesa.indicators.services import snapshot_take
from lindungdesa.lib.months import Month
from tests.web.conftest import KAPUAS, NANGA_BIANG, PENYELADI, PERIOD
from tests.web.roster_once import OnTheRoster, class_roster  # noqa: F401  (a fixture: made once)

pytestmark = pytest.mark.django_db

MARCH = Month.parse(PERIOD)


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


# The dashboard


def test_the_map_of_another_kabupaten_is_not_found(client, sanggau_operator):
    client.force_login(sanggau_operator)
    get(client, "/wilayah/61/peta.json", 404)
    get(client, "/wilayah/61.01/peta.json", 404)
    get(client, "/wilayah/61.01/batas.json", 404)


# Where to act


def test_the_worklist_is_scoped(client, sanggau_operator, village_operator):
    client.force_login(sanggau_operator)
    get(client, "/wilayah/61.01/tindak-lanjut/", 404)
    client.force_login(village_operator)
    assert get(client, f"/wilayah/{PENYELADI}/tindak-lanjut/", 302)["Location"].startswith(
        f"/wilayah/{PENYELADI}/"
    )


# Targets


def test_the_province_analyst_sets_a_target_and_the_change_is_kept(client, analyst):
    client.force_login(analyst)
    response = client.post(
        "/target/", {"region": "61.03", "indicator": "aparat", "year": 2027, "value": "88,5", "note": "RPJMD"}
    )
    assert response.status_code == 302
    target = Target.objects.get(region_code="61.03", indicator="aparat", year=2027)
    assert target.value == D("88.50")
    change = TargetChange.objects.get(region_code="61.03")
    assert (change.old_value, change.new_value, change.changed_by, change.note) == (
        None,
        D("88.50"),
        analyst,
        "RPJMD",
    )
    html = get(client, "/target/").content.decode()
    assert "Kabupaten Sanggau" in html and "88,50" in html and "RPJMD" in html
    # Years are written as years, in the table and in the form's year list.
    assert '<option value="2030">2030</option>' in html and "2.030" not in html and "2.027" not in html


@pytest.mark.parametrize(("typed", "value"), [("88.5", "88.50"), ("88,5 %", "88.50"), ("100", "100.00")])
def test_a_target_may_be_typed_with_a_comma_or_a_dot(client, analyst, typed, value):
    client.force_login(analyst)
    client.post("/target/", {"region": "61", "indicator": "bpd", "year": 2027, "value": typed})
    assert Target.objects.get(region_code="61", indicator="bpd", year=2027).value == D(value)


def test_a_target_above_100_is_refused_with_a_message(client, analyst):
    client.force_login(analyst)
    response = client.post("/target/", {"region": "61", "indicator": "bpd", "year": 2027, "value": "120"})
    assert response.status_code == 200
    assert "lebih kecil dari atau sama dengan 100" in response.content.decode()
    assert not Target.objects.filter(indicator="bpd").exists()


def test_a_regency_operator_reads_targets_but_cannot_change_them(client, sanggau_operator):
    client.force_login(sanggau_operator)
    html = get(client, "/target/").content.decode()
    assert "Target ditetapkan oleh petugas provinsi." in html and '<form method="post"' not in html
    response = client.post(
        "/target/", {"region": "61.03", "indicator": "aparat", "year": 2027, "value": "90"}
    )
    assert response.status_code == 403
    assert not Target.objects.filter(indicator="aparat").exists()


def test_regency_and_village_users_read_the_targets_and_ucj_of_their_province_and_regency(
    client, analyst, sanggau_operator, village_operator, outsider
):
    from lindungdesa.indicators.services import target_set, ucj_set

    target_set(region_code="61", indicator="aparat", year=2027, value=D("80"), user=analyst)
    target_set(region_code="61.03", indicator="aparat", year=2027, value=D("85"), user=analyst)
    target_set(region_code="61.01", indicator="aparat", year=2027, value=D("77"), user=analyst)
    ucj_set(region_code="61", year=2026, working_population=2_500_000, participants=700_000, user=analyst)
    ucj_set(region_code="61.01", year=2026, working_population=300_000, participants=91_234, user=analyst)
    for user in (sanggau_operator, village_operator):
        client.force_login(user)
        targets = get(client, "/target/").content.decode()
        assert "Belum ada target." not in targets
        assert "Kalimantan Barat" in targets and "80,00" in targets
        assert "Kabupaten Sanggau" in targets and "85,00" in targets
        assert "77,00" not in targets  # another regency's target
        assert '<form method="post"' not in targets
        ucj = get(client, "/ucj/").content.decode()
        assert "Belum ada angka UCJ." not in ucj and "700.000" in ucj and "91.234" not in ucj
    # Sambas' operator reads the province's and its own, not Sanggau's.
    client.force_login(outsider)
    targets = get(client, "/target/").content.decode()
    assert "80,00" in targets and "77,00" in targets and "85,00" not in targets


# UCJ


def test_a_regency_operator_enters_its_own_ucj_figure_only(client, sanggau_operator):
    client.force_login(sanggau_operator)
    ok = {
        "region": "61.03",
        "year": 2026,
        "working_population": "180000",
        "participants": "55000",
        "numerator": "aktif",
    }
    assert client.post("/ucj/", ok).status_code == 302
    figure = UcjFigure.objects.get(region_code="61.03", year=2026)
    assert (figure.participants, figure.numerator, figure.updated_by) == (55000, "aktif", sanggau_operator)
    other = {**ok, "region": "61.01"}
    assert client.post("/ucj/", other).status_code == 200  # not a choice for this user: the form refuses it
    assert not UcjFigure.objects.filter(region_code="61.01").exists()


def test_ucj_more_participants_than_workers_is_refused(client, analyst):
    client.force_login(analyst)
    data = {
        "region": "61.03",
        "year": 2026,
        "working_population": "100",
        "participants": "101",
        "numerator": "aktif",
    }
    html = client.post("/ucj/", data).content.decode()
    assert "melebihi penduduk bekerja" in html and not UcjFigure.objects.exists()


def test_a_ucj_file_saves_the_valid_rows_and_names_each_rejected_row_and_field(client, analyst):
    client.force_login(analyst)
    content = (
        "Kode Wilayah;Tahun;Penduduk Bekerja;Peserta Aktif;Definisi;Sumber\n"
        "61.03;2025;180.000;54.000;aktif;BPS Sakernas Agustus 2025\n"
        "61.99;2025;1000;10;aktif;\n"
        "61.01;dua ribu;1000;10;;\n"
        "61.02;2025;1000;2000;terdaftar;\n"
        "61.03;2025;180000;54000;aktif;lagi\n"
    ).encode("cp1252")
    upload = io.BytesIO(content)
    upload.name = "ucj.csv"
    html = client.post("/ucj/", {"berkas": upload}).content.decode()
    assert "5 baris: 1 disimpan, 0 tidak berubah." in html
    assert "Baris 3, kolom kode_wilayah" in html
    assert "Baris 4, kolom tahun" in html
    assert "Baris 5, kolom peserta: Peserta melebihi penduduk bekerja." in html
    assert "Baris 6, kolom baris: Wilayah dan tahun yang sama sudah ada di baris 2." in html
    figure = UcjFigure.objects.get()
    assert (figure.region_code, figure.year, figure.working_population, figure.participants) == (
        "61.03",
        2025,
        180000,
        54000,
    )
    assert figure.source == "BPS Sakernas Agustus 2025"


def test_an_unreadable_ucj_file_changes_nothing(client, analyst):
    client.force_login(analyst)
    upload = io.BytesIO(b"\x00\x01\x02 bukan tabel")
    upload.name = "ucj.xlsx"
    html = client.post("/ucj/", {"berkas": upload}).content.decode()
    assert 'role="alert"' in html and not UcjFigure.objects.exists()


def test_the_ucj_template_lists_the_users_kabupaten(client, sanggau_operator):
    client.force_login(sanggau_operator)
    lines = list(csv.reader(io.StringIO(get(client, "/ucj/templat.csv").content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["kode_wilayah", "nama_wilayah", "tahun", "penduduk_bekerja"]
    assert [line[0] for line in lines[1:]] == ["61.03"]


# Snapshots


def test_a_future_snapshot_is_refused_and_others_may_not_take_snapshots(client, analyst, sanggau_operator):
    client.force_login(analyst)
    html = client.post("/potret/", {"period": "2999-01"}).content.decode()
    assert "belum berjalan" in html and not Snapshot.objects.exists()
    client.force_login(sanggau_operator)
    assert client.post("/potret/", {"period": PERIOD}).status_code == 403


def test_the_progress_poll_stops_when_nothing_runs(client, analyst):
    client.force_login(analyst)
    assert get(client, "/potret/progres/", 286).content.strip() == b""


class TestOnTheRoster(OnTheRoster):
    """The tests that read the hand-made roster, which is made once for them (tests/web/roster_once.py)."""

    def test_the_province_page_shows_progress_trend_and_map(self, client, analyst, roster):
        for back in range(3, 0, -1):
            snapshot_take(period=MARCH.add(-back))
        client.force_login(analyst)
        response = get(client, f"/wilayah/61/?periode={PERIOD}")
        html = response.content.decode()
        assert "Kemajuan menuju target" in html
        assert html.count('class="progress-card"') == 3
        trends = response.context["trends"]()  # computed when the page renders its figures (web/views.py)
        assert [t["label"] for t in trends] == [
            "Cakupan aparat desa",
            "Cakupan anggota BPD",
        ]  # no UCJ figures yet
        aparat = trends[0]
        # Three snapshots, then the live month: in March 3 of the province's 7 serving aparat are protected
        # (Budi, the kepala desa of Nanga Biang, Zulkarnain).
        assert aparat["months"][-1] == "Mar 2026" and aparat["actual"][-1] == 42.86
        assert aparat["actual"][-4:-1] != [None, None, None]
        # Drawn on the server: no chart library travels to the browser, each point says its value on hover.
        assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2 and "echarts" not in html
        assert "<title>Mar 2026: 42,86\u00a0%</title>" in html
        assert 'id="peta"' in html and 'data-url="/wilayah/61/peta.json?periode=2026-03"' in html
        assert "Kemajuan per Kabupaten/Kota" in html

    def test_a_desa_page_has_no_map_and_a_kecamatan_page_no_map_either(self, client, analyst, roster):
        client.force_login(analyst)
        assert 'id="peta"' not in get(client, f"/wilayah/{KAPUAS}/?periode={PERIOD}").content.decode()
        assert 'id="peta"' in get(client, f"/wilayah/61.03/?periode={PERIOD}").content.decode()

    def test_the_map_data_has_each_childs_figures_and_link_but_no_personal_data(
        self, client, sanggau_operator, roster
    ):
        client.force_login(sanggau_operator)
        shapes = get(client, "/wilayah/61.03/batas.json")
        assert "max-age=86400" in shapes["Cache-Control"]
        assert len(shapes.json()["features"]) == 15
        data = get(client, f"/wilayah/61.03/peta.json?periode={PERIOD}").json()
        assert len(data["figures"]) == 15 and "BPS" in data["attribution"]
        kapuas = data["figures"][KAPUAS]
        assert kapuas["aparat"] == 40.0 and (kapuas["aparat_protected"], kapuas["aparat_serving"]) == (2, 5)
        assert kapuas["url"] == f"/wilayah/{KAPUAS}/?periode=2026-03"
        text = json.dumps(data)
        assert roster.budi.nik not in text and "Budi" not in text
        assert [c["colour"] for c in data["classes"]][0] == "#ffffcc"

    def test_the_worklist_names_the_villages_that_registered_nobody(self, client, sanggau_operator, roster):
        client.force_login(sanggau_operator)
        html = get(client, f"/wilayah/{KAPUAS}/tindak-lanjut/?periode={PERIOD}").content.decode()
        # Kapuas: 20 desa, Penyeladi and Nanga Biang registered.
        assert "18 dari 20 desa." in html
        assert f'href="/wilayah/{PENYELADI}/' not in html and f'href="/wilayah/{NANGA_BIANG}/' not in html
        assert 'href="/wilayah/61.03.01.2009/?periode=2026-03"' in html

    def test_the_worklist_below_a_threshold_and_its_downloads(self, client, sanggau_operator, roster):
        client.force_login(sanggau_operator)
        base = f"/wilayah/{KAPUAS}/tindak-lanjut/?periode={PERIOD}&daftar=below&kelompok=aparat&ambang=30.5"
        html = get(client, base).content.decode()
        assert "1 dari 20 desa." in html and "Penyeladi" in html  # 1 of 4 aparat = 25 %
        sheet = load_workbook(io.BytesIO(get(client, base + "&format=xlsx").content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[2][:4] == ("kode_desa", "desa", "kecamatan", "kabupaten_kota")
        assert rows[3][0] == PENYELADI and rows[3][-1] == 25.0
        text = get(client, base + "&format=csv").content.decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(text)))
        assert lines[1][:3] == [PENYELADI, "Penyeladi", "Kapuas"]
        assert roster.budi.nik not in text

    def test_coverage_that_fell_since_last_month(self, client, sanggau_operator, roster):
        # Siti was protected at the end of February (paid through January) and is in arrears in March.
        client.force_login(sanggau_operator)
        html = get(client, f"/wilayah/{KAPUAS}/tindak-lanjut/?periode={PERIOD}&daftar=fell").content.decode()
        assert "Penyeladi" in html and "1 dari 20 desa." in html

    def test_bad_worklist_choices_fall_back_with_a_message(self, client, sanggau_operator, roster):
        client.force_login(sanggau_operator)
        html = get(
            client, f"/wilayah/{KAPUAS}/tindak-lanjut/?daftar=apa&ambang=200&periode=kemarin"
        ).content.decode()
        assert 'role="alert"' in html and "Isian yang salah diganti dengan bawaannya." in html

    def test_the_province_takes_a_snapshot_from_the_page(self, client, analyst, roster):
        client.force_login(analyst)
        response = client.post("/potret/", {"period": PERIOD})
        assert response.status_code == 302
        snapshot = Snapshot.objects.get(period=PERIOD)
        assert snapshot.made_by == analyst
        html = get(client, "/potret/").content.decode()
        assert "2026-03" in html and "terkini" in html and "Dewi" in html
