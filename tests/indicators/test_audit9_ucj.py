"""audit9: the province analyst filled two regencies of the UCJ template (which lists every regency) and
uploaded it: the twelve left blank were listed as rejected, and a year or count mistyped was explained with
a rupiah amount ("Tahun: ... Contoh: 2426640, 2.426.640 atau Rp 2.426.640,00")."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindungdesa.accounts.models import User
from lindungdesa.indicators.models import UcjFigure
from tests.web.conftest import make_user


@pytest.mark.django_db
def test_the_templates_blank_regions_are_skipped_and_a_mistyped_year_is_said_as_a_year(client):
    analyst = make_user("dewi", User.Role.PROVINCE_ANALYST, "61", "Dewi")
    client.force_login(analyst)
    template = client.get("/ucj/templat.csv").content.decode("utf-8-sig").splitlines()
    assert len(template) > 10  # a header and a row for every regency of the province
    filled = [line for line in template if line.startswith('"61.03"') or line.startswith('"61.01"')]
    rows = [template[0]]
    for line in template[1:]:
        if line.startswith('"61.03"'):
            line = line.replace(',"","",', ',"215.000","48.500",')
        elif line.startswith('"61.01"'):
            line = line.replace(",2026,", ",20x6,").replace(',"","",', ',"300000","abc",')
        rows.append(line)
    assert len(filled) == 2
    upload = SimpleUploadedFile("templat-ucj.csv", ("\n".join(rows) + "\n").encode(), "text/csv")
    response = client.post("/ucj/", {"berkas": upload})
    result = response.context["result"]
    assert (result.saved, result.skipped) == (1, len(template) - 3)
    assert result.errors == [
        (2, "tahun", "Tahun “20x6” tidak dikenali: tulis bilangan bulat, mis. 2026."),
        (2, "peserta", "Peserta “abc” tidak dikenali: tulis bilangan bulat, mis. 48.500."),
    ]
    html = response.content.decode()
    assert "Rp 2.426.640" not in html
    assert f"{len(template) - 3} baris dilewati karena penduduk bekerja dan pesertanya kosong." in html
    assert UcjFigure.objects.get(region_code="61.03").working_population == 215000
