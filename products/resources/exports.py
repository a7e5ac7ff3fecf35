"""Export-only resources: the village registry."""

from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _
from import_export import fields, resources

from core.sheet_cells import ChoiceWidget, NativeWidget, TextWidget, WholeNumberWidget
from villages.models import Village

from ..models import (
    ASSESSMENT_VALID_MONTHS,
    Assessment,
    Designation,
    LegalityDocument,
    Producer,
    Product,
    VillageStatus,
    add_months,
    today,
)


class VillageRegistryResource(resources.ModelResource):
    """The villages with their OVOP status, flagship (its year and decree number and date), stars,
    counts and the flagship's legality. Export only; `prepare()` adds what the columns read in the
    same query as the villages."""

    code = fields.Field(attribute="code", column_name="Kode desa", widget=TextWidget())
    name = fields.Field(attribute="name", column_name="Desa/Kelurahan", widget=TextWidget())
    kind = fields.Field(attribute="kind", column_name="Jenis", widget=ChoiceWidget(Village.Kind))
    district_name = fields.Field(attribute="district__name", column_name="Kecamatan", widget=TextWidget())
    ovop_status = fields.Field(
        attribute="ovop_status", column_name="Status OVOP", widget=ChoiceWidget(VillageStatus)
    )
    flagship_name = fields.Field(
        attribute="flagship_name", column_name="Produk unggulan", widget=TextWidget()
    )
    flagship_year = fields.Field(
        attribute="flagship_year", column_name="Tahun penetapan", widget=WholeNumberWidget()
    )
    flagship_decree_number = fields.Field(
        attribute="flagship_decree_number", column_name="Nomor SK penetapan", widget=TextWidget()
    )
    flagship_decree_date = fields.Field(
        attribute="flagship_decree_date", column_name="Tanggal SK penetapan", widget=NativeWidget()
    )
    flagship_stars = fields.Field(
        attribute="flagship_stars", column_name="Bintang", widget=WholeNumberWidget()
    )
    product_count = fields.Field(
        attribute="product_count", column_name="Jumlah produk", widget=WholeNumberWidget()
    )
    producer_count = fields.Field(
        attribute="producer_count", column_name="Jumlah produsen", widget=WholeNumberWidget()
    )
    legality = fields.Field(column_name="Legalitas produk unggulan", widget=TextWidget())

    class Meta:
        model = Village
        fields = (
            "code",
            "name",
            "kind",
            "district_name",
            "ovop_status",
            "flagship_name",
            "flagship_year",
            "flagship_decree_number",
            "flagship_decree_date",
            "flagship_stars",
            "product_count",
            "producer_count",
            "legality",
        )

    @staticmethod
    def prepare(villages: models.QuerySet) -> models.QuerySet:
        """Villages (annotated by with_ovop_status) with every column's value, in one query."""
        approved = Designation.objects.approved().filter(
            village=OuterRef("pk"), product__village=OuterRef("pk")
        )
        cutoff = add_months(today(), -ASSESSMENT_VALID_MONTHS)
        latest = Assessment.objects.filter(product=OuterRef("flagship_id"), assessed_on__gt=cutoff).order_by(
            "-assessed_on", "-pk"
        )
        documents = LegalityDocument.objects.filter(product=OuterRef("flagship_id"))

        def count(model) -> Coalesce:
            rows = model.objects.filter(village=OuterRef("pk")).order_by().values("village")
            return Coalesce(Subquery(rows.annotate(n=models.Count("pk")).values("n")), 0)

        return villages.annotate(
            flagship_id=Subquery(approved.values("product_id")[:1]),
            flagship_name=Subquery(approved.values("product__name")[:1]),
            flagship_year=Subquery(approved.values("year")[:1]),
            # The designation's own decree fields; the decree it was recorded with when they are blank.
            flagship_decree_number=Subquery(
                approved.annotate(
                    number=Coalesce(NullIf("decree_number", models.Value("")), "decree__number")
                ).values("number")[:1]
            ),
            flagship_decree_date=Subquery(
                approved.annotate(on=Coalesce("decree_date", "decree__decree_date")).values("on")[:1]
            ),
        ).annotate(
            flagship_stars=Subquery(latest.values("stars")[:1]),
            flagship_expired=Exists(
                LegalityDocument.objects.expired().filter(product=OuterRef("flagship_id"))
            ),
            flagship_expiring=Exists(
                LegalityDocument.objects.expiring().filter(product=OuterRef("flagship_id"))
            ),
            flagship_documents=Exists(documents),
            product_count=count(Product),
            producer_count=count(Producer),
        )

    def dehydrate_legality(self, village: Village) -> str:
        if village.flagship_id is None:
            return ""
        if village.flagship_expired:
            return str(LegalityDocument.State.EXPIRED.label)
        if village.flagship_expiring:
            return str(LegalityDocument.State.EXPIRING.label)
        if village.flagship_documents:
            return str(LegalityDocument.State.VALID.label)
        return _("Belum ada dokumen")
