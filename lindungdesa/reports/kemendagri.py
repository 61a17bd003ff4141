"""The monthly report to Kemendagri: one province, one month, from that month's snapshot.

Built from the same `indicators.dashboard` as the pages, so its figures are the dashboard's. Aggregates and
desa names only: no personal data.
"""

from dataclasses import dataclass
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook

from lindungdesa.indicators import charts
from lindungdesa.indicators.compute import Totals, pct
from lindungdesa.indicators.dashboard import Dashboard, dashboard
from lindungdesa.indicators.exports import write_sheet
from lindungdesa.indicators.models import RegionFigure, Snapshot
from lindungdesa.indicators.progress import STATUS_LABELS
from lindungdesa.indicators.progress_selectors import IndicatorProgress
from lindungdesa.indicators.selectors import fresh_snapshot, serving_without_nik, totals_of
from lindungdesa.indicators.services import snapshot_take
from lindungdesa.lib.cells import xlsx_row
from lindungdesa.lib.idformat import date_id, datetime_id, decimal_id, number_id, percent_id
from lindungdesa.lib.months import Month, month_label_id
from lindungdesa.regions.boundaries import ATTRIBUTION, svg_shapes
from lindungdesa.regions.models import Region

TITLE = "Laporan Perlindungan Jaminan Sosial Ketenagakerjaan Aparat Desa dan Anggota BPD"


class ReportError(Exception):
    pass


@dataclass
class MonevSection:
    """The monitoring round that evaluated the report's month: its report and who approved its figures."""

    round: object
    rows: list  # monev.selectors.RegencyReport, the province total last
    confirmations: list[tuple[str, str, str]]  # (kabupaten/kota, by whom, when)
    accepted: tuple[str, str] | None  # (by whom, when) once the province accepted the figures

    @property
    def statement(self) -> str:
        if self.accepted:
            who, when = self.accepted
            return (
                f"Angka putaran monev {self.round.period} dikonfirmasi {len(self.confirmations)} "
                f"kabupaten/kota dan diterima provinsi oleh {who} pada {when}; laporan ini memakai "
                "angka yang diterima itu (dikunci)."
            )
        return (
            f"Angka putaran monev {self.round.period} belum diterima provinsi "
            f"({len(self.confirmations)} kabupaten/kota sudah mengonfirmasi); angka laporan ini dari potret "
            "bulanan."
        )


