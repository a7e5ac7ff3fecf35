"""Assistance records imported from a regency's spreadsheets: deliveries, mentoring visits and outcome
figures, with the same preview and all-or-nothing import as producers and products
(core.sheet_import.SheetImportResource). Products and producers are named by keys that do not change
(products.resources.keys); the importing official is the visit's officer, the delivery's responsible
officer and the figures' recorder. Every rule is the models' own (full_clean, constraints); a
delivery also passes the budget check of assistance.services, as one recorded through the form.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from core.errors import Refused
from core.sheet_cells import (
    ChoiceWidget,
    DateWidget,
    RupiahWidget,
    TextWidget,
    WholeNumberWidget,
    cell_text,
    normal_name,
)
from core.sheet_import import SheetImportMeta, SheetImportResource
from products.resources import ProducerKeyWidget, ProductKeyWidget
from villages.resources import VillageSheetResource
from villages.roles import NO_SCOPE, Scope

from ..models import Delivery, MentoringVisit, OutcomeRecord, Programme
from ..services import budget_check

PRODUCT_COLUMN = "Produk (slug atau ID)"
PRODUCER_COLUMN = "Produsen (NIB atau ID)"
YEAR_COLUMN = "Tahun anggaran"
KEY_NOTES = {
    PRODUCT_COLUMN: gettext_lazy(
        "Slug produk (bagian akhir alamat katalognya) atau nomor ID-nya; hanya produk di wilayah Anda."
    ),
    PRODUCER_COLUMN: gettext_lazy("NIB (13 angka) atau nomor ID produsen; hanya produsen di wilayah Anda."),
}


class ProgrammeWidget(widgets.Widget):
    """A programme by its name, whatever the case; the row's fiscal year picks among programmes of
    the same name."""

    def __init__(self):
        super().__init__(coerce_to_string=False)
        self._by_name: dict[str, list[Programme]] | None = None

    def load(self, names: set[str], lock: bool = False) -> None:
        """Every programme (they are few); when importing, those the file names are locked, as
        delivery_record locks its programme: the budget is checked against totals no one moves."""
        self._by_name = defaultdict(list)
        for programme in Programme.objects.order_by("-fiscal_year", "pk"):
            self._by_name[normal_name(programme.name)].append(programme)
        if lock:
            named = [p.pk for name in names for p in self._by_name.get(normal_name(name), [])]
            locked = Programme.objects.select_for_update().order_by("pk").in_bulk(named)
            for name, programmes in self._by_name.items():
                self._by_name[name] = [locked.get(p.pk, p) for p in programmes]

    def clean(self, value, row=None, **kwargs) -> Programme | None:
        name = cell_text(value)
        if not name:
            raise ValueError(_("Wajib diisi."))
        if self._by_name is None:
            self.load({name})
        found = self._by_name.get(normal_name(name), [])
        year = cell_text((row or {}).get(YEAR_COLUMN))
        if len(found) > 1 and year:
            found = [programme for programme in found if str(programme.fiscal_year) == year]
        if not found:
            raise ValueError(
                _("Program “%(name)s” tidak dikenal. Tulis nama program persis seperti di portal.")
                % {"name": name}
            )
        if len(found) > 1:
            raise ValueError(
                _("Ada beberapa program bernama “%(name)s”; isi tahun anggarannya.") % {"name": name}
            )
        return found[0]

    def allowed(self) -> list[str]:
        names = Programme.objects.exclude(status=Programme.Status.CLOSED).order_by("-fiscal_year", "name")
        return list(dict.fromkeys(names.values_list("name", flat=True)))

    def render(self, value, obj=None, **kwargs) -> str:
        return value.name if value is not None else ""


class QuarterWidget(WholeNumberWidget):
    """A quarter: 1 to 4, or I to IV."""

    ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}

    def clean(self, value, row=None, **kwargs) -> int | None:
        text = cell_text(value).upper().removeprefix("T").strip()
        if text in self.ROMAN:
            return self.ROMAN[text]
        number = super().clean(text, row, **kwargs)
        if number is not None and not 1 <= number <= 4:
            raise ValueError(_("Triwulan 1 sampai 4 (atau I sampai IV)."))
        return number

    def allowed(self) -> list[str]:
        return list(self.ROMAN)

    def render(self, value, obj=None, **kwargs):
        return {v: k for k, v in self.ROMAN.items()}.get(value, value)


def _key_fields(scope: Scope, resource) -> None:
    resource.fields["product"].widget = ProductKeyWidget(scope)
    if "producer" in resource.fields:
        resource.fields["producer"].widget = ProducerKeyWidget(scope)


def _preload_keys(resource, dataset) -> None:
    for name in ("product", "producer"):
        field = resource.fields.get(name)
        if field is not None and field.column_name in dataset.headers:
            field.widget.preload(dataset[field.column_name])


def _pk(obj) -> int | None:
    return obj.pk if obj is not None else None


class DeliveryResource(VillageSheetResource):
    """Deliveries of programmes to villages (and their products or producers), matched by programme,
    village, date and description: a corrected value or status is an update."""

    NAME_ATTRIBUTE = "description"
    REQUIRED_COLUMNS = ("Program", "Kode desa", "Tanggal", "Nilai (Rp)", "Uraian")
    RELATED = ("programme", "village__district", "product", "producer")
    NOTES = {
        **VillageSheetResource.NOTES,
        **KEY_NOTES,
        "Program": gettext_lazy("Wajib. Nama program bantuan seperti di portal (lihat lembar ini)."),
        YEAR_COLUMN: gettext_lazy("Dipakai hanya bila ada beberapa program bernama sama."),
        "Tanggal": gettext_lazy("Wajib. Misalnya 31/12/2024 atau 2024-12-31."),
        "Nilai (Rp)": gettext_lazy("Wajib. Rupiah tanpa sen, misalnya Rp 2.500.000 atau 2500000."),
        "Uraian": gettext_lazy("Wajib. Misalnya: satu unit tungku pembakaran."),
        "Status": gettext_lazy("Direncanakan, Tersalurkan atau Dibatalkan. Kosong: Tersalurkan."),
    }

    programme = fields.Field(attribute="programme", column_name="Program", widget=ProgrammeWidget())
    fiscal_year = fields.Field(
        attribute="programme__fiscal_year", column_name=YEAR_COLUMN, widget=WholeNumberWidget(), readonly=True
    )
    product = fields.Field(attribute="product", column_name=PRODUCT_COLUMN, widget=ProductKeyWidget(NO_SCOPE))
    producer = fields.Field(
        attribute="producer", column_name=PRODUCER_COLUMN, widget=ProducerKeyWidget(NO_SCOPE)
    )
    delivered_on = fields.Field(attribute="delivered_on", column_name="Tanggal", widget=DateWidget())
    value = fields.Field(attribute="value", column_name="Nilai (Rp)", widget=RupiahWidget())
    description = fields.Field(attribute="description", column_name="Uraian", widget=TextWidget(True))
    status = fields.Field(
        attribute="status",
        column_name="Status",
        widget=ChoiceWidget(Delivery.Status),
        default=Delivery.Status.DELIVERED,
    )

    class Meta(SheetImportMeta):
        model = Delivery
        fields = (
            "programme",
            "fiscal_year",
            "village",
            "village_name",
            "district_name",
            "product",
            "producer",
            "delivered_on",
            "value",
            "description",
            "status",
        )

    def __init__(self, *, scope: Scope = NO_SCOPE, **kwargs):
        super().__init__(scope=scope, **kwargs)
        _key_fields(scope, self)
        self.fields["programme"].widget = ProgrammeWidget()
        self._added: dict[int, int] = defaultdict(int)
        self._was_live: dict[int, int] = {}

    def before_import(self, dataset, **kwargs) -> None:
        lock = kwargs.get("lock_rows", False)
        self.fields["programme"].widget.load(self._column_values(dataset, "programme"), lock=lock)
        _preload_keys(self, dataset)
        villages = self._column_values(dataset, "village")
        self._by_key: dict[tuple, int] = {}
        existing = Delivery.objects.for_scope(self.scope).filter(village_id__in=villages)
        for pk, programme, village, day, description in existing.values_list(
            "pk", "programme_id", "village_id", "delivered_on", "description"
        ):
            self._by_key.setdefault((programme, village, day, normal_name(description)), pk)
        self._preload(self._by_key.values(), lock=lock)

    def _key(self, row) -> tuple | None:
        programme, village = self._cell(row, "programme"), self._cell(row, "village")
        day, description = self._cell(row, "delivered_on"), self._cell(row, "description")
        if not (programme and village and day and description):
            return None
        return (programme.pk, village.code, day, normal_name(description))

    def get_instance(self, instance_loader, row) -> Delivery | None:
        try:
            key = self._key(row)
        except ValueError:
            return None
        pk = self._by_key.get(key) if key else None
        if not pk:
            return None
        delivery = self._claim(Delivery, pk, "description")
        self._was_live[pk] = 0 if delivery.status == Delivery.Status.CANCELLED else delivery.value
        return delivery

    def row_key(self, row) -> tuple | None:
        key = self._key(row)
        return ("description", *key) if key else None

    def key_description(self, key: tuple) -> str:
        return _("program, kode desa, tanggal dan uraian")

    def import_instance(self, instance, row, **kwargs) -> None:
        if instance.pk is None:
            instance.officer = self.user
        super().import_instance(instance, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True) -> None:
        """The model's rules, then those delivery_record applies: no new delivery in a closed
        programme, and planned and delivered deliveries within the budget (this file's rows counted)."""
        errors: dict = {}
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        programme = instance.programme if instance.programme_id else None
        if programme is not None and "value" not in errors and instance.value is not None:
            if instance.pk is None and programme.status == Programme.Status.CLOSED:
                errors.setdefault("programme", []).append(
                    _("Program %(programme)s sudah selesai; tidak ada penyaluran baru.")
                    % {"programme": programme.name}
                )
            live = 0 if instance.status == Delivery.Status.CANCELLED else instance.value
            extra = live - self._was_live.get(instance.pk, 0)
            if extra > 0:
                try:
                    budget_check(programme, extra=self._added[programme.pk] + extra)
                except Refused as refusal:
                    errors.setdefault("value", []).append(refusal.message)
            if not errors:
                self._added[programme.pk] += extra
        if errors:
            raise ValidationError(errors)


class VisitResource(SheetImportResource):
    """Mentoring visits to a product or a producer of the area, by the importing official; matched by
    subject and date among the official's own visits, so a corrected finding is an update."""

    NAME_ATTRIBUTE = "findings"
    SUBJECT_FIELDS = ("product", "producer")
    REQUIRED_COLUMNS = ("Tanggal kunjungan", "Temuan")
    RELATED = ("product", "producer")
    NOTES = {
        **KEY_NOTES,
        PRODUCT_COLUMN: gettext_lazy(
            "Slug produk atau nomor ID-nya. Isi ini atau kolom produsen; hanya di wilayah Anda."
        ),
        "Tanggal kunjungan": gettext_lazy("Wajib. Misalnya 31/12/2024 atau 2024-12-31."),
        "Temuan": gettext_lazy("Wajib. Apa yang ditemukan saat kunjungan."),
        "Tindak lanjut": gettext_lazy("Tindak lanjut yang disepakati; wajib bila ada batas waktunya."),
        "Batas waktu tindak lanjut": gettext_lazy("Tidak boleh sebelum tanggal kunjungan."),
    }

    product = fields.Field(attribute="product", column_name=PRODUCT_COLUMN, widget=ProductKeyWidget(NO_SCOPE))
    producer = fields.Field(
        attribute="producer", column_name=PRODUCER_COLUMN, widget=ProducerKeyWidget(NO_SCOPE)
    )
    visited_on = fields.Field(attribute="visited_on", column_name="Tanggal kunjungan", widget=DateWidget())
    findings = fields.Field(attribute="findings", column_name="Temuan", widget=TextWidget(True))
    next_action = fields.Field(attribute="next_action", column_name="Tindak lanjut", widget=TextWidget())
    next_action_due = fields.Field(
        attribute="next_action_due", column_name="Batas waktu tindak lanjut", widget=DateWidget()
    )

    class Meta(SheetImportMeta):
        model = MentoringVisit
        fields = ("product", "producer", "visited_on", "findings", "next_action", "next_action_due")

    def __init__(self, *, scope: Scope = NO_SCOPE, **kwargs):
        super().__init__(scope=scope, **kwargs)
        _key_fields(scope, self)

    def before_import(self, dataset, **kwargs) -> None:
        _preload_keys(self, dataset)
        products = [p.pk for p in self.fields["product"].widget._found.values()]
        producers = [p.pk for p in self.fields["producer"].widget._found.values()]
        own = MentoringVisit.objects.filter(officer_id=getattr(self.user, "pk", None))
        visits = own.filter(product_id__in=products) | own.filter(producer_id__in=producers)
        self._by_key = {
            (product, producer, day): pk
            for pk, product, producer, day in visits.values_list(
                "pk", "product_id", "producer_id", "visited_on"
            )
        }
        self._preload(self._by_key.values(), lock=kwargs.get("lock_rows", False))

    def _key(self, row) -> tuple | None:
        product, producer = self._cell(row, "product"), self._cell(row, "producer")
        day = self._cell(row, "visited_on")
        if bool(product) == bool(producer) or not day:
            return None
        return (_pk(product), _pk(producer), day)

    def get_instance(self, instance_loader, row) -> MentoringVisit | None:
        try:
            key = self._key(row)
        except ValueError:
            return None
        pk = self._by_key.get(key) if key else None
        return self._claim(MentoringVisit, pk, "visited_on") if pk else None

    def row_key(self, row) -> tuple | None:
        key = self._key(row)
        return ("visited_on", *key) if key else None

    def key_description(self, key: tuple) -> str:
        return _("produk atau produsen dan tanggal kunjungan")

    def import_instance(self, instance, row, **kwargs) -> None:
        if instance.pk is None:
            instance.officer = self.user
        super().import_instance(instance, row, **kwargs)


class OutcomeResource(SheetImportResource):
    """A product's figures for one quarter. Only new quarters: a quarter already recorded for the
    product is refused (the model's unique constraint); it is corrected on the product's page."""

    NAME_ATTRIBUTE = "product"
    REQUIRED_COLUMNS = (
        PRODUCT_COLUMN,
        "Tahun",
        "Triwulan",
        "Volume produksi",
        "Satuan volume",
        "Omzet (Rp)",
        "Tenaga kerja",
        "Jumlah pasar/kota tujuan",
    )
    RELATED = ("product",)
    NOTES = {
        PRODUCT_COLUMN: gettext_lazy("Wajib. Slug produk atau nomor ID-nya; hanya produk di wilayah Anda."),
        "Tahun": gettext_lazy("Wajib. Misalnya 2025."),
        "Triwulan": gettext_lazy("Wajib. I, II, III atau IV (atau 1 sampai 4). Satu baris per triwulan."),
        "Volume produksi": gettext_lazy("Wajib. Bilangan bulat."),
        "Satuan volume": gettext_lazy("Wajib. Misalnya buah, kg, lembar."),
        "Omzet (Rp)": gettext_lazy("Wajib. Rupiah tanpa sen, misalnya Rp 2.500.000 atau 2500000."),
        "Tenaga kerja": gettext_lazy("Wajib. Bilangan bulat."),
        "Jumlah pasar/kota tujuan": gettext_lazy("Wajib. Bilangan bulat."),
        "Toko daring aktif": gettext_lazy(
            "Bilangan bulat: toko di marketplace atau e-Katalog yang aktif menjual produk ini. Kosong: 0."
        ),
        "Dokumen legalitas baru": gettext_lazy("Bilangan bulat. Kosong: 0."),
    }

    product = fields.Field(attribute="product", column_name=PRODUCT_COLUMN, widget=ProductKeyWidget(NO_SCOPE))
    year = fields.Field(attribute="year", column_name="Tahun", widget=WholeNumberWidget())
    quarter = fields.Field(attribute="quarter", column_name="Triwulan", widget=QuarterWidget())
    production_volume = fields.Field(
        attribute="production_volume", column_name="Volume produksi", widget=WholeNumberWidget()
    )
    volume_unit = fields.Field(attribute="volume_unit", column_name="Satuan volume", widget=TextWidget())
    turnover = fields.Field(attribute="turnover", column_name="Omzet (Rp)", widget=RupiahWidget())
    workers = fields.Field(attribute="workers", column_name="Tenaga kerja", widget=WholeNumberWidget())
    markets_reached = fields.Field(
        attribute="markets_reached", column_name="Jumlah pasar/kota tujuan", widget=WholeNumberWidget()
    )
    online_shops = fields.Field(
        attribute="online_shops", column_name="Toko daring aktif", widget=WholeNumberWidget(), default=0
    )
    new_legality_documents = fields.Field(
        attribute="new_legality_documents",
        column_name="Dokumen legalitas baru",
        widget=WholeNumberWidget(),
        default=0,
    )

    class Meta(SheetImportMeta):
        model = OutcomeRecord
        fields = (
            "product",
            "year",
            "quarter",
            "production_volume",
            "volume_unit",
            "turnover",
            "workers",
            "markets_reached",
            "online_shops",
            "new_legality_documents",
        )

    def __init__(self, *, scope: Scope = NO_SCOPE, **kwargs):
        super().__init__(scope=scope, **kwargs)
        _key_fields(scope, self)

    def before_import(self, dataset, **kwargs) -> None:
        """The products named, and the quarters already recorded for them (the unique constraint)."""
        _preload_keys(self, dataset)
        products = [p.pk for p in self.fields["product"].widget._found.values()]
        recorded = OutcomeRecord.objects.filter(product_id__in=products)
        self._taken["outcome_once_per_quarter"] = {
            (product, year, quarter): pk
            for pk, product, year, quarter in recorded.values_list("pk", "product_id", "year", "quarter")
        }

    def get_instance(self, instance_loader, row) -> None:
        return None  # figures are only added: a recorded quarter is refused, not overwritten

    def row_key(self, row) -> tuple | None:
        # The product found, not its cell: one product written as its ID and as its slug is one product.
        try:
            product = self._cell(row, "product")
            year, quarter = self._cell(row, "year"), self._cell(row, "quarter")
        except ValueError:
            return None
        return ("quarter", product.pk, year, quarter) if product and year and quarter else None

    def key_description(self, key: tuple) -> str:
        return _("produk, tahun dan triwulan")

    def import_instance(self, instance, row, **kwargs) -> None:
        instance.recorded_by = self.user
        super().import_instance(instance, row, **kwargs)
