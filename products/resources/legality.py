"""Legality documents in spreadsheets: each for one product (by slug or ID) or one producer (by NIB
or ID) of the official's area; matched by holder, kind and number, so a renewed date is an update.
Scans are never imported: they are uploaded on the document's page."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from core.sheet_cells import ChoiceWidget, DateWidget, TextWidget, normal_name
from core.sheet_import import SheetImportMeta, SheetImportResource
from villages.roles import NO_SCOPE, Scope

from ..models import LegalityDocument
from .keys import ProducerKeyWidget, ProductKeyWidget

PRODUCT_COLUMN = "Produk (slug atau ID)"
PRODUCER_COLUMN = "Produsen (NIB atau ID)"
ISSUER_COLUMN = "Penerbit"

HOLDER_NOTES = {
    PRODUCT_COLUMN: gettext_lazy(
        "Slug produk (bagian akhir alamat katalognya, misalnya gerabah-hias-bumijaya) atau nomor ID-nya. "
        "Isi ini atau kolom produsen, tidak keduanya."
    ),
    PRODUCER_COLUMN: gettext_lazy(
        "NIB (13 angka) atau nomor ID produsen. Isi ini atau kolom produk, tidak keduanya."
    ),
}


def number_key(number: str) -> str:
    """A document number as documents are told apart: case and spaces aside (a NIB is stored without
    the spaces people type: 1234 5678 90123 is 1234567890123)."""
    return normal_name("".join(str(number).split()))


class LegalityResource(SheetImportResource):
    """Legality documents of products and producers; matched by holder, kind and number."""

    NAME_ATTRIBUTE = "number"
    REQUIRED_COLUMNS = ("Jenis dokumen", "Nomor dokumen", "Tanggal terbit")
    RELATED = ("product", "producer")
    SUBJECT_FIELDS = ("product", "producer")
    NOTES = {
        **HOLDER_NOTES,
        "Jenis dokumen": gettext_lazy("Wajib. Salah satu nilai di lembar ini."),
        "Nomor dokumen": gettext_lazy(
            "Wajib. Bersama pemilik dan jenisnya, mengenali dokumen yang sudah ada."
        ),
        ISSUER_COLUMN: gettext_lazy(
            "Boleh kosong: penerbit yang lazim untuk jenisnya (misalnya BPJPH untuk sertifikat halal). "
            "File tanpa kolom ini tetap diterima; penerbit yang sudah tercatat tidak berubah."
        ),
        "Tanggal terbit": gettext_lazy("Wajib. Misalnya 31/12/2024 atau 2024-12-31."),
        "Berlaku sampai": gettext_lazy(
            "Kosong bila tidak ada masa berlaku (sertifikat halal selalu kosong)."
        ),
    }

    product = fields.Field(attribute="product", column_name=PRODUCT_COLUMN, widget=ProductKeyWidget(NO_SCOPE))
    producer = fields.Field(
        attribute="producer", column_name=PRODUCER_COLUMN, widget=ProducerKeyWidget(NO_SCOPE)
    )
    kind = fields.Field(
        attribute="kind", column_name="Jenis dokumen", widget=ChoiceWidget(LegalityDocument.Kind)
    )
    number = fields.Field(attribute="number", column_name="Nomor dokumen", widget=TextWidget(True))
    issuer = fields.Field(attribute="issuer", column_name=ISSUER_COLUMN, widget=TextWidget())
    issued_on = fields.Field(attribute="issued_on", column_name="Tanggal terbit", widget=DateWidget())
    expires_on = fields.Field(attribute="expires_on", column_name="Berlaku sampai", widget=DateWidget())

    class Meta(SheetImportMeta):
        model = LegalityDocument
        fields = ("product", "producer", "kind", "number", "issuer", "issued_on", "expires_on")

    def __init__(self, *, scope: Scope = NO_SCOPE, **kwargs):
        super().__init__(scope=scope, **kwargs)
        self.fields["product"].widget = ProductKeyWidget(scope)
        self.fields["producer"].widget = ProducerKeyWidget(scope)

    def import_columns(self) -> list[str]:
        # Templates downloaded before the issuer was recorded still import: without the column, a
        # document keeps the issuer it has (import-export skips a field whose column is absent).
        return [column for column in super().import_columns() if column != ISSUER_COLUMN]

    def before_import(self, dataset, **kwargs) -> None:
        """The products and producers the file names, and their documents, once for the whole file."""
        for name in ("product", "producer"):
            field = self.fields[name]
            if field.column_name in dataset.headers:
                field.widget.preload(dataset[field.column_name])
        products = [p.pk for p in self.fields["product"].widget._found.values()]
        producers = [p.pk for p in self.fields["producer"].widget._found.values()]
        documents = LegalityDocument.objects.filter(
            product_id__in=products
        ) | LegalityDocument.objects.filter(producer_id__in=producers)
        self._by_key: dict[tuple, int] = {}
        for pk, product, producer, kind, number in documents.values_list(
            "pk", "product_id", "producer_id", "kind", "number"
        ):
            self._by_key.setdefault((product, producer, kind, number_key(number)), pk)
        self._preload(self._by_key.values(), lock=kwargs.get("lock_rows", False))

    def _holder_key(self, row) -> tuple | None:
        product, producer = self._cell(row, "product"), self._cell(row, "producer")
        if bool(product) == bool(producer):
            return None
        kind, number = self._cell(row, "kind"), self._cell(row, "number")
        if not (kind and number):
            return None
        return (product.pk if product else None, producer.pk if producer else None, kind, number_key(number))

    def get_instance(self, instance_loader, row) -> LegalityDocument | None:
        try:
            key = self._holder_key(row)
        except ValueError:
            return None
        pk = self._by_key.get(key) if key else None
        return self._claim(LegalityDocument, pk, "number") if pk else None

    def row_key(self, row) -> tuple | None:
        # The holder found and the number without its spaces, as the document is matched and stored.
        try:
            key = self._holder_key(row)
        except ValueError:
            return None
        return ("number", *key) if key else None

    def key_description(self, key: tuple) -> str:
        return _("pemilik, jenis dan nomor dokumen")
