"""Spreadsheet cells that name the registry's own things: a WhatsApp number and a NIB (read by the
same functions as the producer form and the admin, products.validators), and the village or category
a cell names. The cells that need no model (text, numbers, Rupiah, choices, yes/no) are core's
(core.spreadsheets). Every rule on the data is the models' own (`full_clean()`); these widgets only
read cells and say in the user's language what is wrong.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import widgets

from core.spreadsheets import PhoneNumber, TextWidget, cell_text
from villages.models import Village
from villages.roles import Scope

from ..models import Category
from ..validators import normalise_nib, normalise_whatsapp


class WhatsAppWidget(TextWidget):
    """Any way of writing an Indonesian mobile number; stored as +628…"""

    def clean(self, value, row=None, **kwargs) -> str:
        try:
            return normalise_whatsapp(super().clean(value, row, **kwargs))
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error

    def render(self, value, obj=None, **kwargs) -> str:
        """Marked as a phone number: a CSV writes it as 0812-… (core.spreadsheets.national_phone)."""
        return PhoneNumber(value) if value else ""


class NIBWidget(TextWidget):
    """The 13 digits of a NIB, with any spaces taken out."""

    def clean(self, value, row=None, **kwargs) -> str:
        try:
            return normalise_nib(super().clean(value, row, **kwargs))
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error


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


class CategoryWidget(widgets.Widget):
    """A category by its name or slug, whatever the case."""

    def __init__(self):
        super().__init__(coerce_to_string=False)
        self._categories: dict[str, Category] | None = None

    def clean(self, value, row=None, **kwargs) -> Category | None:
        text = cell_text(value)
        if not text:
            raise ValueError(_("Wajib diisi."))
        if self._categories is None:
            self._categories = {}
            for category in Category.objects.all():
                self._categories[category.slug.casefold()] = category
                self._categories[category.name.casefold()] = category
        found = self._categories.get(" ".join(text.split()).casefold())
        if found is None:
            names = ", ".join(sorted({c.name for c in self._categories.values()}))
            raise ValueError(
                _("Kategori “%(value)s” tidak dikenal. Pilih salah satu: %(names)s.")
                % {"value": text, "names": names}
            )
        return found

    def allowed(self) -> list[str]:
        return list(Category.objects.order_by("position", "name").values_list("name", flat=True))

    def render(self, value, obj=None, **kwargs) -> str:
        return value.name if value is not None else ""
