"""A roster read by the worker process knows every desa as the importing process does: a desa code of a
regency the regions table does not hold is refused there as here, without a query."""

import pytest

from lindungdesa.imports.models import ImportBatch
from tests.imports.conftest import to_csv
from tests.imports.test_bulk_chunks import MESSY_HEADER
from tests.imports.test_worker import chunks_of_two, in_worker, outcome  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_a_desa_of_an_unknown_regency_is_refused_by_the_worker_as_here(people, request):
    unknown = dict(people.row("Tak Dikenal", "Kaur Umum", serial=20), kode_desa="99.98.01.2001")
    data = to_csv(MESSY_HEADER, [people.row("Dikenal", "Kaur Umum", serial=21), unknown])
    request.getfixturevalue("chunks_of_two")
    here = outcome(ImportBatch.Kind.ROSTER, data, True)
    read_here = request.getfixturevalue("in_worker")
    assert outcome(ImportBatch.Kind.ROSTER, data, True) == here
    assert read_here == []
    assert here[0]["rejected"] == 1 and here[1][0][1] == "kode_desa"
