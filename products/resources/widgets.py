"""Spreadsheet cells that name the registry's own things: a WhatsApp number and a NIB (read by the
same functions as the producer form and the admin, products.validators), and the category a cell
names. The cells that need no model (text, numbers, Rupiah, choices, yes/no) are core's
(core.sheet_cells); the village a cell names is villages.resources'. Every rule on the data is the
models' own (`full_clean()`); these widgets only read cells and say in the user's language what is
wrong.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import widgets

from core.sheet_cells import TextWidget, cell_text
from core.spreadsheets import PhoneNumber

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
