"""What a user came to do, first on their home page: a few cards, each a figure and the page that acts on it.

Each role's cards follow its job: the village operator keeps its roster, sees who is not
protected yet, answers its cases and budgets next year; the BPJS officer uploads the monthly extract and
works the reconciliation lists; a regency acts on its villages and cases; the province follows its monev
rounds and reports. Only cheap counts: the home page must stay light.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from lindungdesa.accounts.models import User
from lindungdesa.accounts.permissions import (
    BPJS_IMPORT,
    CASE_EDIT,
    ENROLMENT_EDIT,
    MONEV_MANAGE,
    RECONCILE_VIEW,
    REPORT_KEMENDAGRI,
    ROSTER_EDIT,
    ROSTER_IMPORT,
    can,
)
from lindungdesa.accounts.scope import scoped
from lindungdesa.budget.compute import fmt_rupiah
from lindungdesa.imports.models import ImportBatch
from lindungdesa.lib.months import Month, month_label_id
from lindungdesa.regions.models import Region

Role = User.Role


@dataclass(frozen=True)
class Job:
    title: str
    value: str  # a short figure or state
    note: str
    url: str
    action: str  # the link's text
    urgent: bool = False


def _count(n: int) -> str:
    from lindungdesa.web.templatetags.lindung import angka

    return angka(n)


def _open_cases(user: User, region: Region) -> tuple[int, str]:
    """The open monev cases in the region the user may follow up, and the page to follow them up on."""
    from lindungdesa.monev import rules
    from lindungdesa.monev.selectors import cases_for, rounds_for

    cases = cases_for(user).filter(state__in=rules.OPEN_STATES)
    n = cases.count()
    if n == 1:
        return n, reverse("monev-case", args=[cases.get().pk])
    latest = rounds_for(user).order_by("-opened_at").first()
    return n, reverse("monev-round", args=[latest.pk]) if latest else reverse("monev-rounds")


def _cases_job(user: User, region: Region) -> Job:
    n, url = _open_cases(user, region)
    return Job(
        _("Kasus monev terbuka"),
        _count(n),
        _("Desa yang belum memenuhi kriteria putaran monev: catat tindak lanjutnya.")
        if n
        else _("Tidak ada kasus yang perlu ditindaklanjuti."),
        url,
        _("Tindak lanjuti kasus") if n else _("Lihat monev"),
        urgent=n > 0,
    )


def _rounds_job(user: User) -> Job:
    """The province's latest monev round and how many of its cases are still open (one query)."""
    from lindungdesa.monev import rules
    from lindungdesa.monev.selectors import rounds_for

    latest = (
        rounds_for(user)
        .annotate(open_cases=Count("cases", filter=Q(cases__state__in=rules.OPEN_STATES)))
        .order_by("-opened_at")
        .first()
    )
    if latest is None:
        return Job(
            _("Putaran monev"),
            _("Belum ada"),
            _("Buka putaran pertama: kasus dibuka untuk setiap desa yang belum memenuhi kriteria."),
            reverse("monev-rounds"),
            _("Buka putaran"),
        )
    return Job(
        _("Kasus terbuka putaran %(period)s") % {"period": latest.period_name},
        _count(latest.open_cases),
        _("Terima angka kabupaten/kota, buka putaran baru, kirim surat."),
        reverse("monev-round", args=[latest.pk]),
        _("Buka putaran"),
    )


def _last_import(user: User, kind: str) -> ImportBatch | None:
    return (
        scoped(ImportBatch.objects.all(), user, "scope_code")
        .filter(kind=kind, state=ImportBatch.State.DONE, dry_run=False)
        .order_by("-created_at")
        .first()
    )


def _proposals(region: Region) -> int:
    from lindungdesa.enrolment.reconcile import open_proposals_in

    return open_proposals_in(region.code).count()


def _unprotected(total) -> int:
    return total.aparat_serving + total.bpd_serving - total.aparat_protected - total.bpd_protected


