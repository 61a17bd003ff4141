"""Existing users keep their four role values; only "admin" changes meaning with where it stands.

Before roles grew, "admin" was any administrator. It now means the province (or, without a region,
national) administrator; an administrator placed in a regency or below becomes that regency's
administrator, with the rights it had there and no more.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(role="admin", region__isnull=False).select_related("region"):
        if user.region.level >= 2:
            user.role = "regency_admin"
            user.region_id = user.region.regency_code or user.region_id
            user.save(update_fields=["role", "region"])


def backwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="regency_admin").update(role="admin")
    # The roles added with this migration had no older equivalent: read-only is the safe one.
    User.objects.filter(role__in=["bpjs_officer", "association_officer", "viewer"]).update(
        role="province_analyst"
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles_tokens_audit"), ("regions", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
