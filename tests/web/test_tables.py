from lindungdesa.indicators.compute import Totals
from lindungdesa.regions.models import Region
from lindungdesa.web.tables import headers, sort_rows


def rows() -> list[tuple[Region, Totals]]:
    def row(code: str, name: str, serving: int, protected: int) -> tuple[Region, Totals]:
        return Region(code=code, name=name), Totals(aparat_serving=serving, aparat_protected=protected)

    return [row("61.01", "Sambas", 4, 1), row("61.02", "Mempawah", 0, 0), row("61.03", "Sanggau", 4, 3),
            row("61.04", "Ketapang", 4, 1)]  # fmt: skip


def codes(sorted_rows) -> list[str]:
    return [r.code for r, _ in sorted_rows]


def test_without_a_column_rows_keep_code_order():
    assert codes(sort_rows(rows(), "", "asc")) == ["61.01", "61.02", "61.03", "61.04"]
    assert codes(sort_rows(rows(), "nonsense", "desc")) == ["61.01", "61.02", "61.03", "61.04"]


def test_rows_without_a_percentage_go_last_in_both_directions_and_ties_keep_code_order():
    assert codes(sort_rows(rows(), "aparat_persen", "asc")) == ["61.01", "61.04", "61.03", "61.02"]
    assert codes(sort_rows(rows(), "aparat_persen", "desc")) == ["61.03", "61.01", "61.04", "61.02"]


def test_names_sort_without_regard_to_case():
    assert codes(sort_rows(rows(), "nama", "asc")) == ["61.04", "61.02", "61.01", "61.03"]


def test_a_second_click_on_the_sorted_column_reverses_it():
    by_key = {
        h.column.key: h for h in headers(base_params={"periode": "2026-03"}, key="desa", direction="asc")
    }
    assert by_key["desa"].url == "?periode=2026-03&urut=desa&arah=desc"
    assert by_key["desa"].sorted == "ascending"
    assert by_key["nama"].url == "?periode=2026-03&urut=nama&arah=asc"
    assert by_key["nama"].sorted == ""
