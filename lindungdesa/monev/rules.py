"""Monitoring rounds as pure rules: periods, criteria, the states of a case, deadlines, the round report.

No database here: the services feed these functions plain values and store what they decide.
"""

import re
import statistics
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from lindungdesa.indicators.compute import DesaCounts, pct
from lindungdesa.lib.months import Month, month_label_id

# States --------------------------------------------------------------------------------------------------

NEW = "baru"
LETTER_SENT = "surat_terkirim"
BUDGETED = "dianggarkan"
ENROLLED = "terdaftar"
CLOSED = "ditutup"
ESCALATED_REGENT = "eskalasi_bupati"
ESCALATED_KEMENDAGRI = "eskalasi_kemendagri"

STATES = {
    NEW: "Baru",
    LETTER_SENT: "Surat terkirim",
    BUDGETED: "Dianggarkan (APBDes/APBD)",
    ENROLLED: "Terdaftar",
    CLOSED: "Ditutup",
    ESCALATED_REGENT: "Dieskalasi ke bupati/wali kota",
    ESCALATED_KEMENDAGRI: "Dieskalasi ke Kemendagri",
}
STATE_CHOICES = list(STATES.items())
OPEN_STATES = frozenset(STATES) - {CLOSED}
TRACK = (NEW, LETTER_SENT, BUDGETED, ENROLLED, CLOSED)

# Where a case may go from each state. Escalation is possible from any open state and a case comes back to
# the track from it; closing needs evidence (the enrolled state) or a written reason.
MOVES: dict[str, tuple[str, ...]] = {
    NEW: (LETTER_SENT, ESCALATED_REGENT, ENROLLED, CLOSED),
    LETTER_SENT: (BUDGETED, ESCALATED_REGENT, ENROLLED, CLOSED),
    BUDGETED: (ENROLLED, ESCALATED_REGENT, CLOSED),
    ESCALATED_REGENT: (LETTER_SENT, BUDGETED, ENROLLED, ESCALATED_KEMENDAGRI, CLOSED),
    ESCALATED_KEMENDAGRI: (LETTER_SENT, BUDGETED, ENROLLED, CLOSED),
    ENROLLED: (CLOSED, BUDGETED),  # back to budgeted when the evidence turns out wrong
    CLOSED: (),
}


# What a village operator may record on its own case: the budget, and the registration with its evidence.
# Closing and escalating are for regency and province staff.
VILLAGE_OPERATOR_MOVES = frozenset({BUDGETED, ENROLLED})


def role_may_move(role: str, target: str) -> bool:
    return role != "village_operator" or target in VILLAGE_OPERATOR_MOVES


class MoveRefused(ValueError):
    """A move the rules do not allow, with the reason in Indonesian."""


def check_move(current: str, target: str, *, note: str, evidence: str = "") -> None:
    """Raise MoveRefused unless a case may move from `current` to `target` with this note and evidence.

    - only the moves in MOVES;
    - to *terdaftar* by hand only with a note saying what shows it (an import shows it on its own);
    - to *ditutup* from any state but *terdaftar* only with a reason (no skipping to closed without
      evidence or a reason);
    - back from *terdaftar*, and every escalation, with a note.
    """
    if target not in STATES:
        raise MoveRefused(_("Status tujuan tidak dikenal: %(target)r.") % {"target": target})
    if current == target:
        raise MoveRefused(_("Kasus sudah berstatus %(state)s.") % {"state": STATES[target]})
    if target not in MOVES[current]:
        raise MoveRefused(
            _("Dari %(current)s kasus tidak dapat langsung menjadi %(target)s.")
            % {"current": STATES[current], "target": STATES[target]}
        )
    note = note.strip()
    if target == ENROLLED and not (note or evidence):
        raise MoveRefused(_("Sebutkan bukti pendaftaran (mis. nomor KPJ atau ekstrak BPJS) pada catatan."))
    if target == CLOSED and current != ENROLLED and not note:
        raise MoveRefused(
            "Kasus yang belum terbukti terdaftar hanya dapat ditutup dengan alasan tertulis pada catatan."
        )
    if target in (ESCALATED_REGENT, ESCALATED_KEMENDAGRI) and not note:
        raise MoveRefused(_("Tuliskan alasan eskalasi pada catatan."))
    if current == ENROLLED and target == BUDGETED and not note:
        raise MoveRefused(_("Tuliskan mengapa kasus dibuka kembali."))


# Deadlines in working days after entering each state (a round may set its own).
DEFAULT_DEADLINES = {
    NEW: 5,  # send the letter
    LETTER_SENT: 20,  # the village budgets the premium
    BUDGETED: 20,  # the officials are registered
    ESCALATED_REGENT: 10,
    ESCALATED_KEMENDAGRI: 20,
    ENROLLED: 5,  # confirm and close
}


