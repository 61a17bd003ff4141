import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from lindungdesa.accounts.models import User
from lindungdesa.accounts.scope import home_region, region_for_user, scoped
from lindungdesa.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "analyst": User.objects.create(username="analis", role=User.Role.PROVINCE_ANALYST, region_id="61"),
        "sanggau": User.objects.create(
            username="sanggau", role=User.Role.REGENCY_OPERATOR, region_id="61.03"
        ),
        "village": User.objects.create(
            username="desa", role=User.Role.VILLAGE_OPERATOR, region_id=sanggau_desa().code
        ),
    }


def sanggau_desa() -> Region:
    return Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()


def test_a_regency_user_sees_only_its_regency(people):
    visible = scoped(Region.objects.filter(level=2), people["sanggau"])
    assert list(visible.values_list("code", flat=True)) == ["61.03"]
    desa_codes = scoped(Region.objects.filter(level=4), people["sanggau"]).values_list(
        "regency_code", flat=True
    )
    assert set(desa_codes) == {"61.03"}


def test_a_regency_user_gets_404_outside(people):
    assert region_for_user(people["sanggau"], "61.03.01").code == "61.03.01"
    for code in ("61", "61.01", "61.01.01", "61.030"):
        with pytest.raises(Http404):
            region_for_user(people["sanggau"], code)


def test_a_village_operator_sees_only_its_desa(people):
    desa = people["village"].region
    assert region_for_user(people["village"], desa.code) == desa
    with pytest.raises(Http404):
        region_for_user(people["village"], desa.parent_id)


def test_the_province_analyst_sees_the_whole_province(people):
    assert (
        scoped(Region.objects.all(), people["analyst"]).count()
        == Region.objects.filter(province_code="61").count()
    )


def test_anonymous_sees_nothing():
    assert scoped(Region.objects.all(), AnonymousUser()).count() == 0
    with pytest.raises(Http404):
        region_for_user(AnonymousUser(), "61")


def test_home_region(people):
    assert home_region(people["sanggau"]).code == "61.03"
    national = User.objects.create(username="nasional", role=User.Role.ADMIN)
    assert home_region(national).code == "61"  # the only province loaded
