"""Spreadsheet cells (django-import-export widgets) that need no model: trimmed text, whole numbers,
dates, Rupiah, coordinates, choices and yes/no, and `cell_text`, which refuses a formula. The files
they come from and go to are core.spreadsheets'; what an import does with its rows is
core.sheet_import's.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Choices
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets
from openpyxl.utils.datetime import from_excel

from .money import parse_rupiah
from .spreadsheets import Rupiah

# Resources in the apps build their columns from these; widgets that look up an app's models (a
# village, a category) or read an app's values (a NIB, a WhatsApp number) stay in that app.

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
            if text.startswith("-") and text[1:].isascii() and text[1:].isdigit():
                raise ValueError(_("Tidak boleh negatif."))
            if not (text.isascii() and text.isdigit()) or len(text) > 15:
                raise ValueError(_("Tulis bilangan bulat, misalnya 12."))
            number = int(text)
        if number < 0:
            raise ValueError(_("Tidak boleh negatif."))
        return number


class DateWidget(NativeWidget):
    """A date: an Excel date (or its serial number), 31/12/2024, 31-12-2024 or 2024-12-31."""

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
            return from_excel(value).date()
        text = cell_text(value).replace(" ", "")
        if not text:
            return None
        for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(_("Tulis tanggal seperti 31/12/2024 atau 2024-12-31."))


class RupiahWidget(WholeNumberWidget):
    """Rupiah as the forms take it: 1.500.000, Rp 1.500.000 or 1500000."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return super().clean(value)
        try:
            return parse_rupiah(cell_text(value))
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error

    def render(self, value, obj=None, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            return Rupiah(value)
        return value


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

    def __init__(self, choices: type[Choices]):
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

    def allowed(self) -> list[str]:
        return [str(label) for label in self.choices.labels]

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

    def allowed(self) -> list[str]:
        return [_("ya"), _("tidak")]

    def render(self, value, obj=None, **kwargs) -> str:
        return _("ya") if value else _("tidak")
