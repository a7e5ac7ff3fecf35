"""The village columns of the spreadsheet imports: a village named by its Kemendagri code within the
official's area (VillageWidget), followed by its name and kecamatan for the reader
(VillageSheetResource, the base of the producer, product and delivery imports).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from core.sheet_cells import TextWidget, cell_text
from core.sheet_import import SheetImportResource

from .models import Village
from .roles import NO_SCOPE, Scope


class VillageWidget(widgets.Widget):
    """A village by its Kemendagri code, only within the official's area."""

    def __init__(self, scope: Scope):
        super().__init__(coerce_to_string=False)
        self.scope = scope
        self._villages: dict[str, Village] | None = None

    def in_scope(self) -> dict[str, Village]:
        if self._villages is None:
            villages = Village.objects.for_scope(self.scope).select_related("district")
            self._villages = {village.code: village for village in villages}
        return self._villages

    def clean(self, value, row=None, **kwargs) -> Village | None:
        code = cell_text(value)
        if not code:
            raise ValueError(_("Wajib diisi."))
        village = self.in_scope().get(code)
        if village is not None:
            return village
        elsewhere = Village.objects.filter(code=code).select_related("district__regency").first()
        if elsewhere is None:
            raise ValueError(
                _("Kode desa “%(code)s” tidak dikenal. Tulis kode Kemendagri, misalnya 36.04.09.2009.")
                % {"code": code}
            )
        if self.scope.is_dinas:
            raise ValueError(
                _("%(village)s (%(code)s) berada di %(regency)s, di luar kabupaten yang dilayani portal ini.")
                % {"village": elsewhere, "code": code, "regency": elsewhere.district.regency}
            )
        raise ValueError(
            _("%(village)s (%(code)s) berada di Kecamatan %(district)s, di luar wilayah tugas Anda.")
            % {"village": elsewhere, "code": code, "district": elsewhere.district.name}
        )

    def allowed(self) -> list[str]:
        return sorted(self.in_scope())

    def render(self, value, obj=None, **kwargs) -> str:
        return value.code if value is not None else ""


class VillageSheetResource(SheetImportResource):
    """An import whose rows name a village by its code, within the official's area (producers,
    products, deliveries), followed by its name and kecamatan for the reader."""

    VILLAGE_COLUMN = "Kode desa"
    RELATED: tuple[str, ...] = ("village__district",)
    NOTES: dict = {
        "Kode desa": gettext_lazy(
            "Wajib. Kode Kemendagri, misalnya 36.04.09.2009; hanya desa di wilayah Anda."
        ),
        "Desa/Kelurahan": gettext_lazy("Keterangan saja; diabaikan saat impor."),
        "Kecamatan": gettext_lazy("Keterangan saja; diabaikan saat impor."),
    }

    village = fields.Field(attribute="village", column_name="Kode desa", widget=VillageWidget(NO_SCOPE))
    village_name = fields.Field(
        attribute="village__name", column_name="Desa/Kelurahan", widget=TextWidget(), readonly=True
    )
    district_name = fields.Field(
        attribute="village__district__name", column_name="Kecamatan", widget=TextWidget(), readonly=True
    )

    def __init__(self, *, scope: Scope = NO_SCOPE, **kwargs):
        super().__init__(scope=scope, **kwargs)
        self.fields["village"].widget = VillageWidget(scope)
