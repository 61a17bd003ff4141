"""What a roster and a BPJS extract must look like, written once: the format page (`imports/format/`), the
instructions sheet of each template and docs/imports.md ("Format daftar aparat dan BPD", "Format ekstrak
BPJS") say the same. The header synonyms come from `lib.headers`, where the importer reads them.

Each column: its name (the template's header), whether the file must have it, what a cell may hold (with
the variants read), an example, and what happens to a row whose cell is empty or wrong.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lindungdesa.lib.headers import BPJS_FIELDS, ROSTER_FIELDS, Field


@dataclass(frozen=True)
class Column:
    name: str
    required: bool  # the file must have the column (else the mapping step asks for it)
    values: str  # what a cell may hold
    example: str
    when_wrong: str  # what happens to the row when the cell is empty or unreadable

    def synonyms(self, fields: tuple[Field, ...]) -> tuple[str, ...]:
        found = next((f for f in fields if f.name == self.name), None)
        return (str(found.label), *found.synonyms) if found else ()


ROSTER_FORMAT: tuple[Column, ...] = (
    Column(
        "kode_desa",
        True,
        _(
            "Kode Kemendagri desa, 10 digit dengan atau tanpa titik. Tidak perlu bila desa dipilih pada "
            "halaman impor (operator desa: desanya sendiri), seperti untuk unduhan OpenSID."
        ),
        "61.03.01.2007",
        _("Ditolak: kode tidak dikenal, di luar wilayah Anda, atau sebuah kelurahan."),
    ),
    Column(
        "nama_desa",
        False,
        _('Nama desa; bila diisi dicocokkan dengan kode (awalan "Desa" boleh).'),
        "Penyeladi",
        _("Ditolak bila tidak cocok dengan kode desa."),
    ),
    Column(
        "nik",
        False,
        _(
            "Kolomnya boleh tidak ada bila setiap baris punya nama dan tanggal lahir (mis. Buku Aparat "
            "Pemerintah Desa dari OpenSID). 16 digit, kolom berformat Teks. NIK yang disimpan Excel sebagai "
            "angka (digit terakhir menjadi 0, atau 6,10301E+15) tidak ditebak; NIK di sel angka yang digit "
            "terakhirnya bukan 0 masih utuh dan diterima dengan peringatan agar kolomnya dijadikan Teks."
        ),
        "6103011203750003",
        _(
            "Ditolak bila salah bentuk, rusak, atau bertentangan dengan tanggal lahir atau jenis kelamin. "
            "Kosong: diterima dengan peringatan bila nama dan tanggal lahir ada."
        ),
    ),
    Column(
        "nama",
        True,
        _('Nama lengkap, gelar boleh ("Hj.", ", S.Pd" tidak dianggap nama lain).'),
        "Yohanes Antonius, S.Pd",
        _("Ditolak bila kosong, atau bila NIK-nya sudah tercatat dengan nama lain."),
    ),
    Column(
        "jenis_kelamin",
        False,
        _("L atau P; juga Laki-laki, Perempuan, Pria, Wanita, 1, 2."),
        "L",
        _(
            "Kosong: dibaca dari NIK. Tidak terbaca: diabaikan dengan peringatan. Ditolak bila bertentangan "
            "dengan NIK."
        ),
    ),
    Column(
        "tanggal_lahir",
        False,
        _(
            'HH/BB/TTTT; juga HH-BB-TTTT, "12 Maret 1975", sel tanggal Excel. Kolom "Tempat, tanggal '
            'lahir" ("Sanggau, 12-03-1975") juga dibaca.'
        ),
        "12/03/1975",
        _(
            "Dengan NIK: kosong dibaca dari NIK, tidak terbaca diabaikan dengan peringatan, ditolak bila "
            "bertentangan dengan NIK. Tanpa NIK, nama dan tanggal lahir mengenali orangnya: ditolak bila "
            "kosong atau tidak terbaca."
        ),
    ),
    Column(
        "kelompok",
        False,
        _("APARAT atau BPD (juga Perangkat Desa, Pemerintah Desa, Badan Permusyawaratan Desa)."),
        "APARAT",
        _(
            "Kosong: dibaca dari jabatan. Tidak terbaca: diabaikan dengan peringatan. Ditolak bila tidak "
            "cocok dengan jabatan."
        ),
    ),
    Column(
        "jabatan",
        True,
        _(
            "Kepala Desa, Sekretaris Desa, Kaur TU dan Umum, Kaur Keuangan, Kaur Perencanaan, Kasi "
            "Pemerintahan, Kasi Kesejahteraan, Kasi Pelayanan, Kepala Dusun, Ketua BPD, Wakil Ketua BPD, "
            'Sekretaris BPD, Anggota BPD. Ditulis bebas: "KAUR TATA USAHA DAN UMUM", "Kadus II", '
            '"Kepala Dusun Sungai Ringin", "Sekdes"; awalan Pj atau Plt untuk penjabat atau pelaksana '
            'tugas. "Ketua"/"Anggota" saja hanya dengan kelompok BPD (atau dalam daftar anggota '
            "lembaga dari OpenSID)."
        ),
        "Kepala Dusun Sungai Ringin",
        _(
            "Ditolak bila kosong atau bukan salah satu jabatan di atas (mis. Staf Desa, Operator Desa, "
            "Ketua RT): pesannya menyebut daftar jabatan."
        ),
    ),
    Column(
        "nama_dusun",
        False,
        _('Untuk kepala dusun: nama dusunnya (atau ditulis dalam jabatan: "Kepala Dusun Sungai Ringin").'),
        "Sungai Ringin",
        _(
            "Kosong untuk kepala dusun: diterima dengan peringatan; setiap kepala dusun tanpa nama dusun "
            "dihitung satu kursi sendiri."
        ),
    ),
    Column(
        "status_jabatan",
        False,
        _("Definitif (atau kosong), Pj, Plt (Plh dihitung Plt)."),
        "Definitif",
        _(
            "Tidak terbaca: diabaikan dengan peringatan (Definitif). Ditolak: Pj selain kepala desa, Pj atau "
            "Plt di BPD."
        ),
    ),
    Column(
        "nomor_sk",
        False,
        _(
            'Nomor SK pengangkatan. Kolom OpenSID "Nomor dan Tanggal Keputusan Pengangkatan" '
            '("141/01/PEM/2019, 12-03-2019"; "-" untuk tanggal kosong) juga dibaca.'
        ),
        "141/01/PEM/2019",
        _("Boleh kosong. Tidak terbaca (terlalu panjang): diabaikan dengan peringatan."),
    ),
    Column(
        "tanggal_sk",
        False,
        _("Tanggal SK pengangkatan, HH/BB/TTTT."),
        "12/03/2019",
        _("Tidak terbaca: diabaikan dengan peringatan."),
    ),
    Column(
        "mulai_menjabat",
        False,
        _(
            'Awal masa jabatan, HH/BB/TTTT. Kosong: tanggal SK dipakai; teks "2019 s/d 2027" dari '
            "kolom masa jabatan OpenSID juga dibaca."
        ),
        "12/03/2019",
        _("Ditolak bila tidak terbaca, atau bila kosong dan tanggal SK juga kosong."),
    ),
    Column(
        "akhir_menjabat",
        False,
        _(
            "Akhir masa jabatan, HH/BB/TTTT; kosong bila belum ditetapkan. Tanggal SK pemberhentian "
            "(OpenSID) mengakhiri masa jabatan."
        ),
        "11/03/2027",
        _("Ditolak bila tidak dikenali, sebelum awal masa jabatan, atau melewati batas masa jabatan."),
    ),
    Column(
        "penghasilan_bulanan",
        False,
        _("Rupiah sebulan: 2426640, 2.426.640, Rp 2.426.640,00."),
        "2426640",
        _("Kosong: dihitung 0. Tidak terbaca atau negatif: diabaikan dengan peringatan."),
    ),
    Column(
        "no_hp",
        False,
        _("Nomor HP Indonesia, 08… atau +62…"),
        "081234567801",
        _("Bukan nomor yang sah: diabaikan dengan peringatan."),
    ),
)

BPJS_FORMAT: tuple[Column, ...] = (
    Column(
        "nik",
        True,
        _("NIK peserta, 16 digit, kolom berformat Teks."),
        "6103011203750003",
        _(
            "Ditolak bila kosong, salah bentuk, atau rusak karena tersimpan sebagai angka (sel angka dengan "
            "digit terakhir bukan 0 masih utuh: diterima dengan peringatan)."
        ),
    ),
    Column(
        "nama",
        True,
        _("Nama peserta seperti tercatat di BPJS Ketenagakerjaan."),
        "YOHANES ANTONIUS",
        _("Ditolak bila kosong."),
    ),
    Column(
        "kpj",
        False,
        _("Nomor KPJ (nomor kartu peserta), angka saja; spasi, titik dan tanda hubung dibuang."),
        "19012345678",
        _(
            "Kosong: peserta dikenali dari NIK dan tanggal kepesertaan. Ditolak bila bukan angka atau rusak "
            "(tersimpan sebagai angka). Peringatan bila panjangnya bukan 11 digit."
        ),
    ),
    Column(
        "tanggal_lahir",
        False,
        _("Tanggal lahir peserta, HH/BB/TTTT atau sel tanggal."),
        "12/03/1975",
        _(
            "Boleh kosong; dipakai untuk mengusulkan pasangan dengan aparat yang NIK-nya lain atau belum "
            "ada. Tidak terbaca: diabaikan dengan peringatan."
        ),
    ),
    Column(
        "program",
        True,
        _("Program yang diikuti: JKK, JKM, JHT, JP, dipisah koma, spasi, garis miring atau +."),
        "JKK,JKM",
        _("Ditolak bila kosong, tidak dikenali, atau JKP (tidak berlaku bagi aparat desa dan BPD)."),
    ),
    Column(
        "kategori",
        False,
        _("PU (penerima upah) atau BPU (bukan penerima upah); juga PPU, PBPU dan nama lengkapnya."),
        "PU",
        _("Kosong: PU. Tidak terbaca: diabaikan dengan peringatan (dihitung PU)."),
    ),
    Column(
        "upah",
        False,
        _("Upah yang dilaporkan sebulan, rupiah: 2426640, 2.426.640, Rp 2.426.640,00."),
        "2426640",
        _("Kosong: 0. Tidak terbaca atau negatif: diabaikan dengan peringatan (0)."),
    ),
    Column(
        "tanggal_kepesertaan",
        True,
        _("Tanggal mulai menjadi peserta, HH/BB/TTTT atau sel tanggal."),
        "01/01/2020",
        _("Ditolak bila kosong, tidak dikenali, atau sesudah bulan ekstrak."),
    ),
    Column(
        "bulan_iuran_terakhir",
        True,
        _(
            'Bulan terakhir yang iurannya lunas: TTTT-BB (2026-10), BB-TTTT, "Okt 2026", 202610 atau sel '
            "tanggal."
        ),
        "2026-10",
        _("Kolom wajib ada; sel boleh kosong (belum pernah membayar). Ditolak bila melewati bulan ekstrak."),
    ),
    Column(
        "status",
        False,
        _("AKTIF atau NONAKTIF (juga Aktif, Tidak Aktif, 1, 0)."),
        "AKTIF",
        _("Boleh kosong. Ditolak bila tidak dikenali."),
    ),
    Column(
        "kode_desa",
        False,
        _("Kode Kemendagri desa tempat peserta bekerja, bila cabang mencatatnya."),
        "61.03.01.2007",
        _("Ditolak bila tidak dikenali atau di luar wilayah pengunggah."),
    ),
)

# Rows of a roster, by the row policy (docs/imports.md): refused only when the row cannot become a correct
# record; what is merely incomplete is taken with a warning naming the row, the column and what to complete.
ROSTER_REFUSED = (
    _(
        "Tanpa identitas: nama kosong, atau tidak ada NIK dan tidak ada tanggal lahir yang terbaca (orangnya "
        "tidak dapat dibedakan)."
    ),
    _(
        "NIK salah bentuk atau rusak (mis. tersimpan sebagai angka), atau bertentangan dengan tanggal lahir "
        "atau jenis kelamin yang diisi."
    ),
    _("Jabatan kosong atau di luar daftar (mis. Staf Desa, Operator Desa, Camat); kelompok tidak cocok."),
    _("Desa kosong, tidak dikenal, sebuah kelurahan, atau di luar wilayah Anda; nama desa tidak cocok."),
    _(
        "Masa jabatan tidak jelas: tanpa mulai menjabat maupun tanggal SK; akhir menjabat tidak terbaca atau "
        "sebelum awalnya; melebihi batas masa jabatan; Pj selain kepala desa; Pj/Plt di BPD; tidak aktif "
        "tanpa tanggal berhenti."
    ),
    _(
        "Bertentangan dengan data yang ada: NIK tercatat dengan nama, tanggal lahir atau jenis kelamin lain; "
        "kursi satu orang masih dijabat; dua jabatan perangkat definitif sekaligus; anggota BPD yang juga "
        "perangkat desa; NIK yang hanya tercatat di luar wilayah Anda."
    ),
    _("Orang, desa, jabatan dan dusun yang sama dua kali dalam satu berkas."),
)
ROSTER_WARNED = (
    _(
        'NIK kosong (atau "-", "belum ada"), dengan nama dan tanggal lahir: orang itu tercatat menjabat, '
        'dengan tanda "NIK belum ada".'
    ),
    _("Kepala dusun tanpa nama dusun."),
    _(
        "Jenis kelamin, tanggal lahir (bila NIK ada), kelompok, dusun, status jabatan, nomor atau tanggal "
        "SK, penghasilan atau nomor HP yang tidak terbaca: nilainya diabaikan."
    ),
    _("Nomor HP tidak diubah karena orang itu juga menjabat di wilayah lain."),
    _("Unduhan OpenSID yang judulnya menyebut desa lain dari desa yang dipilih."),
)

# Rows of a BPJS extract: refused (the row is not taken, the others are) and warned (taken, with a note).
BPJS_REFUSED = (
    _("NIK kosong, salah bentuk atau rusak; nama kosong; program kosong, tidak dikenali, atau JKP."),
    _("Tanggal kepesertaan kosong atau tidak terbaca; nomor KPJ bukan angka; status tidak dikenali."),
    _("Iuran lunas sampai bulan sesudah bulan ekstrak, atau kepesertaan dimulai sesudahnya."),
    _(
        "Peserta di luar wilayah pengunggah (menurut daftar aparat, kode desa, atau kecamatan pada NIK); "
        "kode desa tidak dikenal."
    ),
    _("Baris yang sama (KPJ, atau NIK dan tanggal kepesertaan) dua kali dalam satu berkas."),
)
BPJS_WARNED = (
    _("Nomor KPJ yang panjangnya bukan 11 digit (panjang resminya belum dipastikan)."),
    _("Tanggal lahir, kategori atau upah yang tidak terbaca: nilainya diabaikan."),
)
BPJS_NOTES = (
    _(
        "Satu baris per peserta; satu berkas untuk satu bulan, yang dipilih pada halaman impor (Bulan "
        "ekstrak BPJS; --as-of pada baris perintah)."
    ),
    _(
        "Judul di atas tabel, baris kosong dan beberapa lembar kerja boleh; judul kolom boleh memakai "
        "sinonim."
    ),
    _("Ekstrak yang lebih lama dari yang sudah diimpor tidak menimpa data yang lebih baru (baris tetap)."),
    _(
        "Peserta yang NIK-nya ada di daftar aparat/BPD langsung dihubungkan; yang lain diusulkan menurut "
        "nama dan tanggal lahir untuk dikonfirmasi."
    ),
)


def bpjs_example_rows() -> list[list]:
    """The example row of the template (not a real person: the NIK of the roster golden files)."""
    import datetime

    return [
        [
            "6103011203750003",
            "YOHANES ANTONIUS",
            "19012345678",
            datetime.date(1975, 3, 12),
            "JKK,JKM",
            "PU",
            2426640,
            datetime.date(2020, 1, 1),
            "2026-10",
            "AKTIF",
            "61.03.01.2007",
        ]
    ]


def described(fields: tuple[Field, ...], columns: tuple[Column, ...]) -> list[dict]:
    """Each column for a page: name, label, required, values, example, when wrong, synonyms."""
    return [
        {
            "name": c.name,
            "required": c.required,
            "values": c.values,
            "example": c.example,
            "when_wrong": c.when_wrong,
            "synonyms": c.synonyms(fields),
        }
        for c in columns
    ]


def roster_described() -> list[dict]:
    return described(ROSTER_FIELDS, ROSTER_FORMAT)


def bpjs_described() -> list[dict]:
    return described(BPJS_FIELDS, BPJS_FORMAT)
