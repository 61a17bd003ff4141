"""Writing indicator data: snapshots, targets, UCJ figures, and the data version snapshots rely on."""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungdesa.enrolment.models import StatusRule
from lindungdesa.lib.headers import Field, header_score, match_headers
from lindungdesa.lib.inserts import insert
from lindungdesa.lib.months import Month
from lindungdesa.lib.tabular import UnreadableFile, read_table
from lindungdesa.lib.values import CellError, is_blank, parse_amount
from lindungdesa.regions.models import Region, under

from .compute import aggregate, parent_of, rollup
from .models import DataVersion, RegionFigure, Snapshot, Target, TargetChange, UcjFigure
from .versioned import key_in, province_of, province_version_keys

# Sent after a monthly snapshot is taken (keyword argument `snapshot`).
snapshot_taken = Signal()


def data_version() -> int:
    """The national data version: moved by every change anywhere (what a snapshot of the whole country
    remembers)."""
    row = DataVersion.objects.filter(province=DataVersion.NATIONAL).values_list("version", flat=True).first()
    return row or 0


def data_changed(regions: Iterable[str] | None = None) -> None:
    """Record that the data indicators are computed from has changed (snapshots made before are stale):
    in the provinces of `regions` (codes of any level), or everywhere when None (a status rule, regions
    loaded, an import with no region). The national version moves either way.

    Every loaded province gets its row with a change everywhere (loading regions is one); until then a
    province goes by the national version (versioned.data_version_key), so a province without a row is
    never warmer than it should be. Each row moves at least once per call, even when two calls make it at
    once."""
    now = timezone.now()
    if regions is None:
        provinces = {DataVersion.NATIONAL, *Region.objects.filter(level=1).values_list("code", flat=True)}
        DataVersion.objects.bulk_create(
            [DataVersion(province=p) for p in sorted(provinces)], ignore_conflicts=True
        )
        DataVersion.objects.update(version=F("version") + 1, changed_at=now)
        return
    wanted = {DataVersion.NATIONAL, *(p for p in map(province_of, regions) if p)}
    rows = DataVersion.objects.filter(province__in=wanted)
    if rows.update(version=F("version") + 1, changed_at=now) < len(wanted):
        # A row missing: made, then all moved again (one moved twice is as good as once; one that another
        # change made meanwhile must still be moved by this one).
        DataVersion.objects.bulk_create(
            [DataVersion(province=p) for p in sorted(wanted)], ignore_conflicts=True
        )
        rows.update(version=F("version") + 1, changed_at=now)


def _batches() -> list[dict]:
    from lindungdesa.imports.models import ImportBatch

    rows = ImportBatch.objects.filter(state=ImportBatch.State.DONE, dry_run=False).order_by("id")
    return [
        {
            "id": b.id,
            "kind": b.kind,
            "file_name": b.file_name,
            "as_of": b.as_of.isoformat()[:7] if b.as_of else None,
            "finished_at": b.finished_at.isoformat() if b.finished_at else None,
        }
        for b in rows.only("id", "kind", "file_name", "as_of", "finished_at")
    ]


def _without_nik_by_region(province: str, period: Month) -> dict[str, int]:
    """Per region under `province` (each desa and its ancestors), the people serving at the end of `period`
    with no NIK yet, each counted once however many seats they hold (as selectors.serving_without_nik)."""
    from lindungdesa.officials.models import Position, serving_on

    pairs = (
        Position.objects.filter(
            serving_on(period.last_day), under(province, "desa__code"), person__nik__isnull=True
        )
        .values_list("desa_id", "person_id")
        .distinct()
    )
    people: dict[str, set[int]] = {}
    for desa, person in pairs:
        code = desa
        while code:
            people.setdefault(code, set()).add(person)
            code = parent_of(code)
    return {code: len(ids) for code, ids in people.items()}


