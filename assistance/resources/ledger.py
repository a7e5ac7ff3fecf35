"""The assistance ledger in spreadsheets: every delivery with its programme (export only)."""

from django.db import models
from import_export import fields, resources

from core.sheet_cells import ChoiceWidget, NativeWidget, RupiahWidget, TextWidget, WholeNumberWidget

from ..models import Delivery, Programme


class DeliveryLedgerResource(resources.ModelResource):
    """One row per delivery: programme, kind, fiscal year, funding, agency, place, product or producer,
    date, value and status."""

    programme = fields.Field(attribute="programme__name", column_name="Program", widget=TextWidget())
    kind = fields.Field(
        attribute="programme__kind", column_name="Jenis bantuan", widget=ChoiceWidget(Programme.Kind)
    )
    fiscal_year = fields.Field(
        attribute="programme__fiscal_year", column_name="Tahun anggaran", widget=WholeNumberWidget()
    )
    funding_source = fields.Field(
        attribute="programme__funding_source",
        column_name="Sumber dana",
        widget=ChoiceWidget(Programme.Funding),
    )
    agency = fields.Field(attribute="programme__agency", column_name="Pelaksana", widget=TextWidget())
    village_code = fields.Field(attribute="village_id", column_name="Kode desa", widget=TextWidget())
    village_name = fields.Field(attribute="village__name", column_name="Desa/Kelurahan", widget=TextWidget())
    district_name = fields.Field(
        attribute="village__district__name", column_name="Kecamatan", widget=TextWidget()
    )
    product = fields.Field(attribute="product__name", column_name="Produk", widget=TextWidget())
    producer = fields.Field(attribute="producer__business_name", column_name="Produsen", widget=TextWidget())
    delivered_on = fields.Field(attribute="delivered_on", column_name="Tanggal", widget=NativeWidget())
    description = fields.Field(attribute="description", column_name="Uraian", widget=TextWidget())
    value = fields.Field(attribute="value", column_name="Nilai (Rp)", widget=RupiahWidget())
    status = fields.Field(attribute="status", column_name="Status", widget=ChoiceWidget(Delivery.Status))

    class Meta:
        model = Delivery
        fields = (
            "programme",
            "kind",
            "fiscal_year",
            "funding_source",
            "agency",
            "village_code",
            "village_name",
            "district_name",
            "product",
            "producer",
            "delivered_on",
            "description",
            "value",
            "status",
        )

    @staticmethod
    def prepare(deliveries: models.QuerySet) -> models.QuerySet:
        """Everything a row shows, in the same query as the deliveries."""
        return deliveries.select_related("programme", "village__district", "product", "producer")
