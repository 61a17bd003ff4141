"""The snapshot page names the imports a snapshot was made from; each reader sees only the imports of their
own region (a file name is user text, and another region's import is a 404 to them)."""

from django.utils import timezone

from lindungdesa.imports.models import ImportBatch
from lindungdesa.indicators.models import Snapshot
from tests.web.conftest import PENYELADI, PERIOD, SAMBAS


def batch(file_name: str, scope: str, user) -> dict:
    made = ImportBatch.objects.create(
        kind=ImportBatch.Kind.ROSTER,
        state=ImportBatch.State.DONE,
        file_name=file_name,
        file_sha256="0" * 64,
        uploaded_by=user,
        scope_code=scope,
        finished_at=timezone.now(),
    )
    return {"id": made.pk, "kind": made.kind, "file_name": file_name, "as_of": None, "finished_at": None}


def test_each_reader_sees_only_the_imports_of_its_region(client, village_operator, outsider, analyst):
    ours = batch("aparat-penyeladi.xlsx", PENYELADI, village_operator)
    theirs = batch("SK pemberhentian Budi Sambas.xlsx", SAMBAS, outsider)
    Snapshot.objects.create(period=PERIOD, made_at=timezone.now(), batches=[ours, theirs])

    client.force_login(village_operator)
    html = client.get("/potret/").content.decode()
    assert "aparat-penyeladi.xlsx" in html and f'href="/impor/{ours["id"]}/"' in html
    assert "Budi Sambas" not in html and f'href="/impor/{theirs["id"]}/"' not in html

    client.force_login(analyst)  # the province reads both
    html = client.get("/potret/").content.decode()
    assert "aparat-penyeladi.xlsx" in html and "Budi Sambas" in html
