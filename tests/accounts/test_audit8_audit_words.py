"""audit8: the audit page said a download's details and the fields Django named itself in English ("what",
"file_name", "Total rows", "Accepted", "Opened by"), and a BPJS participant matched to a person as
"Orang: – → 5801" (the database's number for them). Every field the audit records is now said in Indonesian
and the entry's own person by name."""

from decimal import Decimal

import pytest

from lindungdesa.accounts import audit
from lindungdesa.accounts.audit_display import NAMES, field_label
from lindungdesa.accounts.models import User
from lindungdesa.enrolment.models import Enrolment
from lindungdesa.imports.models import ImportBatch
from tests.web.conftest import PENYELADI, make_user
from tests.web.roster_once import OnTheRoster, class_roster  # noqa: F401  (a fixture: made once)

# The keys of an import's entry (audit.record_batch) and of a download's (audit.record_export).
BATCH_KEYS = ("kind", "file_name", "total_rows", "accepted", "rejected", "created", "updated", "unchanged")
EXPORT_KEYS = ("what", "file_name", "rows", "masked")


def test_every_field_the_audit_records_has_an_indonesian_label():
    for model in audit.registered():
        for field in model._meta.concrete_fields:
            if field.name in audit.SKIPPED or field.name == "id":
                continue
            if field.verbose_name == field.name.replace("_", " "):  # Django's, in English
                assert field.name in NAMES, f"{model._meta.label}.{field.name}"
            assert field_label(model._meta.label, field.attname) not in (field.name, field.attname)
    for key in BATCH_KEYS:
        label = field_label(ImportBatch._meta.label, key)
        assert label != key and label == label.capitalize() and "rows" not in label
    assert [field_label("", key) for key in EXPORT_KEYS] == [
        "Isi berkas",
        "Nama berkas",
        "Jumlah baris",
        "Identitas disamarkan",
    ]
    assert field_label(ImportBatch._meta.label, "total_rows") == "Baris"
    assert field_label("monev.Round", "opened_by_id") == "Dibuka oleh"


@pytest.mark.django_db
class TestThePage(OnTheRoster):
    def test_a_download_and_a_matched_participant_read_in_words(self, client, roster):
        admin = make_user("admin61", User.Role.ADMIN, "61", "Admin")
        audit.record_export(
            user=admin,
            what="Rekonsiliasi",
            file_name="rekonsiliasi.xlsx",
            region_code=PENYELADI,
            rows=3,
            masked=False,
        )
        participant = Enrolment.objects.create(
            kpj="19012345678",
            nik="6103011204750009",
            bpjs_name="BUDI SANTOSO",
            programmes="JKK,JKM",
            category=Enrolment.Category.PU,
            wage=Decimal(2426640),
            start_date="2024-01-15",
        )
        with audit.acting_as(admin):
            participant.person = roster.budi
            participant.save()
        client.force_login(admin)
        html = client.get("/audit/").content.decode()
        for raw in ("what</span>", "file_name", "rows</span>", "masked"):
            assert raw not in html, raw
        assert "Nama berkas</span>: <ins>rekonsiliasi.xlsx</ins>" in html
        assert "Jumlah baris</span>: <ins>3</ins>" in html
        assert "Orang</span>: <del>–</del> → <ins>Budi Santoso</ins>" in html