def _figures_of(period: Month, provinces: list[str], progress=None) -> list[RegionFigure]:
    """Every region's counts in `period`, each province computed as the dashboard computes it
    (selectors.desa_rows), so a snapshot made while nothing changes equals the live figures."""
    from .selectors import desa_rows

    figures: list[RegionFigure] = []
    for done, province in enumerate(provinces):
        regions = list(Region.objects.filter(under(province)).values_list("code", "level", "kind"))
        villages = [code for code, _, kind in regions if kind in Region.VILLAGE_KINDS]
        breakdown = aggregate(villages=villages, rows=desa_rows(province, period), parent_level=1)
        totals = rollup(regions=[code for code, _, _ in regions], desa=breakdown.desa)
        levels = {code: level for code, level, _ in regions}
        without_nik = _without_nik_by_region(province, period)
        for code, t in totals.items():
            figures.append(
                RegionFigure(
                    region_code=code,
                    parent_code=parent_of(code),
                    level=levels[code],
                    villages=t.villages,
                    villages_registered=t.villages_registered,
                    villages_fully_covered=t.villages_fully_covered,
                    aparat_serving=t.aparat_serving,
                    aparat_protected=t.aparat_protected,
                    bpd_serving=t.bpd_serving,
                    bpd_protected=t.bpd_protected,
                    serving_without_nik=without_nik.get(code, 0),
                )
            )
        if progress:
            progress(done + 1, len(provinces))
    return figures


def _store(snapshot: Snapshot, figures: list[RegionFigure], started: float) -> Snapshot:
    snapshot.figures.all().delete()
    for figure in figures:
        figure.snapshot = snapshot
    insert(RegionFigure, figures)  # half a snapshot's CPU with bulk_create (lib/inserts.py)
    snapshot.seconds = round(time.monotonic() - started, 2)
    snapshot.save(update_fields=["seconds"])
    return snapshot


def _keep_closing_without_nik(period: Month, figures: list[RegionFigure]) -> None:
    """Taken again after `period` ended, a snapshot keeps the without-NIK counts of the one it replaces if
    that one was also made after the month's end (the month's closing, tasks.snapshot_monthly): a NIK
    completed since must not change a past month's count. Other figures are recomputed, as they can be."""
    earlier = Snapshot.objects.filter(period=str(period), kind=Snapshot.Kind.MONTHLY).first()
    if earlier is None or timezone.localtime(earlier.made_at).date() <= period.last_day:
        return
    kept = dict(
        RegionFigure.objects.filter(snapshot=earlier, serving_without_nik__isnull=False).values_list(
            "region_code", "serving_without_nik"
        )
    )
    for figure in figures:
        if figure.region_code in kept:
            figure.serving_without_nik = kept[figure.region_code]


def snapshot_take(
    *, period: Month, user=None, progress: Callable[[int, int], None] | None = None
) -> Snapshot:
    """Compute every region's indicators for `period` and keep them as the month's snapshot, replacing an
    earlier one of the same month."""
    started = time.monotonic()
    version = data_version()
    # Read before computing, as the national one: a change committed meanwhile leaves its province stale.
    province_versions = province_version_keys()
    rule = StatusRule.for_period(period)
    provinces = list(Region.objects.filter(level=1).order_by("code").values_list("code", flat=True))
    figures = _figures_of(period, provinces, progress)
    with transaction.atomic():
        _keep_closing_without_nik(period, figures)
        snapshot, _ = Snapshot.objects.update_or_create(
            period=str(period),
            kind=Snapshot.Kind.MONTHLY,
            defaults={
                "made_at": timezone.now(),
                "made_by": user,
                "data_version": version,
                "province_versions": {p: key_in(province_versions, p) for p in provinces},
                "batches": _batches(),
                "grace_months": rule.grace_months,
                "regions": len(figures),
                "seconds": 0,
            },
        )
        _store(snapshot, figures, started)
    # After the transaction: listeners (monitoring rounds closing cases by evidence) read committed data.
    transaction.on_commit(lambda: snapshot_taken.send(sender=Snapshot, snapshot=snapshot))
    return snapshot


@transaction.atomic
def snapshot_freeze(*, period: Month, province: str, user=None) -> Snapshot:
    """A copy of one province's figures for `period` that nothing changes later (a monitoring round's)."""
    started = time.monotonic()
    snapshot = Snapshot.objects.create(
        period=str(period),
        kind=Snapshot.Kind.ROUND,
        made_at=timezone.now(),
        made_by=user,
        data_version=data_version(),
        batches=_batches(),
        grace_months=StatusRule.for_period(period).grace_months,
    )
    figures = _figures_of(period, [province])
    snapshot.regions = len(figures)
    snapshot.save(update_fields=["regions"])
    return _store(snapshot, figures, started)


