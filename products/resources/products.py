"""Products in spreadsheets: matched by product name and village code, their producers listed by NIB
or business name (ProducerListWidget)."""

import re

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from core.sheet_cells import (
    ChoiceWidget,
    RupiahWidget,
    TextWidget,
    WholeNumberWidget,
    cell_text,
    normal_name,
)
from core.sheet_import import WRITE_BATCH, SheetImportMeta
from villages.resources import VillageSheetResource
from villages.roles import NO_SCOPE, Scope

from ..models import MarketArea, Producer, Product
from ..search import search_refresh
from ..validators import normalise_nib
from .widgets import CategoryWidget

LIST_SEPARATOR = ";"


def as_nib(token: str) -> str:
    """The NIB a producer list names with this token, or '' when the token is a business name."""
    try:
        return normalise_nib(token)
    except ValidationError:
        return ""


class ProducerListWidget(widgets.ManyToManyWidget):
    """Producers separated by ";", each by NIB or by business name, within the official's area."""

    def __init__(self, scope: Scope):
        super().__init__(Producer, separator=LIST_SEPARATOR, field="pk")
        self.scope = scope
        self._found: dict[str, list[Producer]] = {}

    def preload(self, cells) -> None:
        """Find, in two queries for the whole file, every producer its cells name."""
        tokens = set()
        for cell in cells:
            try:
                text = cell_text(cell)
            except ValueError:
                continue
            tokens |= {" ".join(raw.split()) for raw in text.split(LIST_SEPARATOR)} - {""}
        nibs = {as_nib(t) for t in tokens} - {""}
        names = {t for t in tokens if not as_nib(t)}
        in_scope = Producer.objects.for_scope(self.scope).order_by("pk")
        by_nib: dict[str, list[Producer]] = {}
        for producer in in_scope.filter(nib__in=nibs):
            by_nib.setdefault(producer.nib, []).append(producer)
        by_name: dict[str, list[Producer]] = {}
        lowered = {name.lower() for name in names}
        for producer in in_scope.annotate(lowered=Lower("business_name")).filter(lowered__in=lowered):
            by_name.setdefault(producer.business_name.casefold(), []).append(producer)
        for token in tokens:
            nib = as_nib(token)
            found = by_nib.get(nib, []) if nib else by_name.get(token.casefold(), [])
            self._found[token.casefold()] = found[:10]

    def _candidates(self, token: str) -> list[Producer]:
        key = token.casefold()
        if key not in self._found:
            producers = Producer.objects.for_scope(self.scope)
            nib = as_nib(token)
            producers = producers.filter(nib=nib) if nib else producers.filter(business_name__iexact=token)
            self._found[key] = list(producers.order_by("pk")[:10])
        return self._found[key]

    def clean(self, value, row=None, **kwargs) -> list[Producer]:
        village_code = cell_text((row or {}).get(ProductResource.VILLAGE_COLUMN))
        listed_nibs = self.listed_nibs(row)
        chosen: dict[int, Producer] = {}
        for raw in cell_text(value).split(LIST_SEPARATOR):
            token = " ".join(raw.split())
            if not token:
                continue
            candidates = self._candidates(token)
            if len(candidates) > 1:
                candidates = [p for p in candidates if p.village_id == village_code] or candidates
            if len(candidates) > 1 and listed_nibs:
                candidates = [p for p in candidates if p.nib in listed_nibs] or candidates
            if not candidates:
                raise ValueError(
                    _(
                        "Produsen “%(name)s” tidak ditemukan di wilayah Anda. Impor produsennya lebih dulu, "
                        "atau tulis NIB atau nama usahanya persis."
                    )
                    % {"name": token}
                )
            if len(candidates) > 1:
                raise ValueError(
                    _("Ada beberapa produsen bernama “%(name)s”; tulis NIB-nya.") % {"name": token}
                )
            chosen[candidates[0].pk] = candidates[0]
        return list(chosen.values())

    @staticmethod
    def listed_nibs(row) -> set[str]:
        """The NIBs the row's "NIB produsen" column lists (what an export wrote beside the names)."""
        try:
            text = cell_text((row or {}).get(ProductResource.NIB_COLUMN))
        except ValueError:
            return set()
        return {as_nib(" ".join(raw.split())) for raw in text.split(LIST_SEPARATOR)} - {""}

    def render(self, value, obj=None, **kwargs) -> str:
        """The producers' business names; their NIBs have a column of their own ("NIB produsen")."""
        if value is None:
            return ""
        producers = value if isinstance(value, list) else value.all()
        return f"{LIST_SEPARATOR} ".join(p.business_name for p in producers)


