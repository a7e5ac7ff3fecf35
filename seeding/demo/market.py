"""Demo market data: what each demo product sells as (variants with sizes, prices, weights, shelf life,
minimum order and lead time), where a buyer finds it (points of sale), the cities and regions it
reaches, and its producers' shops on marketplaces and social pages.

The markets of the pempek udang of Belo Laut (Jakarta, Bandung, Palembang) come from the source article
(../shared/seeds/); everything else is illustrative: shop and outlet names say "contoh" and every shop
address is a made-up "contoh-" page, never a real shop. The data shows every situation the public page
has: products with and without variants, one sold only offline, one only online, and producers who did
not consent to publication, whose links are recorded but never shown.
"""

from dataclasses import dataclass, field

from django.db import transaction

from products.models import MarketArea, Producer, Product, ProductVariant, SalesPoint, ShopLink

# (name, price, unit, net weight in grams, dimensions, shelf life in days, minimum order, lead time in days)
Variant = tuple[str, int | None, str, int | None, str, int | None, int, int | None]

TOKO, OLEH, SWALAYAN, PAMERAN, RESELLER = (
    SalesPoint.Kind.VILLAGE_SHOP,
    SalesPoint.Kind.GIFT_CENTRE,
    SalesPoint.Kind.SUPERMARKET,
    SalesPoint.Kind.EXHIBITION,
    SalesPoint.Kind.RESELLER,
)
CITY, PROVINCE, COUNTRY = MarketArea.Level.CITY, MarketArea.Level.PROVINCE, MarketArea.Level.COUNTRY

SERANG_GIFTS = ("Pusat Oleh-oleh Khas Serang (contoh)", OLEH, "Kota Serang")
SERANG_MARKET = ("Swalayan Serang Raya (contoh)", SWALAYAN, "Kota Serang")
SERANG_FAIR = ("Pameran UMKM Dekranasda Kabupaten Serang (contoh)", PAMERAN, "Kecamatan Ciruas")
MUNTOK_GIFTS = ("Pusat Oleh-oleh Muntok (contoh)", OLEH, "Kecamatan Mentok")
BABEL_MARKET = ("Swalayan Pangkalpinang (contoh)", SWALAYAN, "Kota Pangkalpinang")
BABEL_FAIR = ("Galeri UMKM Bangka Barat (contoh)", PAMERAN, "Kecamatan Mentok")


@dataclass(frozen=True)
class DemoMarket:
    code: str  # the product's village
    product: str
    variants: list[Variant] = field(default_factory=list)
    sales_points: list[tuple[str, str, str]] = field(default_factory=list)  # name, kind, place
    markets: list[tuple[str, str, int | None]] = field(default_factory=list)  # name, level, since
    # producer's business name, platform, address, whether the link is this product's own listing
    shops: list[tuple[str, str, str, bool]] = field(default_factory=list)