@transaction.atomic
def target_set(
    *, region_code: str, indicator: str, year: int, value: Decimal | None, user=None, note: str = ""
) -> Target | None:
    """Set (or, with value None, remove) one target, keeping the change in the history."""
    if indicator not in Target.Indicator.values:
        raise ValueError(_("Indikator tidak dikenal: %(indicator)r.") % {"indicator": indicator})
    if value is not None and not Decimal(0) <= Decimal(value) <= Decimal(100):
        raise ValueError(_("Target harus antara 0 dan 100 %."))
    current = Target.objects.select_for_update().filter(
        region_code=region_code, indicator=indicator, year=year
    )
    target = current.first()
    old = target.value if target else None
    if value is None:
        if target is not None:
            target.delete()
        result = None
    elif target is None:
        result = Target.objects.create(
            region_code=region_code, indicator=indicator, year=year, value=value, source=note
        )
    else:
        target.value = value
        if note:
            target.source = note
        target.save()
        result = target
    new = Decimal(value) if value is not None else None
    if old != new:
        TargetChange.objects.create(
            region_code=region_code,
            indicator=indicator,
            year=year,
            old_value=old,
            new_value=new,
            note=note,
            changed_by=user,
        )
    return result


@transaction.atomic
def ucj_set(
    *,
    region_code: str,
    year: int,
    working_population: int,
    participants: int,
    numerator: str = UcjFigure.Numerator.UNKNOWN,
    source: str = "",
    user=None,
) -> UcjFigure:
    if working_population <= 0:
        raise ValueError(_("Jumlah penduduk bekerja harus lebih dari 0."))
    if participants < 0:
        raise ValueError(_("Jumlah peserta tidak boleh negatif."))
    figure, _created = UcjFigure.objects.update_or_create(
        region_code=region_code,
        year=year,
        defaults={
            "working_population": working_population,
            "participants": participants,
            "numerator": numerator,
            "source": source,
            "updated_by": user,
        },
    )
    return figure


# UCJ figures from a file -----------------------------------------------------------------------------------

UCJ_FIELDS = (
    Field(
        "kode_wilayah",
        "Kode wilayah",
        True,
        ("kode", "kode kabupaten", "kode kab kota", "kode wilayah kemendagri"),
    ),
    Field(
        "nama_wilayah", "Nama wilayah", False, ("kabupaten", "kabupaten kota", "nama kabupaten", "wilayah")
    ),
    Field("tahun", "Tahun", True, ("thn", "tahun data")),
    Field(
        "penduduk_bekerja",
        "Penduduk bekerja",
        True,
        (
            "jumlah penduduk bekerja",
            "angkatan kerja bekerja",
            "pekerja",
            "jumlah pekerja",
            "penduduk yang bekerja",
        ),
    ),
    Field(
        "peserta",
        "Peserta BPJS Ketenagakerjaan",
        True,
        ("peserta aktif", "jumlah peserta", "peserta bpjs", "peserta bpjs tk", "tenaga kerja terlindungi"),
    ),
    Field("definisi", "Definisi peserta", False, ("jenis peserta", "keterangan peserta")),
    Field("sumber", "Sumber", False, ("sumber data", "keterangan")),
)
NUMERATOR_WORDS = {
    "aktif": UcjFigure.Numerator.ACTIVE,
    "peserta aktif": UcjFigure.Numerator.ACTIVE,
    "terdaftar": UcjFigure.Numerator.REGISTERED,
    "semua": UcjFigure.Numerator.REGISTERED,
    "": UcjFigure.Numerator.UNKNOWN,
    "belum pasti": UcjFigure.Numerator.UNKNOWN,
    "belum_pasti": UcjFigure.Numerator.UNKNOWN,
}


@dataclass
class UcjImportResult:
    total_rows: int = 0
    saved: int = 0
    unchanged: int = 0
    skipped: int = 0  # rows whose figures were left blank (the template lists every region)
    errors: list[tuple[int, str, str]] = dataclass_field(default_factory=list)  # (row, field, message)
    failed: str | None = None  # why the file as a whole could not be read


def _whole_number(cell, label: str, example: str) -> int:
    """A count or a year: said as one, not with the rupiah amounts' examples of `parse_amount`."""
    if is_blank(cell):
        raise CellError(
            _("%(label)s kosong: isi bilangan bulat, mis. %(example)s.")
            % {"label": label, "example": example}
        )
    try:
        amount = parse_amount(cell)
    except CellError:
        raise CellError(
            _("%(label)s “%(value)s” tidak dikenali: tulis bilangan bulat, mis. %(example)s.")
            % {"label": label, "value": str(cell)[:40], "example": example}
        ) from None
    if amount != amount.to_integral_value():
        raise CellError(
            _("%(label)s harus bilangan bulat, bukan %(amount)s.") % {"label": label, "amount": amount}
        )
    return int(amount)