def _who(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "sistem"


def monev_section(province: Region, period: Month) -> MonevSection | None:
    from lindungdesa.monev.models import Round
    from lindungdesa.monev.selectors import counts_now, round_report

    round_ = (
        Round.objects.filter(province=province, evaluated_month=str(period))
        .select_related("accepted_by", "snapshot")
        .order_by("-opened_at")
        .first()
    )
    if round_ is None:
        return None
    today = timezone.localdate()
    rows = round_report(round_, today=today, now=counts_now(province.code, today))
    names = dict(Region.objects.filter(parent=province).values_list("code", "name"))
    confirmations = [
        (
            names.get(c.regency_id, c.regency_id),
            _who(c.confirmed_by),
            datetime_id(timezone.localtime(c.confirmed_at)),
        )
        for c in round_.confirmations.select_related("confirmed_by").order_by("regency_id")
    ]
    accepted = None
    if round_.accepted_at:
        accepted = (_who(round_.accepted_by), datetime_id(timezone.localtime(round_.accepted_at)))
    return MonevSection(round_, rows, confirmations, accepted)


@dataclass
class Report:
    province: Region
    period: Month
    snapshot: Snapshot
    dash: Dashboard
    kecamatan: list[tuple[Region, Totals]]
    desa: list[tuple[str, str, str, str, Totals]]  # code, desa, kecamatan, kabupaten, totals
    made_at: object
    monev: "MonevSection | None" = None
    # People serving without a NIK yet, counted at the time of the report: they are in every figure above.
    without_nik: int = 0

    @property
    def nobody(self) -> list[tuple[str, str, str, str, Totals]]:
        return [row for row in self.desa if row[4].villages_registered == 0]


def report_build(*, province_code: str, period: Month, user=None, snapshot: Snapshot | None = None) -> Report:
    """The report's figures; takes (or retakes) the month's snapshot first when it is missing or stale for
    the province (a change in another province leaves it fresh here: indicators' `fresh_for`),
    so that what is sent equals what the dashboard shows at that moment. With `snapshot` (the frozen
    figures a monitoring round accepted) those figures are reported as they are."""
    province = Region.objects.filter(code=province_code, level=1).first()
    if province is None:
        raise ReportError(f"Provinsi {province_code!r} tidak ditemukan.")
    monev = monev_section(province, period)
    if snapshot is None and monev is not None and monev.accepted:
        # The round's accepted figures are locked: a later import changes the dashboard, not this report.
        snapshot = monev.round.snapshot
    if snapshot is None:
        snapshot = fresh_snapshot(period, province.code) or snapshot_take(period=period, user=user)
        dash = dashboard(province, period)
    else:
        dash = dashboard(province, period, snapshot=snapshot)
    figures = RegionFigure.objects.filter(snapshot=snapshot, region_code__startswith=province.code + ".")
    by_code = {f.region_code: f for f in figures}
    regions = Region.objects.filter(province_code=province.code, level__in=(3, 4)).order_by("code")
    names = {}
    kecamatan, desa = [], []
    kabupaten_names = {r.code: r.name for r, _ in dash.indicators.children}
    for region in regions:
        names[region.code] = region.name
        figure = by_code.get(region.code)
        totals = totals_of(figure) if figure else Totals()
        if region.level == 3:
            kecamatan.append((region, totals))
        elif region.is_village:
            parts = region.code.split(".")
            desa.append(
                (
                    region.code,
                    region.name,
                    names.get(".".join(parts[:3]), ""),
                    kabupaten_names.get(".".join(parts[:2]), ""),
                    totals,
                )
            )
    without_nik = serving_without_nik(province.code, period, snapshot=snapshot)
    return Report(province, period, snapshot, dash, kecamatan, desa, timezone.localtime(), monev, without_nik)


# XLSX -----------------------------------------------------------------------------------------------------

TOTAL_HEADER = [
    "jumlah_desa",
    "desa_terdaftar",
    "desa_terdaftar_persen",
    "desa_belum_mendaftar",
    "desa_tercakup_penuh",
    "aparat_menjabat",
    "aparat_terlindungi",
    "aparat_persen",
    "bpd_menjabat",
    "bpd_terlindungi",
    "bpd_persen",
]


def _totals_row(t: Totals) -> list:
    return [
        t.villages,
        t.villages_registered,
        t.villages_registered_pct,
        t.villages_unregistered,
        t.villages_fully_covered,
        t.aparat_serving,
        t.aparat_protected,
        t.aparat_coverage_pct,
        t.bpd_serving,
        t.bpd_protected,
        t.bpd_coverage_pct,
    ]


def _progress_row(p: IndicatorProgress | None) -> list:
    if p is None:
        return [None] * len(PROGRESS_HEADER)
    proj = p.projection
    return [
        float(p.value) if p.value is not None else None,
        float(p.target.value) if p.target else None,
        "ya" if p.target and p.target.interpolated else ("tidak" if p.target else None),
        float(p.gap) if p.gap is not None else None,
        p.horizon.year if p.horizon else None,
        float(proj.value) if proj else None,
        float(proj.low) if proj else None,  # numbers a spreadsheet can compute with, not "43.10–47.20"
        float(proj.high) if proj else None,
        STATUS_LABELS[p.status],
    ]


PROGRESS_HEADER = [
    "nilai_persen",
    "target_tahun_ini",
    "target_interpolasi",
    "selisih_poin",
    "tahun_target",
    "proyeksi_persen",
    "proyeksi_bawah_95",
    "proyeksi_atas_95",
    "status",
]


def report_xlsx(report: Report) -> bytes:
    wb = Workbook()
    summary = wb.active
    summary.title = "Ringkasan"
    t = report.dash.total
    p = report.dash.progress[report.province.code]
    snap = report.snapshot
    lines = [
        [TITLE],
        [f"{report.province.name} — keadaan akhir {month_label_id(report.period)}"],
        [],
        ["Potret data", f"dibuat {datetime_id(timezone.localtime(snap.made_at))}"],
        ["Dari impor", ", ".join(f"#{b['id']} {b['file_name']}" for b in snap.batches) or "tidak ada impor"],
        ["Tenggang iuran (bulan)", snap.grace_months],
        ["Laporan dibuat", datetime_id(report.made_at)],
        [],
        ["Desa", t.villages],
        ["Desa terdaftar (sedikitnya satu orang terlindungi)", t.villages_registered],
        ["Desa terdaftar (%)", t.villages_registered_pct],
        ["Desa belum mendaftarkan siapa pun", t.villages_unregistered],
        ["Desa tercakup penuh", t.villages_fully_covered],
        ["Aparat desa menjabat", t.aparat_serving],
        ["Aparat desa terlindungi", t.aparat_protected],
        ["Cakupan aparat desa (%)", t.aparat_coverage_pct],
        ["Anggota BPD menjabat", t.bpd_serving],
        ["Anggota BPD terlindungi", t.bpd_protected],
        ["Cakupan anggota BPD (%)", t.bpd_coverage_pct],
        ["Menjabat tanpa NIK (ikut dihitung di atas; NIK belum ada)", report.without_nik],
        [],
        ["Indikator", *PROGRESS_HEADER, "perlu_tambahan_per_bulan"],
    ]
    for key in ("aparat", "bpd", "ucj"):
        item = p.get(key)
        lines.append(
            [item.label if item else key, *_progress_row(item), item.needed_per_month if item else None]
        )
    ucj = p.get("ucj")
    if ucj and ucj.value_year:
        lines.append([])
        lines.append(
            [
                f"UCJ {ucj.value_year}: {number_id(ucj.protected)} peserta dari "
                f"{number_id(ucj.base)} penduduk bekerja",
                f"definisi peserta: {ucj.numerator or 'belum dipastikan'}",
            ]
        )
    for line in lines:
        summary.append(xlsx_row(summary, line))
    summary.column_dimensions["A"].width = 52
    summary.column_dimensions["B"].width = 30

    regencies = wb.create_sheet("Kabupaten-Kota")
    rows = []
    for region, totals, progress in report.dash.child_rows():
        rows.append(
            [
                region.code,
                region.name,
                *_totals_row(totals),
                *_progress_row(progress.get("aparat")),
                *_progress_row(progress.get("bpd")),
                *_progress_row(progress.get("ucj")),
            ]
        )
    header = ["kode", "nama", *TOTAL_HEADER]
    for prefix in ("aparat", "bpd", "ucj"):
        header += [f"{prefix}_{h}" for h in PROGRESS_HEADER]
    write_sheet(regencies, title=None, header=header, rows=rows, widths={2: 28})

    kecamatan = wb.create_sheet("Kecamatan")
    write_sheet(
        kecamatan,
        title=None,
        header=["kode", "nama", *TOTAL_HEADER],
        rows=[[r.code, r.name, *_totals_row(t)] for r, t in report.kecamatan],
        widths={2: 26},
    )
    desa = wb.create_sheet("Desa")
    write_sheet(
        desa,
        title=None,
        header=["kode", "desa", "kecamatan", "kabupaten_kota", *TOTAL_HEADER[5:]],
        rows=[[c, n, k, kab, *_totals_row(t)[5:]] for c, n, k, kab, t in report.desa],
        widths={2: 26, 3: 22, 4: 26},
    )
    nobody = wb.create_sheet("Desa belum mendaftar")
    write_sheet(
        nobody,
        title=None,
        header=["kode", "desa", "kecamatan", "kabupaten_kota", "aparat_menjabat", "bpd_menjabat"],
        rows=[[c, n, k, kab, t.aparat_serving, t.bpd_serving] for c, n, k, kab, t in report.nobody],
        widths={2: 26, 3: 22, 4: 26},
    )
    if report.monev is not None:
        from lindungdesa.monev.exports import HEADER, report_rows

        sheet = wb.create_sheet("Monev")
        write_sheet(
            sheet,
            title=report.monev.statement,
            header=HEADER,
            rows=report_rows(report.monev.rows),
            widths={2: 28},
        )
        sheet.append([])
        sheet.append(xlsx_row(sheet, ["Konfirmasi kabupaten/kota", "oleh", "pada"]))
        for line in report.monev.confirmations:
            sheet.append(xlsx_row(sheet, line))
        if report.monev.accepted:
            sheet.append(xlsx_row(sheet, ["Diterima provinsi", *report.monev.accepted]))
    notes = wb.create_sheet("Catatan")
    for line in [*NOTES, ATTRIBUTION]:
        notes.append(xlsx_row(notes, [line]))
    notes.column_dimensions["A"].width = 140
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


NOTES = [
    "Definisi (docs/indicators.md): keadaan pada hari terakhir bulan laporan.",
    "Menjabat: jabatan yang masa jabatannya mencakup hari itu. Terlindungi: kepesertaan BPJS "
    "Ketenagakerjaan yang iurannya lunas sampai bulan laporan dikurangi masa tenggang. Menunggak "
    "dihitung tidak terlindungi.",
    "Desa terdaftar: desa dengan sedikitnya satu aparat atau anggota BPD yang terlindungi. Kelurahan "
    "tidak dihitung.",
    "UCJ: peserta BPJS Ketenagakerjaan dibagi penduduk bekerja, per kabupaten/kota dan tahun, dari angka "
    "yang dimasukkan atau diimpor; definisi peserta (aktif atau terdaftar) disebut pada setiap angka.",
    "Target di antara tahun yang ditetapkan ditarik lurus (interpolasi) dan ditandai. Proyeksi: garis "
    "kuadrat terkecil melalui nilai bulanan terakhir (3–12 bulan) sampai Desember tahun target, dengan "
    "rentang prediksi 95 %.",
    "Status: sesuai jalur bila proyeksi mencapai target; berisiko bila hanya batas atas rentang yang "
    "mencapainya; tidak sesuai jalur bila batas atas pun tidak.",
]


# PDF ------------------------------------------------------------------------------------------------------


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_pdf_html(report)).write_pdf()


