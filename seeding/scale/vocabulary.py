"""The words generated data is made of: product kinds with their prices and typical provinces, names,
markets, programme kinds, mentoring findings. Data only, no logic."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProductKind:
    category: str
    name: str
    price_unit: str
    price: tuple[int, int]
    unit: str  # of capacity and of production volume
    capacity: tuple[int, int]  # per month
    raw_materials: str
    provinces: tuple[str, ...] = ()  # province code prefixes where it is typical ("" = anywhere)


def _kind(category, name, price_unit, price, unit, capacity, raw, provinces=""):
    return ProductKind(category, name, price_unit, price, unit, capacity, raw, tuple(provinces.split()))


PRODUCT_KINDS = [
    _kind("makanan-olahan", "Keripik Singkong", "per bungkus", (8_000, 25_000), "bungkus", (300, 3000),
          "singkong, minyak kelapa, bumbu"),
    _kind("makanan-olahan", "Keripik Pisang", "per bungkus", (10_000, 30_000), "bungkus", (300, 3000),
          "pisang kepok, gula aren"),
    _kind("makanan-olahan", "Kerupuk Ikan", "per kg", (40_000, 90_000), "kg", (100, 1500),
          "ikan tenggiri, tepung tapioka"),
    _kind("makanan-olahan", "Pempek", "per paket", (25_000, 75_000), "paket", (200, 2000),
          "ikan, sagu", "16 19"),
    _kind("makanan-olahan", "Dodol", "per kotak", (15_000, 45_000), "kotak", (200, 2500),
          "beras ketan, gula merah, santan", "32 36 14"),
    _kind("makanan-olahan", "Emping Melinjo", "per kg", (60_000, 120_000), "kg", (100, 1000),
          "biji melinjo", "36 32"),
    _kind("makanan-olahan", "Abon Ikan", "per bungkus", (25_000, 60_000), "bungkus", (100, 1500),
          "ikan tongkol, rempah"),
    _kind("makanan-olahan", "Sambal Roa", "per botol", (30_000, 60_000), "botol", (100, 1200),
          "ikan roa asap, cabai", "71 75"),
    _kind("makanan-olahan", "Rengginang", "per bungkus", (10_000, 25_000), "bungkus", (300, 3000),
          "beras ketan, garam"),
    _kind("makanan-olahan", "Terasi Udang", "per bungkus", (8_000, 20_000), "bungkus", (300, 4000),
          "udang rebon, garam", "19 21 61 73"),
    _kind("makanan-olahan", "Ikan Asin", "per kg", (45_000, 110_000), "kg", (200, 3000),
          "ikan laut, garam", "19 21 73 74 81"),
    _kind("makanan-olahan", "Rendang Kemasan", "per kaleng", (60_000, 150_000), "kaleng", (100, 800),
          "daging sapi, santan, rempah", "13"),
    _kind("makanan-olahan", "Bakpia", "per kotak", (25_000, 50_000), "kotak", (300, 4000),
          "tepung terigu, kacang hijau", "34 33"),
    _kind("makanan-olahan", "Lempok Durian", "per kotak", (30_000, 70_000), "kotak", (100, 800),
          "durian, gula", "14 16 61"),
    _kind("makanan-olahan", "Kue Bagea", "per bungkus", (15_000, 35_000), "bungkus", (200, 1500),
          "sagu, kenari", "71 72 81 82"),
    _kind("makanan-olahan", "Sagu Lempeng", "per ikat", (10_000, 25_000), "ikat", (200, 2000),
          "tepung sagu", "81 82 91 92 94"),
    _kind("makanan-olahan", "Keripik Tempe", "per bungkus", (10_000, 25_000), "bungkus", (300, 3000),
          "tempe, tepung beras, bumbu", "33 35 34"),
    _kind("makanan-olahan", "Bawang Goreng", "per toples", (35_000, 80_000), "toples", (100, 1200),
          "bawang merah lokal", "72 52 33"),
    _kind("minuman", "Kopi Robusta", "per bungkus 200 g", (25_000, 60_000), "bungkus", (200, 2500),
          "biji kopi robusta", "16 18 35 51"),
    _kind("minuman", "Kopi Arabika", "per bungkus 200 g", (45_000, 120_000), "bungkus", (100, 1500),
          "biji kopi arabika", "11 12 73 53 32"),
    _kind("minuman", "Teh Daun Kelor", "per kotak", (20_000, 45_000), "kotak", (100, 1500),
          "daun kelor kering", "53 52 35"),
    _kind("minuman", "Jahe Merah Instan", "per toples", (25_000, 55_000), "toples", (200, 2000),
          "jahe merah, gula aren"),
    _kind("minuman", "Wedang Uwuh", "per bungkus", (10_000, 25_000), "bungkus", (300, 3000),
          "kayu secang, jahe, cengkih", "34 33"),
    _kind("minuman", "Sirup Pala", "per botol", (30_000, 60_000), "botol", (100, 1000),
          "daging buah pala, gula", "81 82 17"),
    _kind("minuman", "Jamu Kunyit Asam", "per botol", (8_000, 20_000), "botol", (300, 4000),
          "kunyit, asam jawa, gula merah", "33 35 34"),
    _kind("minuman", "Bandrek", "per bungkus", (12_000, 30_000), "bungkus", (200, 2000),
          "jahe, gula aren, rempah", "32 12"),
    _kind("minuman", "Sari Buah Markisa", "per botol", (25_000, 50_000), "botol", (200, 1500),
          "buah markisa", "12 73"),
    _kind("kerajinan", "Gerabah", "per buah", (15_000, 250_000), "buah", (100, 1500),
          "tanah liat", "36 33 52"),
    _kind("kerajinan", "Anyaman Rotan", "per buah", (50_000, 600_000), "buah", (50, 500),
          "rotan", "19 62 63 64 16"),
    _kind("kerajinan", "Anyaman Bambu", "per buah", (20_000, 250_000), "buah", (100, 1000),
          "bambu apus, bambu tali"),
    _kind("kerajinan", "Ukiran Kayu", "per buah", (100_000, 2_500_000), "buah", (10, 200),
          "kayu jati, kayu mahoni", "33 51"),
    _kind("kerajinan", "Golok", "per buah", (75_000, 350_000), "buah", (30, 400),
          "besi baja, kayu sonokeling", "36 32"),
    _kind("kerajinan", "Tikar Pandan", "per lembar", (40_000, 200_000), "lembar", (50, 600),
          "daun pandan duri"),
    _kind("kerajinan", "Kerajinan Kerang", "per buah", (10_000, 150_000), "buah", (100, 1500),
          "kulit kerang, resin", "19 21 51 73"),
    _kind("kerajinan", "Topeng Kayu", "per buah", (75_000, 750_000), "buah", (20, 300),
          "kayu pule, cat alam", "51 34 32"),
    _kind("kerajinan", "Miniatur Perahu", "per buah", (50_000, 500_000), "buah", (20, 300),
          "kayu, kain layar", "73 74 76"),
    _kind("kerajinan", "Noken", "per buah", (75_000, 500_000), "buah", (20, 300),
          "serat kayu, kulit anggrek", "91 92 94 95 96 97"),
    _kind("fesyen-tekstil", "Batik Tulis", "per lembar", (250_000, 2_500_000), "lembar", (20, 200),
          "kain mori, malam, pewarna alam", "31 32 33 34 35 36"),
    _kind("fesyen-tekstil", "Batik Cap", "per lembar", (100_000, 450_000), "lembar", (100, 800),
          "kain katun, malam", "31 32 33 34 35 36"),
    _kind("fesyen-tekstil", "Tenun Ikat", "per lembar", (300_000, 3_000_000), "lembar", (10, 150),
          "benang kapas, pewarna alam", "53 52 51 64"),
    _kind("fesyen-tekstil", "Songket", "per lembar", (500_000, 5_000_000), "lembar", (5, 80),
          "benang sutra, benang emas", "13 16 14 52 61"),
    _kind("fesyen-tekstil", "Ulos", "per lembar", (200_000, 2_000_000), "lembar", (10, 150),
          "benang kapas", "12"),
    _kind("fesyen-tekstil", "Tas Anyaman Pandan", "per buah", (50_000, 250_000), "buah", (50, 800),
          "daun pandan, kain pelapis"),
    _kind("fesyen-tekstil", "Sepatu Kulit", "per pasang", (200_000, 650_000), "pasang", (50, 600),
          "kulit sapi samak", "32 35 36"),
    _kind("fesyen-tekstil", "Sarung Tenun", "per lembar", (150_000, 1_200_000), "lembar", (20, 300),
          "benang sutra, benang katun", "73 74 75 76"),
    _kind("fesyen-tekstil", "Kain Sasirangan", "per lembar", (150_000, 900_000), "lembar", (30, 400),
          "kain katun, pewarna", "63"),
    _kind("herbal-kosmetik", "Minyak Atsiri Nilam", "per botol", (75_000, 350_000), "botol", (50, 600),
          "daun nilam", "11 74 33"),
    _kind("herbal-kosmetik", "Sabun Sereh Wangi", "per batang", (10_000, 30_000), "batang", (300, 4000),
          "minyak sereh wangi, minyak kelapa"),
    _kind("herbal-kosmetik", "Lulur Rempah", "per toples", (25_000, 75_000), "toples", (100, 1500),
          "beras, kunyit, temu giring", "33 34 51"),
    _kind("herbal-kosmetik", "Minyak Kayu Putih", "per botol", (20_000, 60_000), "botol", (200, 3000),
          "daun kayu putih", "81 82"),
    _kind("herbal-kosmetik", "Minyak Kelapa Murni", "per botol", (35_000, 90_000), "botol", (100, 1500),
          "kelapa tua", "71 72 75"),
    _kind("pertanian-perikanan", "Beras Organik", "per kg", (15_000, 30_000), "kg", (1000, 20000),
          "padi organik"),
    _kind("pertanian-perikanan", "Gula Aren", "per kg", (25_000, 50_000), "kg", (200, 3000),
          "nira aren", "36 32 73 13"),
    _kind("pertanian-perikanan", "Madu Hutan", "per botol", (80_000, 250_000), "botol", (30, 500),
          "madu lebah hutan", "52 53 61 62 64"),
    _kind("pertanian-perikanan", "Lada Putih", "per kg", (90_000, 160_000), "kg", (100, 2000),
          "buah lada", "19 18"),
    _kind("pertanian-perikanan", "Cengkih Kering", "per kg", (90_000, 150_000), "kg", (100, 2000),
          "bunga cengkih", "71 72 81 82"),
    _kind("pertanian-perikanan", "Udang Kering", "per kg", (120_000, 300_000), "kg", (50, 800),
          "udang laut", "21 19 64"),
    _kind("pertanian-perikanan", "Rumput Laut Kering", "per kg", (10_000, 30_000), "kg", (1000, 20000),
          "rumput laut", "73 53 52 72"),
    _kind("pertanian-perikanan", "Kakao Fermentasi", "per kg", (35_000, 80_000), "kg", (500, 8000),
          "biji kakao", "73 74 76 72"),
    _kind("pertanian-perikanan", "Vanili Kering", "per kg", (800_000, 3_000_000), "kg", (5, 100),
          "polong vanili", "51 53 92"),
    _kind("pertanian-perikanan", "Salak Pondoh", "per kg", (8_000, 18_000), "kg", (1000, 15000),
          "buah salak", "34 33"),
    _kind("jasa-wisata", "Desa Wisata", "per orang", (25_000, 150_000), "pengunjung", (200, 3000),
          "alam, budaya dan kuliner desa"),
    _kind("jasa-wisata", "Homestay", "per malam", (150_000, 450_000), "malam", (20, 200),
          "rumah warga"),
    _kind("jasa-wisata", "Paket Edukasi Membatik", "per orang", (50_000, 175_000), "peserta", (50, 800),
          "kain, malam, canting", "33 34 35 36"),
    _kind("jasa-wisata", "Wisata Agro", "per orang", (20_000, 100_000), "pengunjung", (200, 3000),
          "kebun buah dan sayur warga"),
]  # fmt: skip

STORY_LINES = [
    "Bahan bakunya diambil dari kebun dan perairan warga sekitar.",
    "Dibuat secara tradisional, tanpa bahan pengawet.",
    "Dipasarkan lewat pasar desa, toko oleh-oleh dan penjualan daring.",
    "Resepnya turun-temurun dari para orang tua di desa.",
    "Dikerjakan ibu-ibu kelompok usaha di sela musim tanam.",
    "Sudah beberapa kali tampil di pameran produk unggulan kabupaten.",
    "Kemasannya baru diperbarui agar lebih tahan lama dan menarik.",
    "Pemuda desa mengelola penjualan lewat media sosial.",
    "Sebagian hasilnya dikirim ke kota-kota besar lewat pedagang pengumpul.",
    "Pengunjung dapat melihat langsung proses pembuatannya.",
]
MARKETS_BY_REACH = {
    "desa": ["pasar desa", "warung sekitar"],
    "kabupaten": ["pasar kecamatan", "toko oleh-oleh", "pasar kabupaten"],
    "provinsi": ["ibu kota provinsi", "toko oleh-oleh bandara", "pameran provinsi"],
    "nasional": ["Jakarta", "Surabaya", "Bandung", "Medan", "Makassar", "Denpasar", "Palembang"],
    "ekspor": ["Malaysia", "Singapura", "Jepang", "Belanda", "Australia", "Arab Saudi"],
}
REACH_WEIGHTS = {"desa": 30, "kabupaten": 35, "provinsi": 20, "nasional": 12, "ekspor": 3}
FIRST_NAMES = [
    "Siti", "Ahmad", "Nur", "Sri", "Budi", "Dewi", "Agus", "Rina", "Eko", "Wayan", "Made", "Ketut",
    "Yohanes", "Maria", "Fransiska", "Rahmat", "Suryani", "Andi", "Daeng", "Hasan", "Fatimah", "Yusuf",
    "Aminah", "Bambang", "Lestari", "Ratna", "Joko", "Sumarni", "Teguh", "Wati", "Hendra", "Yuliana",
    "Ruslan", "Marlina", "Slamet", "Kartini", "Darmawan", "Nyoman", "Putu", "Kadek", "Maya", "Ilham",
    "Aisyah", "Rudi", "Sinta", "Petrus", "Markus"
]  # fmt: skip
LAST_NAMES = [
    "Rahmawati", "Hidayat", "Santoso", "Wahyuni", "Saputra", "Lestari", "Nasution", "Siregar", "Sinaga",
    "Pratama", "Kurniawan", "Susanti", "Manurung", "Tanjung", "Harahap", "Lubis", "Setiawan", "Wibowo",
    "Purnamasari", "Mahmud", "Ramadhan", "Anggraini", "Wijaya", "Hutapea", "Simanjuntak", "Suryadi",
    "Rumbiak", "Kogoya", "Pattiasina", "Latuconsina", "Mokodompit", "Lamusu", "Bakara", "Halim"
]  # fmt: skip
BUSINESS_WORDS = [
    "Sumber Rejeki", "Makmur Jaya", "Berkah Abadi", "Maju Bersama", "Sejahtera", "Tunas Harapan",
    "Mekar Sari", "Karya Mandiri", "Sinar Baru", "Barokah", "Cahaya Desa", "Lestari", "Harapan Jaya",
    "Sekar Arum", "Srikandi", "Mandiri Sejahtera", "Rukun Makmur"
]  # fmt: skip
WHATSAPP_PREFIXES = [
    "811", "812", "813", "821", "822", "823", "852", "853", "857",
    "858", "877", "878", "895", "896", "897", "881", "882",
]  # fmt: skip
PRODUCER_KINDS = {"perorangan": 45, "kelompok": 25, "usaha_kecil": 18, "koperasi": 7, "bumdes": 5}
WORKERS = {"perorangan": (1, 5), "kelompok": (5, 30), "usaha_kecil": (4, 40), "koperasi": (10, 60),
           "bumdes": (3, 20)}  # fmt: skip
ADDRESS_PARTS = ["Dusun", "Kampung", "Jalan", "Lorong", "Banjar", "Jorong", "Lingkungan"]

# Programme kind: (title, value of a typical delivery in Rp, what is delivered)
PROGRAMME_KINDS = {
    "permodalan": ("Bantuan permodalan UMKM produk unggulan", 20_000_000,
                   ["Bantuan modal kerja", "Modal usaha bergulir", "Modal pembelian bahan baku"]),
    "pemasaran": ("Fasilitasi pemasaran produk unggulan desa", 7_500_000,
                  ["Keikutsertaan pameran produk", "Pelatihan pemasaran daring", "Promosi di lokapasar"]),
    "kemasan": ("Redesain kemasan produk unggulan", 10_000_000,
                ["Desain dan cetak kemasan baru", "Label dan stiker kemasan", "Satu unit mesin sealer"]),
    "pelatihan": ("Pelatihan SDM pelaku UMKM", 4_000_000,
                  ["Pelatihan teknik produksi", "Pelatihan pembukuan usaha", "Pelatihan keamanan pangan"]),
    "teknologi": ("Bantuan peralatan dan teknologi produksi", 35_000_000,
                  ["Satu unit mesin pengolah", "Peralatan produksi", "Satu unit mesin pengering"]),
    "sertifikasi": ("Fasilitasi sertifikasi dan legalitas produk", 2_500_000,
                    ["Fasilitasi sertifikat halal", "Pendaftaran merek (HKI)", "Pendampingan SPP-IRT"]),
    "pendampingan": ("Pendampingan produk unggulan desa", 3_500_000,
                     ["Pendampingan mutu produk", "Pendampingan manajemen usaha"]),
    "penggalian": ("Penggalian potensi desa", 6_000_000,
                   ["Pemetaan potensi bahan baku dan keterampilan warga", "Kajian potensi produk lokal"]),
    "tren": ("Pengenalan tren pasar", 3_000_000,
             ["Lokakarya tren pasar", "Kunjungan belajar ke sentra produksi"]),
}  # fmt: skip
FUNDING_WEIGHTS = {"apbd_kab": 50, "apbd_prov": 15, "apbn": 15, "dana_desa": 10, "csr": 7, "lainnya": 3}
FINDINGS = [
    "Produksi berjalan rutin; bahan baku cukup untuk tiga bulan.",
    "Mutu produk belum seragam antarproduksi.",
    "Kemasan masih sederhana dan mudah rusak dalam pengiriman.",
    "Pembukuan usaha belum terpisah dari keuangan rumah tangga.",
    "Permintaan naik menjelang hari raya; kapasitas belum mencukupi.",
    "Peralatan bantuan sudah dipakai penuh dan terawat baik.",
    "Penjualan daring mulai berjalan lewat media sosial.",
    "Izin edar sudah diurus; menunggu terbitnya sertifikat.",
    "Harga bahan baku naik; margin keuntungan menipis.",
    "Anggota kelompok bertambah; pembagian kerja perlu diatur.",
]
NEXT_ACTIONS = [
    "Contoh kemasan baru dari program kemasan",
    "Daftarkan sertifikat halal lewat program sertifikasi",
    "Ikut pelatihan pembukuan sederhana",
    "Uji coba resep dengan masa simpan lebih lama",
    "Buka akun toko di lokapasar",
    "Susun jadwal produksi bersama anggota kelompok",
    "Cari pemasok bahan baku kedua",
]
