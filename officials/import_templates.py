"""The import templates: each kind's columns, one coherent example row (the village code is the village
named, the address lies in it, the product fits its category, the product, programme and quarter are
real ones of the official's area) and, in the XLSX, a sheet of instructions and a dropdown on every
coded column (the lists on a hidden sheet). A CSV template is the columns and the example row only.

The producer and product examples are marked CONTOH and refused on import (they would add a
producer or product nobody has); the others name records that exist, so the template imports as it is.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import Delivery, MentoringVisit, OutcomeRecord, Programme
from core.sheet_import import EXAMPLE_PREFIX, SheetImportResource
from products.models import Category, LegalityDocument, Producer, Product
from villages.models import Village
from villages.roles import Scope

from .imports import IMPORT_NOUNS

EXAMPLE_DELIVERY_VALUE = 2_500_000


def _first_village(scope: Scope) -> Village | None:
    villages = Village.objects.for_scope(scope).select_related("district")
    return villages.order_by("district__name", "name").first()


def _first_product(scope: Scope) -> Product | None:
    products = Product.objects.for_scope(scope).select_related("village__district", "category")
    return products.order_by("name", "pk").first()


def _craft() -> Category | None:
    """The category of the example product (pottery): crafts, else the first there is."""
    categories = Category.objects.order_by("position", "name")
    return categories.filter(slug="kerajinan").first() or categories.first()


def _producer(scope: Scope) -> Producer:
    village = _first_village(scope)
    street = f"Kp. Sukamaju RT 01/02, {village.name}" if village else "Kp. Sukamaju RT 01/02"
    return Producer(
        village=village,
        business_name=f"{EXAMPLE_PREFIX} {_('Gerabah Sari (hapus baris ini)')}",
        owner_name="Ibu Sari",
        kind=Producer.Kind.KELOMPOK,
        address=street,
        whatsapp="+6281234567890",
        nib="",
        workers=5,
        year_started=2015,
    )


def _product(scope: Scope) -> Product:
    category = _craft()
    crafts = category is not None and category.slug == "kerajinan"
    example = Product(
        village=_first_village(scope),
        name=f"{EXAMPLE_PREFIX} "
        + (_("Gerabah hias (hapus baris ini)") if crafts else _("Produk desa (hapus baris ini)")),
        category=category,
        status=Product.Status.DRAFT,
        story=_("Dibuat dari tanah liat desa, dibakar di tungku tradisional.") if crafts else "",
        price_min=25000,
        price_max=150000,
        price_unit=_("per buah"),
        monthly_capacity=500,
        capacity_unit=_("buah"),
        market_reach=Product.MarketReach.PROVINCE,
    )
    example.market_area_names = ["Serang", "Cilegon", "Jakarta"]  # ProductResource's "Pasar yang dicapai"
    return example


def _legality(scope: Scope) -> LegalityDocument:
    product = _first_product(scope)
    producer = None
    if product is None:
        producer = Producer.objects.for_scope(scope).order_by("business_name", "pk").first()
    return LegalityDocument(
        product=product,
        producer=producer,
        kind=LegalityDocument.Kind.HKI,
        number="IDM000123456",
        issued_on=datetime.date(2024, 3, 1),
        expires_on=datetime.date(2034, 3, 1),
    )


def _delivery(scope: Scope) -> Delivery:
    product = _first_product(scope)
    programme = (
        Programme.objects.exclude(status=Programme.Status.CLOSED).with_totals().order_by("-fiscal_year", "pk")
    ).first()
    value = EXAMPLE_DELIVERY_VALUE
    if programme is not None:  # within what is left of the budget, so the example row imports
        value = max(min(value, programme.budget - programme.committed), 0)
    return Delivery(
        programme=programme,
        village=product.village if product else _first_village(scope),
        product=product,
        delivered_on=timezone.localdate(),
        value=value,
        description=_("Satu unit alat pengemas"),
        status=Delivery.Status.DELIVERED,
    )


def _visit(scope: Scope) -> MentoringVisit:
    today = timezone.localdate()
    return MentoringVisit(
        product=_first_product(scope),
        visited_on=today,
        findings=_("Label kemasan belum mencantumkan komposisi dan tanggal kedaluwarsa."),
        next_action=_("Mendampingi desain label kemasan baru"),
        next_action_due=today + datetime.timedelta(days=30),
    )


def _outcome(scope: Scope) -> OutcomeRecord:
    """The last finished quarter the product has no figures for (within three years)."""
    product = _first_product(scope)
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3  # the quarter before this one
    taken = set()
    if product is not None:
        taken = set(OutcomeRecord.objects.filter(product=product).values_list("year", "quarter"))
    for _step in range(12):
        if quarter == 0:
            year, quarter = year - 1, 4
        if (year, quarter) not in taken:
            break
        quarter -= 1
    return OutcomeRecord(
        product=product,
        year=year,
        quarter=quarter,
        production_volume=1200,
        volume_unit=_("buah"),
        turnover=18_000_000,
        workers=6,
        markets_reached=3,
        online_shops=2,
        new_legality_documents=0,
    )


EXAMPLES = {
    "produsen": _producer,
    "produk": _product,
    "legalitas": _legality,
    "penyaluran": _delivery,
    "kunjungan": _visit,
    "capaian": _outcome,
}


def example_row(kind: str, resource: SheetImportResource, scope: Scope) -> list:
    row = [("" if value is None else value) for value in resource.export_resource(EXAMPLES[kind](scope))]
    if kind == "produk":
        row[resource.get_export_headers().index("Produsen")] = "1234567890123; Kelompok Gerabah Sari"
    return row


def instructions(resource: SheetImportResource, kind: str, choices: dict[str, list[str]]) -> list[list]:
    rows = [[_("Kolom"), _("Wajib"), _("Keterangan")]]
    rows += [
        [column, _("ya") if required else "", note] for column, required, note in resource.column_notes()
    ]
    rows += [
        [],
        [
            _("Satu baris untuk satu %(what)s. Baris judul kolom tetap di baris 1.")
            % {"what": IMPORT_NOUNS[kind]}
        ],
        [
            _("Baris contoh yang bertanda CONTOH harus dihapus.")
            if kind in ("produsen", "produk")
            else _("Baris contoh memakai data wilayah Anda; ganti atau hapus sebelum mengimpor.")
        ],
    ]
    rows += [[_("Nilai yang diizinkan")]]
    village_column = getattr(resource, "VILLAGE_COLUMN", None)
    rows += [
        [column, "", ", ".join(values)] for column, values in choices.items() if column != village_column
    ]
    return rows
