import pytest

from lindungdesa.regions.models import Region
from lindungdesa.regions.services import regions_load

pytestmark = pytest.mark.django_db


def test_it_loads_kalimantan_barat():
    assert Region.objects.filter(level=2, province_code="61").count() == 14
    assert Region.objects.filter(level=3, province_code="61").count() == 174
    assert Region.objects.filter(province_code="61", kind=Region.Kind.DESA).count() == 2046
    assert Region.objects.filter(province_code="61", kind=Region.Kind.KELURAHAN).count() == 99


def test_kelurahan_are_kept_but_are_not_villages():
    kelurahan = Region.objects.filter(kind=Region.Kind.KELURAHAN).first()
    assert kelurahan is not None and not kelurahan.is_village


def test_loading_twice_changes_nothing():
    before = list(Region.objects.order_by("code").values_list("code", "name", "kind", "parent_id"))
    result = regions_load(province_codes=["61"])
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == len(before)
    assert list(Region.objects.order_by("code").values_list("code", "name", "kind", "parent_id")) == before


def test_it_repairs_a_changed_name():
    Region.objects.filter(code="61.03").update(name="Sanggau Lama")
    result = regions_load(province_codes=["61"])
    assert result.updated == 1
    assert Region.objects.get(code="61.03").name == "Kabupaten Sanggau"


def test_it_rejects_an_unknown_province():
    with pytest.raises(ValueError, match="tidak dikenal"):
        regions_load(province_codes=["00"])


def test_parents_and_denormalised_codes_are_set():
    desa = Region.objects.filter(kind=Region.Kind.DESA, regency_code="61.03").first()
    assert desa.parent.parent.code == "61.03"
    assert desa.district_code == desa.parent.code
    assert desa.province_code == "61"