DEMO_MARKETS = [
    # --- Kabupaten Serang --------------------------------------------------------------------------
    DemoMarket(
        "36.04.09.2009",
        "Gerabah Bumijaya",
        variants=[
            ("Pot bunga kecil", 25_000, "buah", 1_500, "Ø 20 × 18 cm", None, 1, None),
            ("Pot bunga sedang", 45_000, "buah", 3_500, "Ø 30 × 28 cm", None, 1, None),
            ("Pot bunga besar", 90_000, "buah", 8_000, "Ø 45 × 40 cm", None, 1, 14),
            ("Kendi air", 35_000, "buah", 1_200, "Ø 18 × 25 cm", None, 1, None),
            ("Gentong hias", 150_000, "buah", 12_000, "Ø 40 × 55 cm", None, 1, 21),
        ],
        sales_points=[
            ("Kios Gerabah Bumijaya (contoh)", TOKO, "Kecamatan Ciruas"),
            SERANG_GIFTS,
            SERANG_FAIR,
        ],
        markets=[
            ("Kota Serang", CITY, 1995),
            ("Jakarta", CITY, 2010),
            ("Tangerang", CITY, 2012),
            ("Bali", PROVINCE, 2019),
        ],
        shops=[
            (
                "Sentra Gerabah Bumijaya",
                "shopee",
                "https://shopee.co.id/contoh-sentra-gerabah-bumijaya",
                False,
            ),
            (
                "Sentra Gerabah Bumijaya",
                "tokopedia",
                "https://www.tokopedia.com/contoh-gerabah-bumijaya",
                False,
            ),
            (
                "Sentra Gerabah Bumijaya",
                "ekatalog",
                "https://katalog.inaproc.id/contoh-gerabah-bumijaya",
                True,
            ),
            (
                "Sentra Gerabah Bumijaya",
                "instagram",
                "https://www.instagram.com/contoh.gerabahbumijaya",
                False,
            ),
            # Pak Sarmin did not consent to publication: recorded, never shown.
            ("Gerabah Pak Sarmin", "shopee", "https://shopee.co.id/contoh-gerabah-pak-sarmin", False),
        ],
    ),
    DemoMarket(
        "36.04.09.2005",
        "Batik Kabupaten Serang",
        variants=[
            ("Batik cap, kain 2 m", 175_000, "lembar", None, "2 × 1,15 m", None, 1, None),
            ("Batik tulis, kain 2 m", 550_000, "lembar", None, "2 × 1,15 m", None, 1, 30),
            ("Batik tulis pewarna alam, kain 2 m", 750_000, "lembar", None, "2 × 1,15 m", None, 1, 45),
        ],
        sales_points=[SERANG_GIFTS, SERANG_FAIR],
        markets=[("Kota Serang", CITY, 2015), ("Jakarta", CITY, 2018), ("Banten", PROVINCE, 2016)],
        shops=[
            ("Batik Kepandean", "tokopedia", "https://www.tokopedia.com/contoh-batik-kepandean", False),
            ("Batik Kepandean", "blibli", "https://www.blibli.com/merchant/contoh-batik-kepandean", False),
            ("Batik Kepandean", "facebook", "https://www.facebook.com/contoh.batikkepandean", False),
        ],
    ),
    DemoMarket(
        "36.04.05.2004",
        "Kerupuk Ikan Toyomerto",
        variants=[
            ("Kemasan 250 g", 18_000, "bungkus", 250, "", 180, 1, None),
            ("Kemasan 500 g", 30_000, "bungkus", 500, "", 180, 1, None),
            ("Karton isi 20 bungkus 250 g", 330_000, "karton", 5_000, "", 180, 1, 5),
        ],
        sales_points=[("Warung Pesisir Toyomerto (contoh)", TOKO, "Kecamatan Kramatwatu"), SERANG_MARKET],
        markets=[("Kota Serang", CITY, 2014), ("Cilegon", CITY, 2016), ("Banten", PROVINCE, 2018)],
        shops=[("KUB Kerupuk Toyomerto", "shopee", "https://shopee.co.id/contoh-kerupuk-toyomerto", True)],
    ),
    DemoMarket(
        "36.04.06.2006",
        "Golok Sukadalem",
        variants=[
            ("Bilah 25 cm", 120_000, "buah", 450, "bilah 25 cm, total 38 cm", None, 1, 7),
            ("Bilah 35 cm", 200_000, "buah", 650, "bilah 35 cm, total 50 cm", None, 1, 10),
            ("Bilah 45 cm, sarung kayu", 350_000, "buah", 900, "bilah 45 cm, total 62 cm", None, 1, 14),
        ],
        sales_points=[("Bengkel Pandai Besi Sukadalem (contoh)", TOKO, "Kecamatan Waringinkurung")],
        markets=[("Kota Serang", CITY, 2008), ("Lebak", CITY, 2015)],
        shops=[
            ("Pandai Besi Sukadalem", "facebook", "https://www.facebook.com/contoh.golok.sukadalem", False)
        ],
    ),
    DemoMarket(
        "36.04.17.2001",
        "Jahe Merah Instan Carenang",
        variants=[
            ("Kemasan 200 g", 20_000, "bungkus", 200, "", 365, 1, None),
            ("Kemasan 500 g", 45_000, "bungkus", 500, "", 365, 1, None),
        ],
        sales_points=[SERANG_GIFTS, ("Toko Desa Carenang (contoh)", TOKO, "Kecamatan Carenang")],
        markets=[("Kota Serang", CITY, 2019)],
        shops=[
            ("UMKM Rempah Carenang", "shopee", "https://shopee.co.id/contoh-rempah-carenang", False),
            ("UMKM Rempah Carenang", "tiktok", "https://www.tiktok.com/@contoh.rempahcarenang", False),
        ],
    ),
    DemoMarket(
        "36.04.17.2002",
        "Gula Aren Pamanuk",
        variants=[
            ("Gula aren cetak 500 g", 14_000, "bungkus", 500, "", 180, 1, None),
            ("Gula aren cetak 1 kg", 27_000, "bungkus", 1_000, "", 180, 1, None),
            ("Gula aren curah 25 kg", 600_000, "karung", 25_000, "", 180, 1, 7),
        ],
        sales_points=[("Warung Tani Pamanuk (contoh)", TOKO, "Kecamatan Carenang"), SERANG_MARKET],
        markets=[("Kota Serang", CITY, 2010), ("Tangerang", CITY, 2017)],
        shops=[
            (
                "Kelompok Penyadap Aren Pamanuk",
                "bela",
                "https://bela.lkpp.go.id/contoh-gula-aren-pamanuk",
                True,
            )
        ],
    ),
    DemoMarket(
        "36.04.19.2001",
        "Keripik Singkong Petir",
        variants=[
            ("Pedas manis 200 g", 10_000, "bungkus", 200, "", 90, 1, None),
            ("Original 200 g", 10_000, "bungkus", 200, "", 90, 1, None),
            ("Pedas manis 1 kg", 45_000, "bungkus", 1_000, "", 90, 1, 3),
        ],
        sales_points=[("Warung Bu Juju (contoh)", TOKO, "Kecamatan Petir"), SERANG_GIFTS],
        markets=[("Kota Serang", CITY, 2018)],
        shops=[("Keripik Ibu Juju", "shopee", "https://shopee.co.id/contoh-keripik-ibu-juju", True)],
    ),
    # Emping: Bu Enah did not consent; her shop is recorded and must not appear.
    DemoMarket(
        "36.04.19.2005",
        "Emping Melinjo Padasuka",
        variants=[
            ("Kemasan 250 g", 30_000, "bungkus", 250, "", 180, 1, None),
            ("Kemasan 1 kg", 110_000, "bungkus", 1_000, "", 180, 1, None),
        ],
        sales_points=[SERANG_GIFTS, SERANG_MARKET],
        markets=[("Kota Serang", CITY, 2012), ("Jakarta", CITY, 2016), ("Banten", PROVINCE, 2014)],
        shops=[
            (
                "KWT Melinjo Padasuka",
                "tokopedia",
                "https://www.tokopedia.com/contoh-kwt-melinjo-padasuka",
                False,
            ),
            ("Emping Bu Enah", "shopee", "https://shopee.co.id/contoh-emping-bu-enah", False),
            ("Emping Bu Enah", "instagram", "https://www.instagram.com/contoh.empingbuenah", False),
        ],
    ),
    # Opak ketan: sold only offline, in shops and at the regency's gift centre.
    DemoMarket(
        "36.04.06.2001",
        "Opak Ketan Waringinkurung",
        variants=[
            ("Isi 10", 12_000, "bungkus", 200, "", 60, 1, None),
            ("Isi 25", 28_000, "bungkus", 500, "", 60, 1, None),
        ],
        sales_points=[
            ("Warung Mang Udin (contoh)", TOKO, "Kecamatan Waringinkurung"),
            SERANG_GIFTS,
            ("Agen Opak Cilegon (contoh)", RESELLER, "Kota Cilegon"),
        ],
        markets=[("Kota Serang", CITY, 2011), ("Cilegon", CITY, 2015)],
    ),
    DemoMarket(
        "36.04.05.2003",
        "Bandeng Presto Pejaten",
        variants=[
            ("1 ekor, vakum", 40_000, "ekor", 375, "", 30, 1, None),
            ("Paket 3 ekor, vakum", 110_000, "paket", 1_125, "", 30, 1, None),
        ],
        sales_points=[SERANG_GIFTS, SERANG_MARKET],
        markets=[("Kota Serang", CITY, 2013), ("Jakarta", CITY, 2019)],
        shops=[
            ("Presto Bandeng Pejaten", "shopee", "https://shopee.co.id/contoh-presto-bandeng-pejaten", True)
        ],
    ),
    # Keripik pisang: sold only online.
    DemoMarket(
        "36.04.17.2003",
        "Keripik Pisang Mandaya",
        variants=[
            ("Original 200 g", 12_000, "bungkus", 200, "", 90, 1, None),
            ("Cokelat 200 g", 15_000, "bungkus", 200, "", 90, 1, None),
        ],
        shops=[
            ("Keripik Pisang Mandaya", "shopee", "https://shopee.co.id/contoh-keripik-pisang-mandaya", True),
            ("Keripik Pisang Mandaya", "tiktok", "https://www.tiktok.com/@contoh.keripikmandaya", False),
            ("Keripik Pisang Mandaya", "instagram", "https://www.instagram.com/contoh.keripikmandaya", False),
        ],
    ),
    # --- Kabupaten Bangka Barat --------------------------------------------------------------------
    DemoMarket(
        "19.05.04.2005",
        "Kerajinan Anyaman Rotan Dendang",
        variants=[
            ("Keranjang rotan kecil", 75_000, "buah", None, "Ø 25 × 20 cm", None, 1, 7),
            ("Tas anyaman rotan", 250_000, "buah", None, "30 × 10 × 25 cm", None, 1, 14),
            ("Kursi rotan", 1_500_000, "buah", None, "55 × 60 × 85 cm", None, 1, 30),
        ],
        sales_points=[
            ("Sentra Rotan Dendang (contoh)", TOKO, "Kecamatan Kelapa"),
            MUNTOK_GIFTS,
            BABEL_FAIR,
        ],
        markets=[
            ("Pangkalpinang", CITY, 2010),
            ("Kepulauan Bangka Belitung", PROVINCE, 2005),
            ("Jakarta", CITY, 2017),
        ],
        shops=[
            ("Sentra Rotan Dendang", "tokopedia", "https://www.tokopedia.com/contoh-rotan-dendang", False),
            ("Sentra Rotan Dendang", "facebook", "https://www.facebook.com/contoh.rotandendang", False),
        ],
    ),
    DemoMarket(
        "19.05.01.2006",
        "Pempek Udang Belo Laut",
        variants=[
            ("Beku 500 g (isi 10)", 65_000, "bungkus", 500, "", 30, 1, None),
            ("Beku 1 kg (isi 20)", 120_000, "bungkus", 1_000, "", 30, 1, None),
            ("Segar dingin 500 g (isi 10)", 60_000, "bungkus", 500, "", 2, 1, None),
            ("Paket kirim beku 5 kg", 575_000, "paket", 5_000, "40 × 30 × 30 cm", 30, 1, 2),
        ],
        sales_points=[
            ("Warung Pempek Belo Laut (contoh)", TOKO, "Kecamatan Mentok"),
            MUNTOK_GIFTS,
            BABEL_MARKET,
        ],
        # The source article (2016): sold as far as Jakarta, Bandung and Palembang.
        markets=[
            ("Palembang", CITY, 2016),
            ("Jakarta", CITY, 2016),
            ("Bandung", CITY, 2016),
            ("Pangkalpinang", CITY, 2012),
        ],
        shops=[
            ("Pempek Udang Bu Yati", "shopee", "https://shopee.co.id/contoh-pempek-udang-bu-yati", True),
            ("Pempek Udang Bu Yati", "instagram", "https://www.instagram.com/contoh.pempekbuyati", False),
            (
                "Rumah Produksi Pempek Belo Laut",
                "tokopedia",
                "https://www.tokopedia.com/contoh-pempek-belo-laut",
                False,
            ),
            (
                "Rumah Produksi Pempek Belo Laut",
                "tiktok",
                "https://www.tiktok.com/@contoh.pempekbelolaut",
                False,
            ),
        ],
    ),
    DemoMarket(
        "19.05.02.2004",
        "Lada Putih Peradong",
        variants=[
            ("Kemasan 100 g", 16_000, "bungkus", 100, "", 730, 1, None),
            ("Kemasan 250 g", 38_000, "bungkus", 250, "", 730, 1, None),
            ("Kemasan 1 kg", 140_000, "bungkus", 1_000, "", 730, 1, None),
        ],
        sales_points=[MUNTOK_GIFTS, BABEL_MARKET],
        markets=[("Pangkalpinang", CITY, 2015), ("Jakarta", CITY, 2018), ("Malaysia", COUNTRY, 2021)],
        shops=[
            ("Kelompok Tani Lada Peradong", "shopee", "https://shopee.co.id/contoh-lada-putih-peradong", True)
        ],
    ),
    DemoMarket(
        "19.05.05.2001",
        "Terasi Udang Tempilang",
        variants=[
            ("Kemasan 100 g", 10_000, "bungkus", 100, "", 180, 1, None),
            ("Kemasan 250 g", 22_000, "bungkus", 250, "", 180, 1, None),
        ],
        sales_points=[("Warung Nelayan Tempilang (contoh)", TOKO, "Kecamatan Tempilang"), MUNTOK_GIFTS],
        markets=[("Pangkalpinang", CITY, 2018)],
    ),
    DemoMarket(
        "19.05.03.2001",
        "Kemplang Ikan Jebus",
        variants=[
            ("Panggang 250 g", 20_000, "bungkus", 250, "", 90, 1, None),
            ("Panggang 500 g", 35_000, "bungkus", 500, "", 90, 1, None),
        ],
        sales_points=[MUNTOK_GIFTS],
        markets=[("Pangkalpinang", CITY, 2019)],
        shops=[("Kemplang Bu Ros", "shopee", "https://shopee.co.id/contoh-kemplang-bu-ros", False)],
    ),
]


