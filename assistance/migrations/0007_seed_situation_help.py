"""The kinds of assistance that serve each village situation, from the Serang text (../shared/seeds,
Bantenraya 14 October: Andika Hazrumy's plan "1 desa 1 produk") and Bangka Barat's mentoring after
designation (Antara Babel 2016). The programme office edits them in the admin afterwards; unseeding
removes only the rows this migration wrote, if they are still as written."""

from django.db import migrations

# (situation, kind, note): notes in Indonesian, after the sources' own words.
HELP = [
    # "desa yang sama sekali belum punya produk unggulan": a stimulus to create products from local potential
    (
        "none",
        "penggalian",
        "Program stimulus: bantu warga menggali potensi di tempat mereka tinggal agar tercipta produk UMKM "
        "dari potensi lokal.",
    ),
    (
        "none",
        "pelatihan",
        "Penyiapan SDM agar warga dapat memulai usaha dari potensi lokal yang ditemukan.",
    ),
    # "desa-desa yang belum memiliki UMKM atau yang sudah ada namun masih mengalami kesulitan
    # untuk berkembang"
    ("explored", "penggalian", "Lanjutkan penggalian potensi produk dari temuan yang sudah dicatat."),
    ("explored", "pelatihan", "Penyiapan SDM untuk membuat calon produk."),
    ("explored", "permodalan", "Permodalan agar calon produk dapat mulai diproduksi."),
    ("explored", "teknologi", "Pemilihan teknologi yang tepat untuk produksi."),
    ("explored", "pemasaran", "Pemasaran sejak awal agar produk baru dikenal."),
    # "produk-produk UMKM yang secara potensi bisa dikembangkan ... agar tahan lama dan kemasannya menarik"
    (
        "has_products",
        "kemasan",
        "Produk yang berpotensi: bantu carikan solusi agar tahan lama dan kemasannya menarik.",
    ),
    (
        "proposed",
        "kemasan",
        "Produk yang diusulkan: pastikan tahan lama dan kemasannya menarik sebelum ditetapkan.",
    ),
    # the successes (gerabah Bumijaya, batik): trends, marketing, capital to produce more, "duplikasi"
    ("thriving", "tren", "Pengenalan tren-tren terbaru yang disukai pasar (contoh: gerabah Bumijaya)."),
    ("thriving", "pemasaran", "Fasilitasi pemasaran agar produknya lebih banyak dikenal orang."),
    (
        "thriving",
        "permodalan",
        "Tambahan modal agar bisa produksi lebih masif lagi (contoh: batik Kabupaten Serang).",
    ),
    # a flagship that needs help: mentoring after designation (Bangka Barat) and what struggling UMKM get
    (
        "needs_help",
        "pendampingan",
        "Pendampingan agar produk semakin berkualitas dan berdaya saing dengan jaringan pemasaran yang "
        "semakin luas.",
    ),
    ("needs_help", "permodalan", "Permodalan bila produksi atau omzet menurun."),
    ("needs_help", "teknologi", "Pemilihan teknologi bila produksi tertinggal."),
    ("needs_help", "pemasaran", "Pemasaran bila omzet menurun."),
    ("needs_help", "pelatihan", "Penyiapan SDM bila mutu atau kapasitas produksi menurun."),
    ("needs_help", "sertifikasi", "Perpanjangan izin dan sertifikat yang kedaluwarsa."),
]


def seed(apps, schema_editor):
    SituationHelp = apps.get_model("assistance", "SituationHelp")
    for situation, kind, note in HELP:
        SituationHelp.objects.get_or_create(situation=situation, kind=kind, defaults={"note": note})


def unseed(apps, schema_editor):
    SituationHelp = apps.get_model("assistance", "SituationHelp")
    for situation, kind, note in HELP:
        SituationHelp.objects.filter(situation=situation, kind=kind, note=note).delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0006_village_situations")]

    operations = [migrations.RunPython(seed, unseed)]
