"""Reconciliation after an import, written to scale: set-based linking, proposals only for the unmatched."""

from datetime import date, timedelta
from difflib import SequenceMatcher

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindungdesa.enrolment import reconcile
from lindungdesa.enrolment.models import Enrolment, MatchProposal
from lindungdesa.imports.services import bpjs_import_file, roster_import_file
from lindungdesa.lib.months import Month
from tests.factories import make_nik, make_person
from tests.imports.conftest import BPJS_HEADER, ROSTER_HEADER, to_csv


def naive(a: str, b: str) -> str | None:
    """The rule as first written: one SequenceMatcher per pair."""
    if a == b:
        return "nama dan tanggal lahir sama"
    if sorted(a.split()) == sorted(b.split()):
        return "nama (urutan berbeda) dan tanggal lahir sama"
    if SequenceMatcher(None, a, b).ratio() >= 0.85:
        return "nama mirip dan tanggal lahir sama"
    return None


NAMES = st.lists(st.sampled_from(["siti", "aminah", "budi", "santoso", "santosa", "yohanes", "ale", "nur"]))


@given(NAMES, NAMES)
def test_similar_names_as_the_naive_rule_says(a_words, b_words):
    a, b = " ".join(a_words), " ".join(b_words)
    matcher = SequenceMatcher(None, "", b)
    assert reconcile._similar(a, matcher, sorted(b.split())) == naive(a, b)


@pytest.mark.django_db
def test_proposals_cover_every_birth_date_however_many(desa, monkeypatch):
    monkeypatch.setattr(reconcile, "IN_BATCH", 3)  # birth dates looked up three at a time
    names = ["Budi Santoso", "Siti Aminah", "Yohanes Ale", "Nur Hidayat", "Agus Pratama", "Rina Sari", "Dewi"]
    for n, name in enumerate(names):
        born = date(1970, 1, 1) + timedelta(days=40 * n)
        make_person(desa, name=name, born=born)
        Enrolment.objects.create(
            nik=make_nik(desa.district_code, born, "L", 9000 + n),  # not the person's NIK
            bpjs_name=name.upper() if n % 2 else " ".join(reversed(name.split())),
            programmes="JKK,JKM",
            category="PU",
            start_date=date(2021, 1, 1),
        )
    assert reconcile.match_proposals_refresh() == len(names)
    assert reconcile.match_proposals_refresh() == 0
    assert MatchProposal.objects.filter(reason__startswith="nama (urutan").count() == 3  # the reversed ones


@pytest.mark.django_db
def test_participants_imported_before_the_roster_are_linked_after_it(people, desa):
    rows = [
        people.row(f"Orang {n}", office, serial=n + 1)
        for n, office in enumerate(["Kepala Desa", "Sekretaris Desa"])
    ]
    participants = [
        {"nik": r["nik"], "nama": r["nama"], "kpj": f"1234567890{n}", "program": "JKK,JKM",
         "tanggal_kepesertaan": "01/02/2021", "bulan_iuran_terakhir": "2026-10"}
        for n, r in enumerate(rows)
    ]  # fmt: skip
    bpjs_import_file(data=to_csv(BPJS_HEADER, participants), file_name="b.csv", as_of=Month(2026, 10))
    assert Enrolment.objects.filter(person__isnull=True).count() == 2
    roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="r.csv")
    assert set(Enrolment.objects.values_list("person__name", flat=True)) == {"Orang 0", "Orang 1"}