@transaction.atomic
def ucj_import_file(
    *, data: bytes, file_name: str, user=None, allowed: Callable[[str], bool] | None = None
) -> UcjImportResult:
    """UCJ figures from a CSV or XLSX file, one row per region and year.

    Rows with an error are reported (row number as the user sees it, field, message) and skipped; the
    valid rows are saved together, or none are when the file cannot be read.
    """
    result = UcjImportResult()
    try:
        table = read_table(data, file_name, header_hint=lambda cells: header_score(cells, UCJ_FIELDS))
    except UnreadableFile as exc:
        result.failed = str(exc)
        return result
    match = match_headers(table.headers, UCJ_FIELDS)
    missing = sorted({f.name for f in UCJ_FIELDS if f.required} - set(match.mapping.values()))
    if missing:
        result.failed = _("Kolom wajib tidak ditemukan: %(missing)s.") % {"missing": ", ".join(missing)}
        return result
    known = set(Region.objects.filter(level__lte=2).values_list("code", flat=True))
    seen: dict[tuple[str, int], int] = {}
    for row_number, cells in table.rows:
        result.total_rows += 1
        values = {name: cells[i] if i < len(cells) else None for i, name in match.mapping.items()}
        if is_blank(values.get("penduduk_bekerja")) and is_blank(values.get("peserta")):
            result.skipped += 1  # a region of the template not filled in: nothing to save, nothing wrong
            continue
        problems: list[tuple[str, str]] = []
        code = str(values.get("kode_wilayah") or "").strip()
        if code not in known:
            problems.append(
                (
                    "kode_wilayah",
                    _("Kode wilayah %(code)r tidak dikenal (provinsi atau kabupaten/kota).") % {"code": code},
                )
            )
        elif allowed is not None and not allowed(code):
            problems.append(
                ("kode_wilayah", _("Anda tidak berwenang mengisi angka UCJ %(code)s.") % {"code": code})
            )
        year = population = participants = None
        try:
            year = _whole_number(values.get("tahun"), _("Tahun"), "2026")
            if not 2000 <= year <= 2100:
                raise CellError(_("Tahun %(year)s di luar 2000–2100.") % {"year": year})
        except CellError as exc:
            problems.append(("tahun", str(exc)))
        for name, label, example in (
            ("penduduk_bekerja", _("Penduduk bekerja"), "215.000"),
            ("peserta", _("Peserta"), "48.500"),
        ):
            try:
                number = _whole_number(values.get(name), label, example)
                if number < 0 or (name == "penduduk_bekerja" and number == 0):
                    raise CellError(_("%(label)s harus lebih dari 0.") % {"label": label})
            except CellError as exc:
                problems.append((name, str(exc)))
            else:
                if name == "penduduk_bekerja":
                    population = number
                else:
                    participants = number
        if population and participants is not None and participants > population:
            problems.append(("peserta", _("Peserta melebihi penduduk bekerja.")))
        word = str(values.get("definisi") or "").strip().lower()
        numerator = NUMERATOR_WORDS.get(word)
        if numerator is None:
            problems.append(("definisi", _("Definisi peserta harus 'aktif', 'terdaftar' atau kosong.")))
        if not problems and (code, year) in seen:
            problems.append(
                (
                    "baris",
                    _("Wilayah dan tahun yang sama sudah ada di baris %(row)s.")
                    % {"row": seen[(code, year)]},
                )
            )
        if problems:
            result.errors.extend((row_number, f, m) for f, m in problems)
            continue
        seen[(code, year)] = row_number
        source = str(values.get("sumber") or "").strip()[:500]
        current = UcjFigure.objects.filter(region_code=code, year=year).first()
        if current and (
            current.working_population,
            current.participants,
            current.numerator,
            current.source,
        ) == (
            population,
            participants,
            numerator,
            source or current.source,
        ):
            result.unchanged += 1
            continue
        ucj_set(
            region_code=code,
            year=year,
            working_population=population,
            participants=participants,
            numerator=numerator,
            source=source or (current.source if current else _("Impor %(file)s") % {"file": file_name}),
            user=user,
        )
        result.saved += 1
    return result
