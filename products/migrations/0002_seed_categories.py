"""The standard taxonomy, after Thailand's OTOP and Vietnam's OCOP groups and Indonesian UMKM practice."""

from django.db import migrations

CATEGORIES = [
    ("makanan-olahan", "Makanan olahan", "Kerupuk, keripik, pempek, kue, sambal, olahan ikan dan hasil bumi."),
    ("minuman", "Minuman", "Kopi, teh, jamu siap minum, sirup, minuman tradisional."),
    ("kerajinan", "Kerajinan, dekorasi & suvenir", "Gerabah, anyaman rotan dan bambu, ukiran, golok, cendera mata."),
    ("fesyen-tekstil", "Fesyen & tekstil", "Batik, tenun, pakaian, tas, sepatu, aksesori."),
    ("herbal-kosmetik", "Herbal & kosmetik non-pangan", "Minyak atsiri, sabun, lulur, obat tradisional non-pangan."),
    ("pertanian-perikanan", "Hasil pertanian & perikanan", "Beras, buah, sayur, rempah, ikan dan udang segar atau kering."),
    ("jasa-wisata", "Jasa & wisata desa", "Desa wisata, homestay, paket edukasi, jasa khas desa."),
]


def seed(apps, schema_editor):
    Category = apps.get_model("products", "Category")
    for position, (slug, name, description) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("products", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
