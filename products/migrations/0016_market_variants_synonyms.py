"""Variants, points of sale, markets reached and shop links; legality issuers; producers' profiles;
English category names; the search's synonyms with a starter set; each product's free-text markets
copied to market areas."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


CATEGORY_NAMES_EN = {
    "makanan-olahan": ("Processed food", "Crackers, chips, pempek, cakes, sambal, fish and farm produce."),
    "minuman": ("Drinks", "Coffee, tea, ready-to-drink jamu, syrups, traditional drinks."),
    "kerajinan": (
        "Crafts, decoration & souvenirs",
        "Pottery, rattan and bamboo weaving, carving, machetes, souvenirs.",
    ),
    "fesyen-tekstil": ("Fashion & textiles", "Batik, woven cloth, clothing, bags, shoes, accessories."),
    "herbal-kosmetik": (
        "Herbal & non-food cosmetics",
        "Essential oils, soap, body scrubs, non-food traditional medicine.",
    ),
    "pertanian-perikanan": (
        "Farm & fishery produce",
        "Rice, fruit, vegetables, spices, fresh or dried fish and shrimp.",
    ),
    "jasa-wisata": ("Village services & tourism", "Tourism villages, homestays, learning trips, village services."),
}

# A starter set the Dinas keeps up in the admin: everyday and old names, regional words, English.
STARTER_SYNONYMS = [
    ("gerabah, tembikar, pottery, keramik, grabah", "Kerajinan tanah liat"),
    ("muntok, mentok", "Kecamatan Muntok (Kemendagri: Mentok), Bangka Barat"),
    ("kerupuk, krupuk, cracker, crackers", ""),
    ("keripik, kripik, chips", ""),
    ("batik, batik tulis, batik cap", ""),
    ("tenun, kain tenun, woven, weaving", ""),
    ("anyaman, anyam, woven basket, basketry", ""),
    ("golok, parang, machete", ""),
    ("kopi, coffee", ""),
    ("madu, honey", ""),
    ("lada, merica, pepper, white pepper", "Lada putih Muntok"),
    ("ikan asin, ikan kering, dried fish, salted fish", ""),
    ("emping, melinjo", ""),
    ("sambal, chili sauce, chilli sauce", ""),
    ("kue, cake, cakes, snack", ""),
    ("terasi, belacan, shrimp paste", ""),
    ("kemplang, crackers", "Kerupuk ikan khas Bangka"),
    ("otak-otak, fish cake", ""),
    ("pempek, empek-empek, mpek-mpek", ""),
    ("udang, shrimp, prawn", ""),
    ("jamu, herbal, herbal drink", ""),
    ("sabun, soap", ""),
    ("minyak atsiri, essential oil", ""),
    ("rotan, rattan", ""),
    ("bambu, bamboo", ""),
    ("homestay, penginapan, guest house", ""),
]


def english_category_names(apps, schema_editor):
    Category = apps.get_model("products", "Category")
    for slug, (name_en, description_en) in CATEGORY_NAMES_EN.items():
        Category.objects.filter(slug=slug, name_en="").update(name_en=name_en, description_en=description_en)


def starter_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("products", "SearchSynonym")
    for words, note in STARTER_SYNONYMS:
        SearchSynonym.objects.get_or_create(words=words, defaults={"note": note})


def markets_to_areas(apps, schema_editor):
    Product = apps.get_model("products", "Product")
    MarketArea = apps.get_model("products", "MarketArea")
    areas = []
    for product_id, markets in Product.objects.exclude(markets="").values_list("pk", "markets").iterator():
        seen = set()
        for name in markets.split(","):
            name = " ".join(name.split())[:100]
            if name and name.lower() not in seen:
                seen.add(name.lower())
                areas.append(MarketArea(product_id=product_id, name=name, level="kota"))
    MarketArea.objects.bulk_create(areas, batch_size=1000, ignore_conflicts=True)


def forward(apps, schema_editor):
    english_category_names(apps, schema_editor)
    starter_synonyms(apps, schema_editor)
    markets_to_areas(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0015_price_rupiah_limit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchSynonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "words",
                    models.CharField(
                        help_text="Dipisah koma, misalnya: gerabah, tembikar, pottery. Pencarian salah satunya menemukan semuanya.",
                        max_length=255,
                        unique=True,
                        verbose_name="kata-kata sepadan",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="catatan")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="diubah")),
            ],
            options={
                "verbose_name": "padanan kata pencarian",
                "verbose_name_plural": "padanan kata pencarian",
                "ordering": ["words"],
            },
        ),
        migrations.AddField(
            model_name="category",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="keterangan (bahasa Inggris)"),
        ),
        migrations.AddField(
            model_name="category",
            name="name_en",
            field=models.CharField(blank=True, max_length=80, verbose_name="nama (bahasa Inggris)"),
        ),
        migrations.AddField(
            model_name="historicallegalitydocument",
            name="issuer",
            field=models.CharField(
                blank=True,
                help_text="Kosongkan untuk penerbit yang lazim (misalnya BPJPH untuk sertifikat halal).",
                max_length=150,
                verbose_name="penerbit",
            ),
        ),
        migrations.AddField(
            model_name="historicalproducer",
            name="profile",
            field=models.TextField(
                blank=True,
                help_text="Untuk halaman produsen: siapa mereka, sejak kapan, apa keunggulannya.",
                verbose_name="tentang usaha",
            ),
        ),
        migrations.AddField(
            model_name="legalitydocument",
            name="issuer",
            field=models.CharField(
                blank=True,
                help_text="Kosongkan untuk penerbit yang lazim (misalnya BPJPH untuk sertifikat halal).",
                max_length=150,
                verbose_name="penerbit",
            ),
        ),
        migrations.AddField(
            model_name="producer",
            name="profile",
            field=models.TextField(
                blank=True,
                help_text="Untuk halaman produsen: siapa mereka, sejak kapan, apa keunggulannya.",
                verbose_name="tentang usaha",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalMarketArea",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="misalnya: Jakarta, Palembang", max_length=100, verbose_name="nama wilayah"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("kota", "Kota atau kabupaten"),
                            ("provinsi", "Provinsi"),
                            ("negara", "Negara (ekspor)"),
                        ],
                        default="kota",
                        max_length=10,
                        verbose_name="tingkat",
                    ),
                ),
                (
                    "since_year",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1900),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="sejak tahun",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="products.product",
                        verbose_name="produk",
                    ),
                ),
            ],
            options={
                "verbose_name": "riwayat wilayah pemasaran",
                "verbose_name_plural": "riwayat wilayah pemasaran",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalProductVariant",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="misalnya: Kemasan 250 g, Rasa pedas, Motif kawung",
                        max_length=100,
                        verbose_name="nama varian",
                    ),
                ),
                (
                    "price",
                    models.PositiveBigIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(1000000000000000)],
                        verbose_name="harga (Rp)",
                    ),
                ),
                (
                    "unit",
                    models.CharField(
                        help_text="misalnya: bungkus, botol, lembar, buah",
                        max_length=40,
                        verbose_name="satuan",
                    ),
                ),
                (
                    "net_weight_grams",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(10000000)],
                        verbose_name="berat bersih (gram)",
                    ),
                ),
                (
                    "dimensions",
                    models.CharField(
                        blank=True,
                        help_text="misalnya: 30 × 20 × 15 cm, 2 × 1 m",
                        max_length=60,
                        verbose_name="ukuran",
                    ),
                ),
                (
                    "shelf_life_days",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Untuk pangan: berapa hari produk aman dikonsumsi sejak dibuat.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(3650),
                        ],
                        verbose_name="masa simpan (hari)",
                    ),
                ),
                (
                    "min_order",
                    models.PositiveIntegerField(
                        default=1,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(1000000),
                        ],
                        verbose_name="pesanan minimum",
                    ),
                ),
                (
                    "lead_time_days",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Berapa hari pesanan siap bila tidak ada stok; kosongkan bila selalu tersedia.",
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(365)],
                        verbose_name="waktu produksi (hari)",
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="urutan")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="products.product",
                        verbose_name="produk",
                    ),
                ),
            ],
            options={
                "verbose_name": "riwayat varian produk",
                "verbose_name_plural": "riwayat varian produk",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalSalesPoint",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("name", models.CharField(max_length=150, verbose_name="nama toko atau gerai")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("toko_desa", "Toko atau warung desa"),
                            ("oleh_oleh", "Pusat oleh-oleh"),
                            ("swalayan", "Swalayan"),
                            ("pameran", "Pameran atau galeri"),
                            ("reseller", "Reseller atau agen"),
                        ],
                        max_length=12,
                        verbose_name="jenis tempat",
                    ),
                ),
                (
                    "place",
                    models.CharField(
                        help_text="misalnya: Kecamatan Ciruas, Kota Serang",
                        max_length=100,
                        verbose_name="kecamatan atau kota",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="products.product",
                        verbose_name="produk",
                    ),
                ),
            ],
            options={
                "verbose_name": "riwayat tempat penjualan",
                "verbose_name_plural": "riwayat tempat penjualan",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalShopLink",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "platform",
                    models.CharField(
                        choices=[
                            ("shopee", "Shopee"),
                            ("tokopedia", "Tokopedia"),
                            ("tiktok", "TikTok Shop"),
                            ("bukalapak", "Bukalapak"),
                            ("blibli", "Blibli"),
                            ("ekatalog", "e-Katalog LKPP"),
                            ("bela", "Bela Pengadaan"),
                            ("instagram", "Instagram"),
                            ("facebook", "Facebook"),
                        ],
                        max_length=12,
                        verbose_name="platform",
                    ),
                ),
                ("url", models.URLField(max_length=300, verbose_name="alamat tautan")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "producer",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="products.producer",
                        verbose_name="produsen",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Kosongkan bila tautan ini ke toko produsen, bukan ke satu produk.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="products.product",
                        verbose_name="produk",
                    ),
                ),
            ],
            options={
                "verbose_name": "riwayat tautan toko",
                "verbose_name_plural": "riwayat tautan toko",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="MarketArea",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="misalnya: Jakarta, Palembang", max_length=100, verbose_name="nama wilayah"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("kota", "Kota atau kabupaten"),
                            ("provinsi", "Provinsi"),
                            ("negara", "Negara (ekspor)"),
                        ],
                        default="kota",
                        max_length=10,
                        verbose_name="tingkat",
                    ),
                ),
                (
                    "since_year",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1900),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="sejak tahun",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="market_areas",
                        to="products.product",
                        verbose_name="produk",
                    ),
                ),
            ],
            options={
                "verbose_name": "wilayah pemasaran",
                "verbose_name_plural": "wilayah pemasaran",
                "ordering": ["level", "name", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("product", "name"),
                        name="market_area_unique_per_product",
                        violation_error_message="Wilayah ini sudah tercatat untuk produk ini.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ProductVariant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="misalnya: Kemasan 250 g, Rasa pedas, Motif kawung",
                        max_length=100,
                        verbose_name="nama varian",
                    ),
                ),
                (
                    "price",
                    models.PositiveBigIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(1000000000000000)],
                        verbose_name="harga (Rp)",
                    ),
                ),
                (
                    "unit",
                    models.CharField(
                        help_text="misalnya: bungkus, botol, lembar, buah",
                        max_length=40,
                        verbose_name="satuan",
                    ),
                ),
                (
                    "net_weight_grams",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(10000000)],
                        verbose_name="berat bersih (gram)",
                    ),
                ),
                (
                    "dimensions",
                    models.CharField(
                        blank=True,
                        help_text="misalnya: 30 × 20 × 15 cm, 2 × 1 m",
                        max_length=60,
                        verbose_name="ukuran",
                    ),
                ),
                (
                    "shelf_life_days",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Untuk pangan: berapa hari produk aman dikonsumsi sejak dibuat.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(3650),
                        ],
                        verbose_name="masa simpan (hari)",
                    ),
                ),
                (
                    "min_order",
                    models.PositiveIntegerField(
                        default=1,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(1000000),
                        ],
                        verbose_name="pesanan minimum",
                    ),
                ),
                (
                    "lead_time_days",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Berapa hari pesanan siap bila tidak ada stok; kosongkan bila selalu tersedia.",
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(365)],
                        verbose_name="waktu produksi (hari)",
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="urutan")),
                (
                    "product",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="variants",
                        to="products.product",
                        verbose_name="produk",
                    ),
                ),
            ],
            options={
                "verbose_name": "varian produk",
                "verbose_name_plural": "varian produk",
                "ordering": ["position", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("product", "name"),
                        name="variant_name_unique_per_product",
                        violation_error_message="Produk ini sudah punya varian dengan nama itu.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SalesPoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=150, verbose_name="nama toko atau gerai")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("toko_desa", "Toko atau warung desa"),
                            ("oleh_oleh", "Pusat oleh-oleh"),
                            ("swalayan", "Swalayan"),
                            ("pameran", "Pameran atau galeri"),
                            ("reseller", "Reseller atau agen"),
                        ],
                        max_length=12,
                        verbose_name="jenis tempat",
                    ),
                ),
                (
                    "place",
                    models.CharField(
                        help_text="misalnya: Kecamatan Ciruas, Kota Serang",
                        max_length=100,
                        verbose_name="kecamatan atau kota",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sales_points",
                        to="products.product",
                        verbose_name="produk",
                    ),
                ),
            ],
            options={
                "verbose_name": "tempat penjualan",
                "verbose_name_plural": "tempat penjualan",
                "ordering": ["kind", "name", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("product", "name", "place"),
                        name="sales_point_unique_per_product",
                        violation_error_message="Tempat penjualan ini sudah tercatat untuk produk ini.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ShopLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "platform",
                    models.CharField(
                        choices=[
                            ("shopee", "Shopee"),
                            ("tokopedia", "Tokopedia"),
                            ("tiktok", "TikTok Shop"),
                            ("bukalapak", "Bukalapak"),
                            ("blibli", "Blibli"),
                            ("ekatalog", "e-Katalog LKPP"),
                            ("bela", "Bela Pengadaan"),
                            ("instagram", "Instagram"),
                            ("facebook", "Facebook"),
                        ],
                        max_length=12,
                        verbose_name="platform",
                    ),
                ),
                ("url", models.URLField(max_length=300, verbose_name="alamat tautan")),
                (
                    "producer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="shop_links",
                        to="products.producer",
                        verbose_name="produsen",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        help_text="Kosongkan bila tautan ini ke toko produsen, bukan ke satu produk.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="shop_links",
                        to="products.product",
                        verbose_name="produk",
                    ),
                ),
            ],
            options={
                "verbose_name": "tautan toko",
                "verbose_name_plural": "tautan toko",
                "ordering": ["platform", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("producer", "url"),
                        name="shop_link_unique_per_producer",
                        violation_error_message="Tautan ini sudah tercatat untuk produsen ini.",
                    )
                ],
            },
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
