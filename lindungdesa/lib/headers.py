"""Tolerant matching of column headers onto the fields an import understands.

Headers are compared after normalisation (case, spaces, punctuation, accents, "Tgl" = "Tanggal",
"No" = "Nomor"), so "No. KTP", "NO_KTP" and "Nomor KTP" are one and the same header.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # Indonesian, as shown on the mapping page and in messages
    required: bool
    synonyms: tuple[str, ...]  # other headers people use; the name and the label always match too


@dataclass
class HeaderMatch:
    mapping: dict[int, str]  # column index -> field name
    unknown: list[tuple[int, str]]  # columns with a header that matched nothing
    missing: list[str]  # required fields that no column provides
    duplicates: list[str]  # fields claimed by more than one column; mapping keeps the first
    # Columns recognised as irrelevant ("No", "Agama", "Foto" ...) or left out by the user.
    ignored: list[tuple[int, str]] = field(default_factory=list)


# Canonical roster template (docs/domain.md §7), plus what OpenSID's downloads carry.
ROSTER_FIELDS: tuple[Field, ...] = (
    Field(
        "kode_desa",
        "Kode desa",
        True,
        (
            "kode desa kemendagri",
            "kode kemendagri",
            "kode wilayah",
            "kode wilayah desa",
            "kode desa kelurahan",
            "kode",
            "kode desa permendagri",
            "kd desa",
            "id desa",
        ),
    ),
    Field("nama_desa", "Nama desa", False, ("desa", "desa kelurahan", "nama desa kelurahan", "nama wilayah")),
    Field(
        "nik",
        "NIK",
        True,
        (
            "nomor ktp",
            "nik ktp",
            "ktp",
            "nomor nik",
            "nomor induk kependudukan",
            "nik aparat",
            "nik perangkat",
            "nik anggota",
            "nik pejabat",
            "nik 16 digit",
        ),
    ),
    Field(
        "nama",
        "Nama",
        True,
        (
            "nama lengkap",
            "nama aparat",
            "nama perangkat",
            "nama perangkat desa",
            "nama pejabat",
            "nama anggota",
            "nama anggota bpd",
            "nama pegawai",
            "nama lengkap dan gelar",
            "nama dan gelar",
            "nama lengkap gelar",
        ),
    ),
    Field(
        "jenis_kelamin",
        "Jenis kelamin",
        False,
        ("jk", "l p", "kelamin", "sex", "gender", "jns kelamin", "kelamin l p"),
    ),
    Field("tanggal_lahir", "Tanggal lahir", False, ("lahir", "tanggal kelahiran")),
    Field(
        "tempat_tanggal_lahir",
        "Tempat, tanggal lahir",
        False,
        ("tempat tanggal lahir", "ttl", "tempat dan tanggal lahir", "tempat lahir tanggal lahir"),
    ),
    Field(
        "kelompok",
        "Kelompok (APARAT/BPD)",
        False,
        ("unsur", "kelompok jabatan", "golongan jabatan", "aparat bpd"),
    ),
    Field(
        "jabatan",
        "Jabatan",
        True,
        ("nama jabatan", "jabatan aparat", "jabatan perangkat", "jabatan di bpd", "jabatan bpd", "posisi"),
    ),
    Field("nama_dusun", "Nama dusun", False, ("dusun", "nama dusun lingkungan", "wilayah dusun", "unit")),
    Field(
        "status_jabatan", "Status jabatan (Definitif/Pj/Plt)", False, ("definitif pj plt", "sifat jabatan")
    ),
    Field(
        "nomor_sk",
        "Nomor SK",
        False,
        (
            "sk",
            "nomor sk pengangkatan",
            "sk pengangkatan",
            "nomor sk jabatan",
            "sk jabatan",
            "nomor keputusan",
            "nomor sk kepala desa",
            "nomor surat keputusan",
        ),
    ),
    Field(
        "tanggal_sk",
        "Tanggal SK",
        False,
        ("tanggal sk pengangkatan", "tanggal sk jabatan", "tanggal keputusan", "tanggal surat keputusan"),
    ),
    Field(
        "nomor_tanggal_sk",
        "Nomor dan tanggal SK",
        False,
        (
            "nomor dan tanggal keputusan pengangkatan",
            "nomor dan tanggal sk",
            "nomor dan tanggal sk pengangkatan",
            "nomor tanggal sk",
            "nomor dan tanggal keputusan",
        ),
    ),
    Field(
        "nomor_tanggal_henti",
        "Nomor dan tanggal SK pemberhentian",
        False,
        (
            "nomor dan tanggal keputusan pemberhentian",
            "nomor dan tanggal sk pemberhentian",
            "nomor tanggal sk pemberhentian",
        ),
    ),
    Field(
        "mulai_menjabat",
        "Mulai menjabat",
        False,
        (
            "mulai",
            "tmt",
            "tmt jabatan",
            "tmt menjabat",
            "tanggal mulai",
            "tanggal mulai menjabat",
            "tanggal mulai jabatan",
            "mulai jabatan",
            "awal menjabat",
            "awal jabatan",
            "tanggal pelantikan",
            "tanggal dilantik",
            "mulai masa jabatan",
            "awal masa jabatan",
        ),
    ),
    Field(
        "akhir_menjabat",
        "Akhir menjabat",
        False,
        (
            "akhir",
            "akhir jabatan",
            "akhir masa jabatan",
            "tanggal akhir",
            "tanggal akhir jabatan",
            "tanggal berakhir",
            "berakhir",
            "selesai menjabat",
            "tanggal selesai",
            "tanggal berhenti",
            "tmt berhenti",
            "sampai",
        ),
    ),
    Field(
        "masa_jabatan",
        "Masa jabatan (teks)",
        False,
        (
            "masa periode jabatan",
            "periode jabatan",
            "periode",
            "masa jabatan usia periode",
            "keterangan periode masa jabatan",
            "masa bakti",
        ),
    ),
    Field(
        "penghasilan_bulanan",
        "Penghasilan bulanan",
        False,
        (
            "penghasilan",
            "penghasilan tetap",
            "siltap",
            "gaji",
            "gaji pokok",
            "upah",
            "penghasilan tetap siltap",
            "siltap dan tunjangan",
            "siltap tunjangan",
            "penghasilan per bulan",
            "gaji per bulan",
            "honor",
            "honorarium",
            "tunjangan",
            "penghasilan bulanan rp",
        ),
    ),
    Field(
        "no_hp",
        "Nomor HP",
        False,
        (
            "hp",
            "nomor hp wa",
            "hp wa",
            "telepon",
            "telp",
            "nomor telepon",
            "nomor telp",
            "nomor wa",
            "whatsapp",
            "wa",
            "handphone",
            "kontak",
        ),
    ),
    Field("status_aktif", "Status (Aktif/Tidak Aktif)", False, ("status", "status aktif", "status pamong")),
)

# BPJS TK participant extract (docs/domain.md §7); branch extracts vary.
BPJS_FIELDS: tuple[Field, ...] = (
    Field(
        "nik",
        "NIK",
        True,
        (
            "nomor ktp",
            "nik ktp",
            "ktp",
            "nomor induk kependudukan",
            "nik peserta",
            "nik tenaga kerja",
            "nomor identitas",
        ),
    ),
    Field(
        "nama", "Nama", True, ("nama lengkap", "nama peserta", "nama tenaga kerja", "nama tk", "nama pekerja")
    ),
    Field(
        "kpj",
        "Nomor KPJ",
        False,
        (
            "nomor kpj",
            "kpj",
            "nomor peserta",
            "nomor kartu",
            "nomor kartu peserta",
            "nomor kepesertaan",
            "nomor kartu kpj",
            "kartu peserta",
        ),
    ),
    Field("tanggal_lahir", "Tanggal lahir", False, ("lahir", "tanggal kelahiran", "tanggal lahir peserta")),
    Field(
        "program",
        "Program",
        True,
        (
            "program",
            "program bpjs",
            "jenis program",
            "program kepesertaan",
            "program yang diikuti",
            "program diikuti",
        ),
    ),
    Field(
        "kategori",
        "Kategori (PU/BPU)",
        False,
        (
            "kategori peserta",
            "segmen",
            "segmen kepesertaan",
            "jenis kepesertaan",
            "pu bpu",
            "kategori kepesertaan",
        ),
    ),
    Field(
        "upah",
        "Upah",
        False,
        (
            "upah dilaporkan",
            "upah terakhir",
            "gaji",
            "penghasilan",
            "upah penghasilan",
            "upah sebulan",
            "upah rp",
        ),
    ),
    Field(
        "tanggal_kepesertaan",
        "Tanggal kepesertaan",
        False,
        (
            "tmt kepesertaan",
            "tanggal terdaftar",
            "tanggal daftar",
            "tanggal registrasi",
            "tanggal mulai kepesertaan",
            "tanggal kepesertaan awal",
            "mulai kepesertaan",
            "tanggal keps",
            "tmt",
        ),
    ),
    Field(
        "bulan_iuran_terakhir",
        "Bulan iuran terakhir",
        True,
        (
            "iuran terakhir",
            "periode iuran",
            "periode iuran terakhir",
            "bulan terakhir bayar",
            "bulan terakhir iuran",
            "blth iuran terakhir",
            "blth iuran",
            "bulan iuran",
            "bayar sampai",
            "lunas sampai",
            "iuran sampai",
            "iuran terakhir bulan",
            "bulan tahun iuran terakhir",
            "periode bayar terakhir",
        ),
    ),
    Field(
        "status",
        "Status",
        False,
        ("status kepesertaan", "status peserta", "status aktif", "status keaktifan", "keaktifan"),
    ),
    Field(
        "kode_desa",
        "Kode desa",
        False,
        ("kode desa kemendagri", "kode kemendagri", "kode wilayah", "kd desa"),
    ),
)

# Columns that official exports carry and no import needs: recognised so that they do not count as unknown.
_IRRELEVANT = {
    "nomor",
    "nomor urut",
    "urut",
    "aksi",
    "foto",
    "keterangan",
    "ket",
    "umur",
    "umur tahun",
    "usia",
    "agama",
    "pendidikan",
    "pendidikan terakhir",
    "alamat",
    "nip",
    "niap",
    "nipd",
    "pangkat golongan",
    "pangkat",
    "golongan",
    "nomor anggota",
    "tempat lahir",
    "nomor sk pemberhentian",
    "tanggal sk pemberhentian",
    "nomor sk berhenti",
    "email",
}

# Short forms that mean the same word; applied to headers and synonyms alike.
_WORDS = {
    "tgl": "tanggal",
    "tg": "tanggal",
    "no": "nomor",
    "nmr": "nomor",
    "nomer": "nomor",
    "num": "nomor",
    "kd": "kode",
    "nm": "nama",
    "thn": "tahun",
    "jns": "jenis",
    "telpon": "telepon",
    "tlp": "telp",
    "sekertaris": "sekretaris",
}


def normalise_header(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces: "No. KTP" -> "no ktp"."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " dan ").replace("_", " ")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _canonical(text: str) -> str:
    return " ".join(_WORDS.get(word, word) for word in normalise_header(text).split())


def _variants(header: str) -> list[str]:
    """The header itself, then without notes: "Tanggal Lahir (HH/BB/TTTT)", "NIK: 16 digit", "Nama *"."""
    found = [_canonical(header)]
    shorter = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", header)
    found.append(_canonical(shorter))
    found.append(_canonical(re.split(r"[*:]", shorter, maxsplit=1)[0]))
    return [v for v in dict.fromkeys(found) if v]


@functools.lru_cache(maxsize=16)
def _index_for(fields: tuple[Field, ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for f in fields:
        for text in (f.name, f.label, *f.synonyms):
            for variant in _variants(text):
                index.setdefault(variant, f.name)
                index.setdefault(variant.replace(" ", ""), f.name)
    return index


_IRRELEVANT_KEYS = {_canonical(text) for text in _IRRELEVANT} | {
    _canonical(t).replace(" ", "") for t in _IRRELEVANT
}


def _field_of(header: str, index: dict[str, str]) -> str | None:
    for variant in _variants(header):
        if variant in index:
            return index[variant]
        if variant.replace(" ", "") in index:
            return index[variant.replace(" ", "")]
    return None


def _is_irrelevant(header: str) -> bool:
    return any(v in _IRRELEVANT_KEYS or v.replace(" ", "") in _IRRELEVANT_KEYS for v in _variants(header))


def match_headers(
    headers: list[str], fields: tuple[Field, ...], *, overrides: dict[int, str] | None = None
) -> HeaderMatch:
    """Which column holds which field. `overrides` is the user's choice on the mapping page (column index ->
    field name, or "" to leave a column out) and wins over what the headers say."""
    names = {f.name for f in fields}
    overrides = overrides or {}
    for column, name in overrides.items():
        if name and name not in names:
            raise ValueError(f"Unknown field {name!r} for column {column}")
    index = _index_for(fields)
    chosen = {name for name in overrides.values() if name}
    claims: dict[str, list[int]] = {}
    unknown: list[tuple[int, str]] = []
    ignored: list[tuple[int, str]] = []
    for column, header in enumerate(headers):
        text = "" if header is None else str(header).strip()
        if column in overrides:
            name = overrides[column]
            if name:
                claims.setdefault(name, []).append(column)
            else:
                ignored.append((column, text))
            continue
        if not text:
            continue
        name = _field_of(text, index)
        if name is not None and name not in chosen:
            claims.setdefault(name, []).append(column)
        elif name is None and not _is_irrelevant(text):
            unknown.append((column, text))
        else:
            ignored.append((column, text))
    mapping = {columns[0]: name for name, columns in claims.items()}
    return HeaderMatch(
        mapping=dict(sorted(mapping.items())),
        unknown=unknown,
        missing=[f.name for f in fields if f.required and f.name not in claims],
        duplicates=[f.name for f in fields if len(claims.get(f.name, ())) > 1],
        ignored=ignored,
    )


def header_score(headers: list[str], fields: tuple[Field, ...]) -> int:
    """Number of distinct fields these cells name: how much a row looks like the header row."""
    index = _index_for(fields)
    found = set()
    for header in headers:
        text = "" if header is None else str(header).strip()
        if text and len(text) <= 80 and (name := _field_of(text, index)) is not None:
            found.add(name)
    return len(found)
