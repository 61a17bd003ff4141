"""The row readers' parsers, remembered: parsed once per distinct cell, told apart by type."""

from decimal import Decimal

import pytest

from lindungdesa.imports.engine import Memo
from lindungdesa.lib import values as v
from lindungdesa.lib.values import CellError


def take(memo: Memo, parser, cell, *args):
    return memo[parser](cell, *args)


def test_equal_cells_of_different_types_are_parsed_apart():
    memo = Memo()
    assert take(memo, v.parse_amount, 1) == (True, Decimal(1))
    ok, message = take(memo, v.parse_amount, True)  # equal to 1 as a key, but not an amount
    assert not ok and message
    assert take(memo, v.parse_amount, 1.0) == (True, Decimal(1))
    assert take(memo, v.parse_amount, "1") == (True, Decimal(1))
    assert memo[v.parse_amount].cache_info().currsize == 4


def test_a_rejected_cell_keeps_its_message_and_is_parsed_once():
    calls = []

    def parser(cell):
        calls.append(cell)
        raise CellError(f"Bukan tanggal: {cell}.")

    memo = Memo()
    assert take(memo, parser, "31/02/2024") == (False, "Bukan tanggal: 31/02/2024.")
    assert take(memo, parser, "31/02/2024") == (False, "Bukan tanggal: 31/02/2024.")
    assert calls == ["31/02/2024"]


def test_the_parsers_other_arguments_are_part_of_the_key():
    memo = Memo()
    ok, message = take(memo, v.parse_office, "Ketua", None)  # whose chair?
    assert not ok and "tidak jelas tanpa kelompok" in message
    assert take(memo, v.parse_office, "Ketua", "BPD") == (True, v.parse_office("Ketua", "BPD"))
    assert take(memo, v.parse_office, "Ketua", None) == (False, message)


def test_a_parser_remembers_at_most_its_limit(monkeypatch):
    monkeypatch.setattr(Memo, "LIMIT", 3)
    memo = Memo()
    for day in range(1, 6):
        assert take(memo, v.parse_date, f"2024-01-0{day}")[0]
    assert memo[v.parse_date].cache_info().currsize <= 3


@pytest.mark.parametrize("cell", [None, "", 0, 0.0, False])
def test_empty_looking_cells_are_remembered_apart(cell):
    calls = []

    def parser(c):
        calls.append(c)
        return c

    memo = Memo()
    for c in [None, "", 0, 0.0, False]:
        take(memo, parser, c)
    ok, parsed = take(memo, parser, cell)
    assert ok and type(parsed) is type(cell) and parsed == cell
    assert len(calls) == 5