def report_pdf_html(report: Report) -> str:
    """The HTML the PDF is laid out from."""
    shapes = svg_shapes(report.province.code, width=480, height=380)
    values = report.dash.map_values("aparat")
    map_svg = (
        charts.map_svg(shapes, values, width=480, height=380, title="Cakupan aparat desa") if shapes else ""
    )
    return render_to_string(
        "reports/kemendagri_pdf.html",
        {
            "title": TITLE,
            "report": report,
            "province": report.province,
            "period_label": month_label_id(report.period),
            "made": datetime_id(report.made_at),
            "snapshot_made": datetime_id(timezone.localtime(report.snapshot.made_at)),
            "today": date_id(report.made_at),
            "total": _formatted_totals(report.dash.total),
            "progress": [_formatted_progress(p) for p in report.dash.own_progress],
            "trends": [(t.label, charts.trend_svg(t, width=620, height=210)) for t in report.dash.trends],
            "map_svg": map_svg,
            "legend": charts.legend(),
            "attribution": ATTRIBUTION,
            "regencies": [
                (r, _formatted_totals(t), {k: _formatted_progress(v) for k, v in p.items()})
                for r, t, p in report.dash.child_rows()
            ],
            "nobody": [(c, n, k, kab) for c, n, k, kab, _ in report.nobody],
            "monev": report.monev,
            "notes": NOTES,
        },
    )


