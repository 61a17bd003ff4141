"""The round report as XLSX (aggregates only)."""

from lindungdesa.indicators.exports import sheet_xlsx

from . import rules
from .models import Round

HEADER = [
    "kode",
    "kabupaten_kota",
    "kasus_dibuka",
    "kasus_ditutup",
    "kasus_terdaftar",
    "lewat_tenggat",
    "median_hari_sampai_ditutup",
    "cakupan_sebelum_persen",
    "cakupan_sekarang_persen",
    "menjabat_tanpa_nik",
    *[f"status_{state}" for state in rules.STATES],
]


def report_rows(report) -> list[list]:
    return [
        [
            r.code,
            r.name,
            r.opened,
            r.closed,
            r.enrolled,
            r.overdue,
            r.median_days,
            r.coverage_before,
            r.coverage_after,
            r.without_nik,
            *[r.by_state.get(state, 0) for state in rules.STATES],
        ]
        for r in report
    ]


def round_report_xlsx(round_: Round, report) -> bytes:
    title = f"Monev {round_.period} — {round_.province.name} (menilai {round_.evaluated_month})"
    return sheet_xlsx(
        sheet="Laporan putaran", title=title, header=HEADER, rows=report_rows(report), widths={2: 28}
    )
