"""Letters to village heads (PDF, one by one or many in one file) and WhatsApp-ready reminders.

A letter names the officials and BPD members who are not protected (it goes to their own village head;
no NIK or card number is printed); the WhatsApp text holds counts only, since messages are forwarded.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from django.template.loader import render_to_string
from django.utils import timezone

from lindungdesa.enrolment.status import Status
from lindungdesa.lib.idformat import date_id, number_id
from lindungdesa.lib.months import Month, month_label_id
from lindungdesa.regions.models import Region
from lindungdesa.web.roster import desa_roster

from .models import Case
from .services import letters_number

LEGAL_BASIS = [
    "Undang-Undang Nomor 3 Tahun 2024 tentang Perubahan Kedua atas Undang-Undang Nomor 6 Tahun 2014 tentang "
    "Desa, Pasal 26, Pasal 50A dan Pasal 62 (hak kepala desa, perangkat desa dan anggota BPD atas jaminan "
    "sosial ketenagakerjaan);",
    "Instruksi Presiden Nomor 2 Tahun 2021 tentang Optimalisasi Pelaksanaan Program Jaminan Sosial "
    "Ketenagakerjaan;",
    "Surat Edaran Menteri Dalam Negeri Nomor 842.2/5193/SJ Tahun 2021 (kepesertaan aktif, dicocokkan "
    "dengan NIK);",
    "Peraturan Menteri Dalam Negeri Nomor 20 Tahun 2018 Pasal 19 ayat (4): iuran dapat dianggarkan dalam "
    "APBDes dari sumber selain Dana Desa (misalnya ADD); Dana Desa tidak dapat digunakan untuk iuran ini.",
]


@dataclass
class Unprotected:
    name: str
    office: str
    status: str


@dataclass
class LetterData:
    case: Case
    desa: Region
    kecamatan: str
    kabupaten: str
    month: Month
    aparat: tuple[int, int]  # (protected, serving) now
    bpd: tuple[int, int]
    people: list[Unprotected]
    premium: object | None  # the village budget for the people not yet protected, when the budget is known

    @property
    def missing(self) -> int:
        return len(self.people)


def _names(codes: list[str]) -> dict[str, str]:
    wanted = set()
    for code in codes:
        parts = code.split(".")
        wanted.update({".".join(parts[:2]), ".".join(parts[:3]), code})
    return dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))


def premium_for(desa: Region, year: int):
    """The premium the village should budget for everyone serving (None while no budget can be computed)."""
    try:
        from lindungdesa.budget.letters import letter_premium
    except ImportError:
        return None
    return letter_premium(desa=desa, year=year)


def letter_data(cases: list[Case], *, month: Month | None = None) -> list[LetterData]:
    month = month or Month.of(timezone.localdate())
    names = _names([c.desa_id for c in cases])
    out = []
    for case in cases:
        desa = case.desa
        roster = desa_roster(desa, month)
        people = []
        counts = {"aparat": [0, 0], "bpd": [0, 0]}
        for group, entries in (("aparat", roster.aparat), ("bpd", roster.bpd)):
            for entry in entries:
                counts[group][1] += 1
                if entry.status == Status.PROTECTED:
                    counts[group][0] += 1
                else:
                    people.append(
                        Unprotected(
                            entry.position.person.name, entry.position.office_label, entry.status_label
                        )
                    )
        parts = case.desa_id.split(".")
        out.append(
            LetterData(
                case=case,
                desa=desa,
                kecamatan=names.get(".".join(parts[:3]), ""),
                kabupaten=names.get(".".join(parts[:2]), ""),
                month=month,
                aparat=tuple(counts["aparat"]),
                bpd=tuple(counts["bpd"]),
                people=people,
                premium=premium_for(desa, month.year + 1),
            )
        )
    return out


def letters_html(cases: list[Case], *, today: date | None = None) -> str:
    """The letters of `cases` as one HTML document, a letter a page (numbers given where missing)."""
    today = today or timezone.localdate()
    cases = letters_number(cases=list(cases), today=today)
    data = letter_data(cases)
    first = cases[0].round
    return render_to_string(
        "monev/letters_pdf.html",
        {
            "letters": [
                {
                    "d": d,
                    "date": date_id(d.case.letter_date or today),
                    "due": date_id(d.case.due_date) if d.case.due_date else "",
                    "month": month_label_id(d.month),
                    "evaluated": month_label_id(Month.parse(d.case.round.evaluated_month)),
                    "aparat": f"{number_id(d.aparat[0])} dari {number_id(d.aparat[1])}",
                    "bpd": f"{number_id(d.bpd[0])} dari {number_id(d.bpd[1])}",
                }
                for d in data
            ],
            "round": first,
            "province": first.province,
            "legal_basis": LEGAL_BASIS,
        },
    )


def letters_pdf(cases: list[Case], *, today: date | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=letters_html(cases, today=today)).write_pdf()


def whatsapp_text(case: Case, *, today: date | None = None) -> str:
    """A reminder to paste into WhatsApp: counts only, no names (messages get forwarded)."""
    [d] = letter_data([case])
    round_ = case.round
    lines = [
        f"Yth. Bapak/Ibu Kepala Desa {d.desa.name}, Kec. {d.kecamatan}, {d.kabupaten}.",
        f"Hasil monev jaminan sosial ketenagakerjaan {round_.period}: {d.aparat[0]} dari {d.aparat[1]} "
        f"aparat desa dan {d.bpd[0]} dari {d.bpd[1]} anggota BPD sudah terlindungi BPJS Ketenagakerjaan; "
        f"{d.missing} orang belum.",
    ]
    if d.premium is not None:
        lines.append(
            f"Mohon iuran sebesar Rp {number_id(d.premium.total)} setahun dianggarkan dalam APBDes "
            f"{d.premium.year} (bukan dari Dana Desa) dan semua didaftarkan."
        )
    else:
        lines.append("Mohon iurannya dianggarkan dalam APBDes (bukan dari Dana Desa) dan semua didaftarkan.")
    if case.due_date:
        lines.append(f"Mohon kabar paling lambat {date_id(case.due_date)}.")
    if case.letter_number:
        lines.append(f"Surat resmi nomor {case.letter_number}.")
    lines.append(f"Terima kasih. — DPMPD {round_.province.name}")
    return "\n".join(lines)


def whatsapp_link(text: str) -> str:
    return "https://wa.me/?text=" + quote(text)
