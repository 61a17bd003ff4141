import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungdesa.accounts.downloads import command_export
from lindungdesa.lib.months import Month
from lindungdesa.monev import rules
from lindungdesa.monev.models import Round
from lindungdesa.monev.selectors import desa_states
from lindungdesa.monev.services import MonevError, round_open
from lindungdesa.regions.models import Region


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Monitoring dan evaluasi: buka putaran, lihat status kasus, cetak surat ke kepala desa."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        opening = sub.add_parser("open", help="buka putaran monev untuk satu periode")
        opening.add_argument("--period", required=True, help="2026-Q4, 2026-S2 atau 2026-11")
        opening.add_argument(
            "--criteria",
            default="",
            help=f"dipisah koma, dari: {', '.join(rules.CRITERIA)} (bawaan: semuanya)",
        )
        opening.add_argument(
            "--threshold", default=str(rules.DEFAULT_THRESHOLD), help="ambang cakupan %% (bawaan 50)"
        )
        opening.add_argument("--province", help="kode provinsi (bawaan: satu-satunya yang dimuat)")
        opening.add_argument("--json", action="store_true")
        status = sub.add_parser("status", help="ringkasan putaran (bawaan: yang terakhir dibuka)")
        status.add_argument("--round", type=int)
        status.add_argument("--json", action="store_true")
        letters = sub.add_parser(
            "letters", help="surat untuk setiap kasus yang masih terbuka, satu berkas PDF"
        )
        letters.add_argument("--round", type=int, required=True)
        letters.add_argument("--out", required=True, metavar="BERKAS.pdf")

    def handle(self, *args, **options):
        return getattr(self, f"_{options['action']}")(options)

    def _province(self, code: str | None) -> Region:
        if code:
            province = Region.objects.filter(code=code, level=1).first()
            if province is None:
                raise _fail(f"Provinsi {code!r} tidak ditemukan.")
            return province
        provinces = list(Region.objects.filter(level=1)[:2])
        if len(provinces) != 1:
            raise _fail("Sebutkan --province: ada lebih dari satu provinsi (atau belum ada).")
        return provinces[0]

    def _round(self, pk: int | None) -> Round:
        round_ = (
            Round.objects.filter(pk=pk).first() if pk else Round.objects.order_by("-opened_at", "-id").first()
        )
        if round_ is None:
            raise _fail(f"Putaran {pk} tidak ditemukan." if pk else "Belum ada putaran monev.")
        return round_

    def _open(self, options):
        try:
            criteria = rules.parse_criteria(options["criteria"])
            threshold = Decimal(options["threshold"].replace(",", "."))
        except (ValueError, InvalidOperation) as exc:
            raise _fail(str(exc) if isinstance(exc, ValueError) else "Ambang harus berupa angka.") from None
        try:
            round_ = round_open(
                province=self._province(options["province"]),
                period=options["period"],
                criteria=criteria,
                threshold=threshold,
            )
        except MonevError as exc:
            raise _fail(str(exc)) from None
        data = status_of(round_)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(
                f"Putaran {round_.pk} ({round_.period}, menilai {round_.evaluated_month}): "
                f"{data['cases']} kasus dibuka, "
                f"{data['villages_registered_nobody']} desa belum mendaftarkan siapa pun."
            )

    def _status(self, options):
        data = status_of(self._round(options["round"]))
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            f"Putaran {data['round']} ({data['period']}): {data['cases']} kasus, "
            f"{data['overdue']} lewat tenggat"
        )
        for state, n in data["by_state"].items():
            self.stdout.write(f"  {rules.STATES[state]:<32} {n}")

    def _letters(self, options):
        round_ = self._round(options["round"])
        from lindungdesa.monev.letters import letters_file  # WeasyPrint: loaded only when needed

        out = Path(options["out"])
        if out.suffix.lower() != ".pdf":
            raise _fail("--out harus berakhiran .pdf.")
        cases = list(round_.cases.filter(state__in=rules.OPEN_STATES).exclude(state=rules.ENROLLED))
        if not cases:
            raise _fail("Tidak ada kasus terbuka yang perlu disurati.")
        letters = letters_file(cases)
        try:
            out.write_bytes(letters.pdf)
        except OSError as exc:
            raise _fail(f"Tidak dapat menulis {out}: {exc.strerror}") from None
        # The letters name the officials not yet protected: a person-level file, audited as a download is.
        command_export(
            what=_("Surat monev (nama yang belum terlindungi)"),
            file_name=out.name,
            region_code=round_.province_id,
            rows=letters.named,
            masked=False,
        )
        self.stdout.write(f"{out}: {len(cases)} surat.")


def status_of(round_: Round) -> dict:
    """The summary `monev status --json` prints."""
    today = timezone.localdate()
    by_state = {state: 0 for state in rules.STATES}
    overdue = 0
    for state, due in round_.cases.values_list("state", "due_date"):
        by_state[state] += 1
        overdue += rules.is_overdue(state, due, today)
    # Now, not when the round opened: the number falls as villages register.
    states = desa_states(round_.province_id, Month.of(today))
    nobody = sum(
        1 for state in states.values() if state.counts.aparat_protected + state.counts.bpd_protected == 0
    )
    return {
        "round": round_.pk,
        "period": round_.period,
        "cases": sum(by_state.values()),
        "by_state": by_state,
        "overdue": overdue,
        "villages_registered_nobody": nobody,
    }
