"""The row readers' per-column results: parsed once per distinct cell, told apart by type."""

from decimal import Decimal

import pytest

from lindungdesa.imports.engine import Memo, cell_key
from lindungdesa.lib import values as v
from lindungdesa.lib.values import CellError


def take(memo: Memo, column: str, parser, cell, *args):
    return memo.parse(column, parser, cell, *args)


def test_equal_cells_of_different_types_are_parsed_apart():
    memo = Memo()
    assert take(memo, "upah", v.parse_amount, 1) == (True, Decimal(1))
    ok, message = take(memo, "upah", v.parse_amount, True)  # equal to 1 as a key, but not an amount
    assert not ok and message
    assert take(memo, "upah", v.parse_amount, 1.0) == (True, Decimal(1))
    assert take(memo, "upah", v.parse_amount, "1") == (True, Decimal(1))
    assert len(memo.columns["upah"]) == 4


def test_a_rejected_cell_keeps_its_message_and_is_parsed_once():
    calls = []

    def parser(cell):
        calls.append(cell)
        raise CellError(f"Bukan tanggal: {cell}.")

    memo = Memo()
    assert take(memo, "tanggal", parser, "31/02/2024") == (False, "Bukan tanggal: 31/02/2024.")
    assert take(memo, "tanggal", parser, "31/02/2024") == (False, "Bukan tanggal: 31/02/2024.")
    assert calls == ["31/02/2024"]


def test_the_parsers_other_arguments_are_part_of_the_key():
    memo = Memo()
    ok, message = take(memo, "jabatan", v.parse_office, "Ketua", None)  # whose chair?
    assert not ok and "tidak jelas tanpa kelompok" in message
    assert take(memo, "jabatan", v.parse_office, "Ketua", "BPD") == (True, v.parse_office("Ketua", "BPD"))
    assert take(memo, "jabatan", v.parse_office, "Ketua", None) == (False, message)


def test_a_column_holding_too_many_values_starts_again(monkeypatch):
    monkeypatch.setattr(Memo, "LIMIT", 3)
    memo = Memo()
    for day in range(1, 6):
        assert take(memo, "tanggal", v.parse_date, f"2024-01-0{day}")[0]
    assert len(memo.columns["tanggal"]) <= 3


@pytest.mark.parametrize("cell", [None, "", 0, 0.0, False])
def test_keys_of_empty_looking_cells_are_distinct(cell):
    keys = {cell_key(c, ()) for c in [None, "", 0, 0.0, False]}
    assert len(keys) == 5 and cell_key(cell, ()) in keys