def _formatted_totals(t: Totals) -> dict[str, str]:
    return {
        "villages": number_id(t.villages),
        "registered": number_id(t.villages_registered),
        "registered_pct": percent_id(t.villages_registered_pct),
        "unregistered": number_id(t.villages_unregistered),
        "unregistered_pct": percent_id(pct(t.villages_unregistered, t.villages)),
        "fully": number_id(t.villages_fully_covered),
        "aparat_serving": number_id(t.aparat_serving),
        "aparat_protected": number_id(t.aparat_protected),
        "aparat_pct": percent_id(t.aparat_coverage_pct),
        "bpd_serving": number_id(t.bpd_serving),
        "bpd_protected": number_id(t.bpd_protected),
        "bpd_pct": percent_id(t.bpd_coverage_pct),
    }


def _formatted_progress(p: IndicatorProgress) -> dict[str, str]:
    proj = p.projection
    return {
        "label": p.label,
        "value": percent_id(p.value),
        "target": (percent_id(p.target.value) + (" (interpolasi)" if p.target.interpolated else ""))
        if p.target
        else "–",
        # A gap is in percentage points, as the dashboard says it ("0,99 poin"), not a percentage.
        "gap": f"{decimal_id(p.gap, 2)}\u00a0poin" if p.gap is not None else "–",
        "horizon": f"{percent_id(p.horizon.value)} ({p.horizon.year})" if p.horizon else "–",
        "projection": f"{percent_id(proj.value)} ({percent_id(proj.low)}–{percent_id(proj.high)})"
        if proj
        else "–",
        "needed": number_id(p.needed_per_month) if p.needed_per_month is not None else "–",
        "status": STATUS_LABELS[p.status],
        "status_key": p.status,
    }
