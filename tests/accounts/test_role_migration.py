from importlib import import_module

import pytest
from django.apps import apps

from lindungdesa.accounts.models import User

pytestmark = pytest.mark.django_db
migration = import_module("lindungdesa.accounts.migrations.0003_data_roles")


def test_an_administrator_placed_in_a_regency_becomes_its_regency_administrator():
    User.objects.create(username="prov", role="admin", region_id="61")
    User.objects.create(username="nas", role="admin")
    User.objects.create(username="kab", role="admin", region_id="61.03")
    desa = User.objects.create(username="desa", role="admin", region_id="61.03.01.2007")
    User.objects.create(username="op", role="regency_operator", region_id="61.03")
    migration.forwards(apps, None)
    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {"prov": "admin", "nas": "admin", "kab": "regency_admin", "desa": "regency_admin",
                     "op": "regency_operator"}  # fmt: skip
    assert User.objects.get(pk=desa.pk).region_id == "61.03"


def test_going_back_keeps_every_user_able_to_sign_in_with_an_old_role():
    User.objects.create(username="kab", role="regency_admin", region_id="61.03")
    User.objects.create(username="lihat", role="viewer", region_id="61")
    migration.backwards(apps, None)
    old_roles = {"admin", "province_analyst", "regency_operator", "village_operator"}
    assert set(User.objects.values_list("role", flat=True)) <= old_roles