MARKETS_COLUMN = "Pasar yang dicapai"
MARKET_SEPARATOR = ","


class MarketListWidget(widgets.Widget):
    """The cities and regions a product reaches, separated by commas: each name once (whatever its
    case), as a list; each name at most as long as MarketArea.name allows."""

    def clean(self, value, row=None, **kwargs) -> list[str]:
        names: dict[str, str] = {}
        limit = MarketArea._meta.get_field("name").max_length
        for raw in cell_text(value).split(MARKET_SEPARATOR):
            name = " ".join(raw.split())
            if len(name) > limit:
                raise ValueError(
                    _("Nama wilayah “%(name)s…” terlalu panjang (paling banyak %(limit)s huruf).")
                    % {"name": name[:30], "limit": limit}
                )
            if name:
                names.setdefault(name.casefold(), name)
        return list(names.values())

    def render(self, value, obj=None, **kwargs) -> str:
        return f"{MARKET_SEPARATOR} ".join(value or [])


class ProductResource(VillageSheetResource):
    """Products, matched by product name and village code (whatever the case and the spaces around);
    their producers are listed by NIB or business name, separated by ";".

    The export writes the producers' business names in "Produsen" and the NIBs of those who have one,
    in the same order, in "NIB produsen". The import reads "Produsen" (NIBs or names, as always);
    "NIB produsen" is only informative, except that it picks, among producers of the same name in
    the area, the one whose NIB it lists: an exported file imports back unchanged."""

    NIB_COLUMN = "NIB produsen"

    NAME_ATTRIBUTE = "name"
    REQUIRED_COLUMNS = ("Kode desa", "Nama produk", "Kategori")
    UNCHECKED_FIELDS = ("slug",)
    RELATED = ("village__district", "category")
    NOTES = {
        **VillageSheetResource.NOTES,
        "Nama produk": gettext_lazy("Wajib. Bersama kode desa, mengenali produk yang sudah terdaftar."),
        "Kategori": gettext_lazy("Wajib. Nama atau slug salah satu kategori di lembar ini."),
        "Status": gettext_lazy("Draf atau Terbit (tampil di katalog). Kosong: Draf."),
        "Harga terendah (Rp)": gettext_lazy("Rupiah tanpa sen, misalnya 25.000 atau 25000."),
        "Harga tertinggi (Rp)": gettext_lazy("Tidak boleh lebih rendah dari harga terendah."),
        "Kapasitas per bulan": gettext_lazy("Bilangan bulat."),
        "Jangkauan pasar": gettext_lazy("Salah satu nilai di lembar ini. Kosong: Desa dan sekitarnya."),
        "Produsen": gettext_lazy(
            "NIB atau nama usaha produsen yang sudah terdaftar di wilayah Anda, dipisah titik koma (;)."
        ),
        "NIB produsen": gettext_lazy(
            "Keterangan saja. Saat impor hanya dipakai untuk membedakan produsen yang bernama sama."
        ),
        MARKETS_COLUMN: gettext_lazy(
            "Kota atau wilayah yang sudah dicapai, dipisah koma. Saat impor, daftar ini menggantikan "
            "wilayah pemasaran produk (tahun mulai wilayah yang tetap ada tidak berubah); kosong: tidak ada."
        ),
    }

    name = fields.Field(attribute="name", column_name="Nama produk", widget=TextWidget(True))
    category = fields.Field(attribute="category", column_name="Kategori", widget=CategoryWidget())
    status = fields.Field(
        attribute="status",
        column_name="Status",
        widget=ChoiceWidget(Product.Status),
        default=Product.Status.DRAFT,
    )
    story = fields.Field(attribute="story", column_name="Cerita produk", widget=TextWidget())
    raw_materials = fields.Field(attribute="raw_materials", column_name="Bahan baku", widget=TextWidget())
    price_min = fields.Field(attribute="price_min", column_name="Harga terendah (Rp)", widget=RupiahWidget())
    price_max = fields.Field(attribute="price_max", column_name="Harga tertinggi (Rp)", widget=RupiahWidget())
    price_unit = fields.Field(attribute="price_unit", column_name="Satuan harga", widget=TextWidget())
    monthly_capacity = fields.Field(
        attribute="monthly_capacity", column_name="Kapasitas per bulan", widget=WholeNumberWidget()
    )
    capacity_unit = fields.Field(
        attribute="capacity_unit", column_name="Satuan kapasitas", widget=TextWidget()
    )
    market_reach = fields.Field(
        attribute="market_reach",
        column_name="Jangkauan pasar",
        widget=ChoiceWidget(Product.MarketReach),
        default=Product.MarketReach.VILLAGE,
    )
    # Not a column of the product: the names of its market areas (MarketArea), written after the rows.
    markets = fields.Field(
        attribute="market_area_names", column_name=MARKETS_COLUMN, widget=MarketListWidget()
    )
    producers = fields.Field(
        attribute="producers", column_name="Produsen", widget=ProducerListWidget(NO_SCOPE)
    )
    producer_nibs = fields.Field(column_name=NIB_COLUMN, widget=TextWidget(), readonly=True)

    class Meta(SheetImportMeta):
        model = Product
        fields = (
            "village",
            "village_name",
            "district_name",
            "name",
            "category",
            "status",
            "story",
            "raw_materials",
            "price_min",
            "price_max",
            "price_unit",
            "monthly_capacity",
            "capacity_unit",
            "market_reach",
            "markets",
            "producers",
            "producer_nibs",
        )

    def __init__(self, *, scope: Scope = NO_SCOPE, **kwargs):
        super().__init__(scope=scope, **kwargs)
        self.fields["producers"].widget = ProducerListWidget(scope)
        self._market_rows: list[Product] = []
        self._areas_by_product: dict[int, list[str]] = {}
        self._areas_all_read = False

    def dehydrate_producer_nibs(self, product: Product) -> str:
        if product.pk is None:  # the template's example
            return ""
        return f"{LIST_SEPARATOR} ".join(p.nib for p in product.producers.all() if p.nib)

    def dehydrate_markets(self, product: Product) -> str:
        """The names of the product's market areas: those a row of the file being imported gives it,
        else those it has (read once for the whole file or, on export, for the whole area)."""
        names = getattr(product, "market_area_names", None)
        if names is None:
            names = self._market_area_names(product)
        return f"{MARKET_SEPARATOR} ".join(names)

    def _market_area_names(self, product: Product) -> list[str]:
        if product.pk is None:  # a new product, or the template's example
            return []
        prefetched = getattr(product, "_prefetched_objects_cache", {}).get("market_areas")
        if prefetched is not None:
            return [area.name for area in prefetched]
        if product.pk not in self._areas_by_product and not self._areas_all_read:
            self._market_areas_read(product.pk)
        return self._areas_by_product.get(product.pk, [])

    def _market_areas_read(self, pk: int) -> None:
        """The names of many products' market areas in one query, the first time one is needed: on
        import, of every product the file may update (read by before_import); on export, whose chunks
        of products the resource never sees, of every product of the official's area."""
        areas = MarketArea.objects.order_by("level", "name", "pk")
        if pk in self._objects:
            areas = areas.filter(product_id__in=list(self._objects))
            for product_id in self._objects:
                self._areas_by_product.setdefault(product_id, [])
        else:
            areas = areas.filter(product__in=Product.objects.for_scope(self.scope).values("pk"))
            self._areas_all_read = True
        for product_id, name in areas.values_list("product_id", "name"):
            self._areas_by_product.setdefault(product_id, []).append(name)

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        """Unchanged also when the row lists the same market areas in another order or case."""
        names = getattr(instance, "market_area_names", None)
        if names is not None and original is not None:
            before = self._market_area_names(original)
            if {n.casefold() for n in names} != {n.casefold() for n in before}:
                return False
            original.market_area_names = names
        return super().skip_row(instance, original, row, import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        super().save_instance(instance, is_create, row, **kwargs)
        if not kwargs.get("dry_run") and getattr(instance, "market_area_names", None) is not None:
            self._market_rows.append(instance)

    def write_all(self) -> None:
        super().write_all()
        self._write_market_areas(self._market_rows)

    def _write_market_areas(self, products: list[Product]) -> None:
        """Each listed product's market areas become the names its row gives: the names that stay keep
        their row (and since when), the others are removed, the new ones added (at city level); with
        their history records, in a few queries for the whole file."""
        if not products:
            return
        current: dict[int, dict[str, MarketArea]] = {}
        for area in MarketArea.objects.filter(product__in=[p.pk for p in products]).order_by("pk"):
            current.setdefault(area.product_id, {})[area.name.casefold()] = area
        removed: list[MarketArea] = []
        added: list[MarketArea] = []
        for product in products:
            kept = current.get(product.pk, {})
            wanted = {name.casefold(): name for name in product.market_area_names}
            removed += [area for key, area in kept.items() if key not in wanted]
            added += [
                MarketArea(product_id=product.pk, name=name)
                for key, name in wanted.items()
                if key not in kept
            ]
        history = MarketArea.history
        user = getattr(self, "user", None)
        if removed:
            # simple-history writes deletions only one by one (post_delete): the records made here.
            now = timezone.now()
            history.model.objects.bulk_create(
                [
                    history.model(
                        history_date=now,
                        history_user=user,
                        history_type="-",
                        history_change_reason="",
                        **{field.attname: getattr(area, field.attname) for field in MarketArea._meta.fields},
                    )
                    for area in removed
                ],
                batch_size=WRITE_BATCH,
            )
            MarketArea.objects.filter(pk__in=[area.pk for area in removed]).delete()
        if added:
            created = MarketArea.objects.bulk_create(added, batch_size=WRITE_BATCH)
            history.bulk_history_create(created, batch_size=WRITE_BATCH, default_user=user)

    def before_import(self, dataset, **kwargs) -> None:
        """Find, in one query for the whole file, the products its rows may name."""
        villages = self._column_values(dataset, "village")
        self._by_name: dict[tuple[str, str], list[int]] = {}
        for pk, village_id, name in Product.objects.filter(village_id__in=villages).values_list(
            "pk", "village_id", "name"
        ):
            self._by_name.setdefault((village_id, normal_name(name)), []).append(pk)
        self._preload(
            [pk for pks in self._by_name.values() for pk in pks], lock=kwargs.get("lock_rows", False)
        )
        self._load_taken(dataset)
        producers = self.fields["producers"]
        if producers.column_name in dataset.headers:
            producers.widget.preload(dataset[producers.column_name])

    def prepare_create(self, instances: list) -> None:
        """Slugs as Product.save() makes them, the taken ones found in one query per 500 products."""
        bases = {}
        for product in instances:
            if not product.slug:
                bases[id(product)] = Product.slug_base(product.name, product.village.name)
        taken: set[str] = set()
        unique_bases = sorted(set(bases.values()))
        for start in range(0, len(unique_bases), WRITE_BATCH):
            chunk = unique_bases[start : start + WRITE_BATCH]
            pattern = "^(" + "|".join(re.escape(base) for base in chunk) + ")(-[0-9]+)?$"
            taken |= set(Product.objects.filter(slug__regex=pattern).values_list("slug", flat=True))
        for product in instances:
            base = bases.get(id(product))
            if base is None:
                continue
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            product.slug = slug
            taken.add(slug)

    def refresh_search(self, instances: list) -> None:
        search_refresh([product.pk for product in instances])

    def get_instance(self, instance_loader, row) -> Product | None:
        try:
            village, name = self._cell(row, "village"), self._cell(row, "name")
        except ValueError:
            return None
        if not (village and name):
            return None
        matches = self._by_name.get((village.code, normal_name(name)), [])
        if len(matches) > 1:
            raise ValidationError(
                {"name": _("Ada lebih dari satu produk bernama “%(name)s” di desa ini.") % {"name": name}}
            )
        return self._claim(Product, matches[0], "name") if matches else None

    def row_key(self, row) -> tuple | None:
        village = cell_text(row.get(self.VILLAGE_COLUMN))
        name = normal_name(cell_text(row.get("Nama produk")))
        return ("name", village, name) if village and name else None

    def key_description(self, key: tuple) -> str:
        return _("nama produk dan kode desa")
