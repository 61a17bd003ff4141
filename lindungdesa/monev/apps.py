from django.apps import AppConfig


class MonevConfig(AppConfig):
    name = "lindungdesa.monev"
    label = "monev"

    def ready(self) -> None:
        from lindungdesa.accounts import audit

        from . import signals
        from .models import Agency, AgencyMember, Case, Round

        signals.connect()
        # A round's opening writes its cases in bulk: the round is the one audit entry for them; every later
        # change to a case (a move, an assignment, a letter number) is audited one by one.
        audit.register(Round, region=lambda r: r.province_id)
        audit.register(Case, region=lambda c: c.desa_id)
        audit.register(Agency, region=lambda a: a.region_id)
        audit.register(AgencyMember, region=lambda m: m.agency.region_id)