@transaction.atomic
def demo_market_create() -> int:
    """Variants, points of sale, markets reached and shop links of the demo products that were loaded;
    returns how many records were created (none on a second run)."""
    products = {
        (product.village_id, product.name): product
        for product in Product.objects.filter(
            name__in=[item.product for item in DEMO_MARKETS],
            village_id__in=[item.code for item in DEMO_MARKETS],
        )
    }
    created = 0
    for item in DEMO_MARKETS:
        product = products.get((item.code, item.product))
        if product is None:  # its regency is not loaded
            continue
        for position, (name, price, unit, grams, size, shelf, minimum, lead) in enumerate(item.variants):
            _, was_created = ProductVariant.objects.get_or_create(
                product=product,
                name=name,
                defaults={
                    "price": price,
                    "unit": unit,
                    "net_weight_grams": grams,
                    "dimensions": size,
                    "shelf_life_days": shelf,
                    "min_order": minimum,
                    "lead_time_days": lead,
                    "position": position,
                },
            )
            created += was_created
        for name, kind, place in item.sales_points:
            _, was_created = SalesPoint.objects.get_or_create(
                product=product, name=name, place=place, defaults={"kind": kind}
            )
            created += was_created
        for name, level, since in item.markets:
            _, was_created = MarketArea.objects.get_or_create(
                product=product, name=name, defaults={"level": level, "since_year": since}
            )
            created += was_created
        producers = {p.business_name: p for p in Producer.objects.filter(products=product)}
        for business, platform, url, own_listing in item.shops:
            link, was_created = ShopLink.objects.get_or_create(
                producer=producers[business],
                url=url,
                defaults={"platform": platform, "product": product if own_listing else None},
            )
            if was_created:
                link.full_clean()  # the address fits its platform, the product is the producer's
            created += was_created
    return created
