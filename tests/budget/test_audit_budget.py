"""An adopted budget on the audit page (budget/audit_text.py): Indonesian labelled values with Rupiah
amounts, not the stored JSON with its English keys; how many people have notes, not the notes."""

import re

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.budget.compute import fmt_rupiah
from lindungdesa.budget.models import Budget
from lindungdesa.lib.months import Month, month_label_id
from tests.budget.conftest import NEXT, PENYELADI
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db

ENGLISH_KEYS = ("by_source", "by_programme", "persons", "employer", "worker", "valid_from", "office_class")


def test_an_adopted_budget_reads_in_indonesian_on_the_audit_page(client, village_operator, budget_roster):
    client.force_login(village_operator)
    client.post(f"/anggaran/{PENYELADI}/tetapkan/", {"tahun": NEXT, "skenario": "all-serving"})
    stored = Budget.objects.get()
    client.force_login(make_user("admin-sanggau", User.Role.REGENCY_ADMIN, "61.03", "Admin"))
    html = client.get("/audit/").content.decode()
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if "Anggaran yang ditetapkan" in r)
    changes = row[row.index('data-label="Perubahan"') :]
    assert "{" not in changes and "[" not in changes
    assert not [key for key in ENGLISH_KEYS if key in changes]
    totals = stored.totals
    assert f">Jumlah</span>: <ins>{fmt_rupiah(stored.total)} untuk {totals['persons']} orang" in changes
    assert f"APBD kabupaten {fmt_rupiah(totals['by_source']['APBD'])}" in changes
    assert f"JHT {fmt_rupiah(totals['by_programme']['JHT'])}" in changes
    assert "JHT PU: 3,7 % + 2 % (peserta) dari upah, berlaku 01-07-2015 s.d. sekarang" in changes
    assert "Aparat desa JKK: pemberi kerja APBD kabupaten" in changes
    assert "Kepala desa: Rp2.426.640" in changes
    assert f"{len(stored.notes)} orang dengan catatan" in changes
    assert month_label_id(Month.parse(stored.reference)) in changes
    assert "Semua yang menjabat" in row  # the scenario, in the changes and the record's name
    assert ">Wilayah<" in changes and ">Ditetapkan oleh<" in changes