def desa_jobs(user: User, desa: Region, total, period: Month, budget: dict | None) -> list[Job]:
    """The village operator's desa: roster, who is not protected, cases, budget."""
    serving = total.aparat_serving + total.bpd_serving
    unprotected = _unprotected(total)
    reconcile = reverse("reconcile", args=[desa.code])
    jobs = []
    if can(user, ROSTER_IMPORT, desa.code):
        last = _last_import(user, ImportBatch.Kind.ROSTER)
        jobs.append(
            Job(
                _("Aparat dan anggota BPD menjabat"),
                _count(serving),
                _("Tambah, ubah atau akhiri jabatan di halaman ini, atau impor daftar (terakhir %(date)s).")
                % {"date": last.created_at.strftime("%d-%m-%Y")}
                if last
                else _("Tambah, ubah atau akhiri jabatan di halaman ini, atau impor templat atau OpenSID."),
                "#daftar-aparat" if can(user, ROSTER_EDIT, desa.code) else reverse("imports"),
                _("Perbarui daftar"),
                urgent=serving == 0,
            )
        )
    if can(user, RECONCILE_VIEW, desa.code):
        jobs.append(
            Job(
                _("Belum terlindungi"),
                _count(unprotected),
                _("Aparat dan anggota BPD yang menjabat tanpa kepesertaan aktif pada %(month)s.")
                % {"month": month_label_id(period)},
                f"{reconcile}#belum-terdaftar",
                _("Lihat siapa saja"),
                urgent=unprotected > 0,
            )
        )
    if can(user, CASE_EDIT, desa.code):
        jobs.append(_cases_job(user, desa))
    if budget is not None:
        year = budget["year"]
        jobs.append(
            Job(
                _("Anggaran iuran %(year)s") % {"year": year},
                fmt_rupiah(budget["everyone"].total.total),
                _("Iuran setahun bila semua yang menjabat terlindungi: masukkan ke APBDes."),
                "#anggaran-tahun-depan",
                _("Lihat anggaran"),
            )
        )
    return jobs


def region_jobs(user: User, region: Region, total) -> list[Job]:
    """Above the desa: what the user's role does for the region it is responsible for."""
    jobs: list[Job] = []
    reconcile = reverse("reconcile", args=[region.code])
    if user.role == Role.BPJS_OFFICER or (can(user, BPJS_IMPORT) and not can(user, ROSTER_IMPORT)):
        last = _last_import(user, ImportBatch.Kind.BPJS)
        jobs.append(
            Job(
                _("Ekstrak peserta bulanan"),
                month_label_id(Month.of(last.as_of)) if last and last.as_of else _("Belum ada"),
                _("Bulan ekstrak terakhir yang diimpor. Unggah ekstrak bulan ini dari sistem BPJS TK."),
                reverse("imports"),
                _("Unggah ekstrak BPJS"),
            )
        )
    if can(user, ENROLMENT_EDIT, region.code):
        n = _proposals(region)
        jobs.append(
            Job(
                _("Usulan pencocokan"),
                _count(n),
                _("Peserta BPJS yang mungkin sama dengan aparat atau anggota BPD: konfirmasi atau tolak."),
                f"{reconcile}#usulan",
                _("Periksa usulan"),
                urgent=n > 0,
            )
        )
    if can(user, RECONCILE_VIEW, region.code) and user.role == Role.BPJS_OFFICER:
        jobs.append(
            Job(
                _("Daftar rekonsiliasi"),
                _count(_unprotected(total)),
                _("Menjabat tanpa kepesertaan aktif; juga: menunggak, tidak lagi menjabat, data berbeda."),
                reconcile,
                _("Buka daftar"),
            )
        )
    if user.role in (Role.REGENCY_OPERATOR, Role.REGENCY_ADMIN) or (
        user.role == Role.ADMIN and region.level == 2
    ):
        jobs.insert(
            0,
            Job(
                _("Desa yang perlu ditindaklanjuti"),
                _count(total.villages_unregistered),
                _("Desa yang belum mendaftarkan siapa pun; juga cakupan di bawah ambang atau turun."),
                reverse("worklist", args=[region.code]),
                _("Lihat desa"),
                urgent=total.villages_unregistered > 0,
            ),
        )
        if can(user, ROSTER_IMPORT):
            jobs.append(
                Job(
                    _("Impor daftar aparat dan BPD"),
                    "",
                    _("Daftar beberapa desa sekaligus, dengan kolom kode_desa."),
                    reverse("imports"),
                    _("Unggah daftar"),
                )
            )
    if user.role in (Role.REGENCY_OPERATOR, Role.REGENCY_ADMIN) or (
        user.role == Role.ADMIN and region.level == 2
    ):
        jobs.insert(1, _cases_job(user, region))
    if can(user, MONEV_MANAGE):
        jobs.append(_rounds_job(user))
    if can(user, REPORT_KEMENDAGRI) and region.level == 1:
        jobs.append(
            Job(
                _("Laporan Kemendagri"),
                "",
                _("Laporan provinsi, dengan angka yang sama dengan dasbor."),
                reverse("report-kemendagri"),
                _("Buat laporan"),
            )
        )
    return jobs
