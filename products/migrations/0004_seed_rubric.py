"""The starting rubric: the OVOP criteria of Permendagri 9/2014, weighted after OTOP and OCOP scorecards."""

from django.db import migrations

CRITERIA = [
    ("Identitas lokal dan keunikan", "Berbahan dan berakar pada potensi desa; khas, sulit ditiru.", 20),
    ("Mutu dan kemasan", "Mutu yang konsisten; kemasan menarik, informatif, melindungi produk.", 25),
    ("Jangkauan pasar", "Dari pasar desa sampai nasional dan ekspor; penjualan daring.", 20),
    ("Kesinambungan produksi", "Bahan baku, tenaga kerja dan produksi yang berlanjut sepanjang tahun.", 20),
    ("Legalitas", "NIB, SPP-IRT atau BPOM, sertifikat halal, merek terdaftar, SNI.", 15),
]


def seed(apps, schema_editor):
    Criterion = apps.get_model("products", "AssessmentCriterion")
    for position, (name, description, points) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            name=name, defaults={"description": description, "max_points": points, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("products", "0003_designation_assessment")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
