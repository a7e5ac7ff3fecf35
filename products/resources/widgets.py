"""Spreadsheet cells as the registry's imports read them and its exports write them: trimmed text,
formulas refused, whole numbers, Rupiah, coordinates, choices, yes/no, and the village or category a
cell names. Every rule on the data is the models' own (`full_clean()`); these widgets only read cells
and say in the user's language what is wrong.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets

from core.money import parse_rupiah
from villages.models import Village
from villages.roles import Scope

from ..models import Category, normalise_whatsapp

# A cell that a spreadsheet would evaluate: "=…", a sign followed by a function call ("+HYPERLINK(…)",
# "@SUM(…)") or a DDE command ("-2+3+cmd|' /C calc'!A0"). "+62 812…", "-6.12" and "- dijual (segar)"
# are data.
FORMULA = re.compile(r"^\s*=|^\s*[+\-@]\s*[A-Za-z_][\w.]*\s*\(|^\s*[+\-@].*\w\|.*!", re.DOTALL)
# What a CSV export puts before a text starting with one of these (see core.spreadsheets).
NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")


def normal_name(name: str) -> str:
    """A name as rows and records are matched on: case and spacing aside."""
    return " ".join(name.split()).casefold()


def cell_text(value) -> str:
    """The cell as trimmed text; ValueError for a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = NEUTRALISED.sub("", str(value)).strip()
    if FORMULA.match(text):
        raise ValueError(_("Sel ini berisi rumus (formula). Tulis nilainya saja, bukan rumus."))
    return text


class TextWidget(widgets.CharWidget):
    """Trimmed text. Length and format are the model's to check."""

    def __init__(self, required: bool = False):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.required = required

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if self.required and not text:
            raise ValueError(_("Wajib diisi."))
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class WhatsAppWidget(TextWidget):
    """Any way of writing an Indonesian mobile number; stored as +628…"""

    def clean(self, value, row=None, **kwargs) -> str:
        try:
            return normalise_whatsapp(super().clean(value, row, **kwargs))
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error


class NIBWidget(TextWidget):
    """The 13 digits, with any spaces taken out (the model checks the digits)."""

    def clean(self, value, row=None, **kwargs) -> str:
        return "".join(super().clean(value, row, **kwargs).split())


class NativeWidget(widgets.Widget):
    """Exports the value as it is (a date stays a date, a number a number)."""

    def render(self, value, obj=None, **kwargs):
        return value


class WholeNumberWidget(NativeWidget):
    """A whole number, written 12, 1500 or 1.500; decimals, negatives and words are refused."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = cell_text(value).replace(" ", "")
            if not text:
                return None
            if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
                text = text.replace(".", "")
            if text.startswith("-") and text[1:].isdigit():
                raise ValueError(_("Tidak boleh negatif."))
            if not text.isdigit() or len(text) > 15:
                raise ValueError(_("Tulis bilangan bulat, misalnya 12."))
            number = int(text)
        if number < 0:
            raise ValueError(_("Tidak boleh negatif."))
        return number


class RupiahWidget(WholeNumberWidget):
    """Rupiah as the forms take it: 1.500.000, Rp 1.500.000 or 1500000."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return super().clean(value)
        try:
            return parse_rupiah(cell_text(value))
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error


class CoordinateWidget(NativeWidget):
    """A latitude or longitude in decimal degrees; a decimal comma is accepted."""

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        if isinstance(value, float):
            value = repr(value)
        text = cell_text(value).replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or len(text) > 20:
            raise ValueError(_("Tulis angka desimal, misalnya -6.123456."))
        return number


class ChoiceWidget(widgets.Widget):
    """A choice written as its label in the user's language; read as a code or a label in Indonesian
    or English, whatever the case."""

    def __init__(self, choices: type[models.Choices]):
        super().__init__(coerce_to_string=False)
        self.choices = choices
        self._lookups: dict[str, dict[str, str]] = {}

    def _lookup(self) -> dict[str, str]:
        current = translation.get_language() or "id"
        if current not in self._lookups:
            lookup = {}
            for language in ("en", "id", current):
                with translation.override(language):
                    lookup.update({str(label).casefold(): value for value, label in self.choices.choices})
            lookup.update({str(value).casefold(): value for value in self.choices.values})
            self._lookups[current] = lookup
        return self._lookups[current]

    def clean(self, value, row=None, **kwargs) -> str | None:
        text = cell_text(value)
        if not text:
            return None
        found = self._lookup().get(" ".join(text.split()).casefold())
        if found is None:
            allowed = ", ".join(str(label) for label in self.choices.labels)
            raise ValueError(
                _("“%(value)s” tidak dikenal. Pilih salah satu: %(allowed)s.")
                % {"value": text, "allowed": allowed}
            )
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        if value in (None, ""):
            return ""
        try:
            return str(self.choices(value).label)
        except ValueError:
            return str(value)


class YesNoWidget(widgets.Widget):
    YES = {"ya", "y", "yes", "1", "true", "benar", "setuju"}
    NO = {"tidak", "t", "no", "n", "0", "false", "salah", "tidak setuju"}

    def clean(self, value, row=None, **kwargs) -> bool:
        text = cell_text(value).casefold()
        if not text:
            return False
        if text in self.YES or text == _("ya").casefold():
            return True
        if text in self.NO or text == _("tidak").casefold():
            return False
        raise ValueError(_("Tulis “ya” atau “tidak”."))

    def render(self, value, obj=None, **kwargs) -> str:
        return _("ya") if value else _("tidak")


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

    def render(self, value, obj=None, **kwargs) -> str:
        return value.name if value is not None else ""