# Periods --------------------------------------------------------------------------------------------------

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_SEMESTER = re.compile(r"^(\d{4})-S([12])$", re.IGNORECASE)


@dataclass(frozen=True)
class RoundPeriod:
    label: str  # "2026-Q4", "2026-S2" or "2026-11"
    first: Month
    last: Month

    @property
    def name(self) -> str:
        """As people say it: "Triwulan IV 2026", "Semester II 2026", "November 2026"."""
        if self.first == self.last:
            return month_label_id(self.first)
        roman = ("I", "II", "III", "IV")
        if self.first.add(2) == self.last:
            return _("Triwulan %(n)s %(year)s") % {
                "n": roman[(self.first.month - 1) // 3],
                "year": self.first.year,
            }
        return _("Semester %(n)s %(year)s") % {
            "n": roman[(self.first.month - 1) // 6],
            "year": self.first.year,
        }

    def evaluation_month(self, today: Month) -> Month:
        """The month whose figures a round looks at: the period's last month, or this month if earlier."""
        return min(self.last, today)


def parse_round_period(text: str) -> RoundPeriod:
    text = text.strip().upper()
    if m := _QUARTER.match(text):
        year, q = int(m.group(1)), int(m.group(2))
        first = Month(year, 3 * q - 2)
        return RoundPeriod(f"{year}-Q{q}", first, first.add(2))
    if m := _SEMESTER.match(text):
        year, s = int(m.group(1)), int(m.group(2))
        first = Month(year, 6 * s - 5)
        return RoundPeriod(f"{year}-S{s}", first, first.add(5))
    try:
        month = Month.parse(text)
    except ValueError:
        raise ValueError(
            _(
                "Periode putaran %(text)r tidak dikenal: tulis triwulan (2026-Q4), semester (2026-S2) "
                "atau bulan (2026-11)."
            )
            % {"text": text}
        ) from None
    return RoundPeriod(str(month), month, month)


# Criteria -------------------------------------------------------------------------------------------------

NOBODY = "nobody"
BELOW = "below"
ARREARS = "arrears"
BPD = "bpd"
CRITERIA = {
    NOBODY: "belum mendaftarkan siapa pun",
    BELOW: "cakupan aparat dan BPD di bawah ambang",
    ARREARS: "ada peserta menunggak iuran",
    BPD: "anggota BPD belum terlindungi semua",
}
DEFAULT_CRITERIA = (NOBODY, BELOW, ARREARS, BPD)
DEFAULT_THRESHOLD = Decimal(50)


@dataclass(frozen=True)
class DesaState:
    """What a round looks at in one desa."""

    counts: DesaCounts
    arrears: int  # serving positions whose person is in arrears (and not protected by another membership)

    def as_dict(self) -> dict:
        c = self.counts
        return {
            "aparat_serving": c.aparat_serving,
            "aparat_protected": c.aparat_protected,
            "bpd_serving": c.bpd_serving,
            "bpd_protected": c.bpd_protected,
            "arrears": self.arrears,
            "coverage_pct": pct(c.aparat_protected + c.bpd_protected, c.aparat_serving + c.bpd_serving),
        }


def failing(state: DesaState, criteria: tuple[str, ...], threshold: Decimal = DEFAULT_THRESHOLD) -> list[str]:
    """The criteria this desa fails, in the order given."""
    c = state.counts
    serving = c.aparat_serving + c.bpd_serving
    protected = c.aparat_protected + c.bpd_protected
    out = []
    for criterion in criteria:
        if criterion == NOBODY:
            failed = protected == 0
        elif criterion == BELOW:
            coverage = pct(protected, serving)
            failed = coverage is not None and Decimal(str(coverage)) < threshold
        elif criterion == ARREARS:
            failed = state.arrears > 0
        elif criterion == BPD:
            failed = c.bpd_serving > 0 and c.bpd_protected < c.bpd_serving
        else:
            raise ValueError(_("Kriteria tidak dikenal: %(criterion)r.") % {"criterion": criterion})
        if failed:
            out.append(criterion)
    return out


def parse_criteria(text: str) -> tuple[str, ...]:
    """ "nobody,below,arrears" -> ("nobody", "below", "arrears"); empty -> all."""
    items = [c.strip().lower() for c in text.replace(" ", ",").split(",") if c.strip()]
    if not items:
        return DEFAULT_CRITERIA
    unknown = [c for c in items if c not in CRITERIA]
    if unknown:
        raise ValueError(
            _("Kriteria tidak dikenal: %(unknown)s. Pilih dari: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(CRITERIA)}
        )
    return tuple(dict.fromkeys(items))


# The round report -----------------------------------------------------------------------------------------


def median_days(durations: list[int]) -> float | None:
    return float(statistics.median(durations)) if durations else None


def is_overdue(state: str, due: date | None, today: date) -> bool:
    return state in OPEN_STATES and due is not None and today > due
