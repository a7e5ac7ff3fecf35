"""The registry in spreadsheets (django-import-export resources).

Producers and products are exported, corrected in Excel and imported back, so their export has
exactly the columns of the import template. The village registry is only exported.

The column headers are the file format: Indonesian and fixed, whatever the interface language (a
file exported in English imports in Indonesian). Values of choices are written as labels in the
user's language and read back as a code or a label in either language. Every rule on the data is the
models' own (`full_clean()`); the widgets here only read cells: trim, refuse formulas, parse numbers,
find the village, category or producers a cell names, and say in the user's language what is wrong.

An import sees only the official's area (`Scope`): an officer's kecamatan, the Dinas' regency. A dry
run (the preview) checks every row as the import would, full_clean() included, but saves nothing; the
objects a file may name are looked up once for the whole file, not row by row.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import CheckConstraint, Exists, F, OuterRef, Q, Subquery, UniqueConstraint
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.resources import Diff
from simple_history.models import HistoricalRecords

from core.concurrency import VERSION_FIELD
from core.money import parse_rupiah
from villages.models import Village
from villages.roles import NO_SCOPE, Scope

from .models import (
    ASSESSMENT_VALID_MONTHS,
    NIB_HELD_ELSEWHERE,
    Assessment,
    Category,
    Designation,
    LegalityDocument,
    Producer,
    Product,
    VillageStatus,
    add_months,
    normalise_whatsapp,
    today,
)
from .search import search_refresh

# A cell that a spreadsheet would evaluate: "=…", a sign followed by a function call ("+HYPERLINK(…)",
# "@SUM(…)") or a DDE command ("-2+3+cmd|' /C calc'!A0"). "+62 812…", "-6.12" and "- dijual (segar)"
# are data.
FORMULA = re.compile(r"^\s*=|^\s*[+\-@]\s*[A-Za-z_][\w.]*\s*\(|^\s*[+\-@].*\w\|.*!", re.DOTALL)
# What a CSV export puts before a text starting with one of these (see core.spreadsheets).
NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")
EXAMPLE_PREFIX = "CONTOH"
LIST_SEPARATOR = ";"
WRITE_BATCH = 500


def _holds(condition: Q, instance) -> bool | None:
    """A constraint's condition for one unsaved object, in Python and SQL's three-valued logic (None:
    unknown, which a CHECK accepts); NotImplemented when the condition is beyond these simple lookups,
    and the database must be asked."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            result = _holds(child, instance)
        else:
            lookup, expected = child
            name, _sep, operator = lookup.partition("__")
            operator = operator or "exact"
            if "__" in operator or not hasattr(instance, name):
                return NotImplemented
            value = getattr(instance, name)
            if isinstance(expected, F):
                if not hasattr(instance, expected.name):
                    return NotImplemented
                expected = getattr(instance, expected.name)
            elif hasattr(expected, "resolve_expression"):
                return NotImplemented
            if operator == "isnull":
                result = (value is None) == bool(expected)
            elif value is None or expected is None:
                result = None
            elif operator in COMPARISONS:
                result = COMPARISONS[operator](value, expected)
            else:
                return NotImplemented
        if result is NotImplemented:
            return NotImplemented
        results.append(result)
    if condition.connector == Q.AND:
        combined = False if False in results else (None if None in results else True)
    else:
        combined = True if True in results else (None if None in results else False)
    if condition.negated and combined is not None:
        combined = not combined
    return combined


def _referenced(condition: Q) -> set[str]:
    """The fields a condition reads: a check on a field already refused is not made (as Django)."""
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _referenced(child)
        else:
            names.add(child[0].split("__")[0])
            if isinstance(child[1], F):
                names.add(child[1].name)
    return names


COMPARISONS = {
    "exact": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "in": lambda a, b: a in b,
}


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
        nibs = {"".join(t.split()) for t in tokens if re.fullmatch(r"\d{13}", "".join(t.split()))}
        names = {t for t in tokens if "".join(t.split()) not in nibs}
        in_scope = Producer.objects.for_scope(self.scope).order_by("pk")
        by_nib: dict[str, list[Producer]] = {}
        for producer in in_scope.filter(nib__in=nibs):
            by_nib.setdefault(producer.nib, []).append(producer)
        by_name: dict[str, list[Producer]] = {}
        lowered = {name.lower() for name in names}
        for producer in in_scope.annotate(lowered=Lower("business_name")).filter(lowered__in=lowered):
            by_name.setdefault(producer.business_name.casefold(), []).append(producer)
        for token in tokens:
            digits = "".join(token.split())
            found = by_nib.get(digits, []) if digits in nibs else by_name.get(token.casefold(), [])
            self._found[token.casefold()] = found[:10]

    def _candidates(self, token: str) -> list[Producer]:
        key = token.casefold()
        if key not in self._found:
            producers = Producer.objects.for_scope(self.scope)
            digits = "".join(token.split())
            if re.fullmatch(r"\d{13}", digits):
                producers = producers.filter(nib=digits)
            else:
                producers = producers.filter(business_name__iexact=token)
            self._found[key] = list(producers.order_by("pk")[:10])
        return self._found[key]

    def clean(self, value, row=None, **kwargs) -> list[Producer]:
        village_code = cell_text((row or {}).get(ProductResource.VILLAGE_COLUMN))
        chosen: dict[int, Producer] = {}
        for raw in cell_text(value).split(LIST_SEPARATOR):
            token = " ".join(raw.split())
            if not token:
                continue
            candidates = self._candidates(token)
            if len(candidates) > 1:
                candidates = [p for p in candidates if p.village_id == village_code] or candidates
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

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        producers = value if isinstance(value, list) else value.all()
        return f"{LIST_SEPARATOR} ".join(p.nib or p.business_name for p in producers)


class ValueDiff(Diff):
    """The values of each column before and after a row, instead of import-export's HTML. A preview
    writes nothing, so what a row would make of a many-to-many column is read from the row itself."""

    def compare_with(self, resource, instance) -> None:
        row = getattr(resource, "current_row", None) or {}
        self.right = [
            field.widget.render(field.clean(row))
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row
            else field.export(instance)
            for field in resource.get_import_fields()
        ]

    def as_html(self) -> list[tuple[str, str]]:
        return [("" if self.new else left, right) for left, right in zip(self.left, self.right, strict=True)]


class SheetImportResource(resources.ModelResource):
    """What producers and products share: the village columns, the area, row numbers as the
    spreadsheet shows them, rows repeated within the file, the template's example row, and errors as
    (row, column, reason)."""

    VILLAGE_COLUMN = "Kode desa"
    NAME_ATTRIBUTE = ""
    REQUIRED_COLUMNS: tuple[str, ...] = ()
    # What a row's columns show of an object's relations, loaded with it.
    RELATED: tuple[str, ...] = ("village__district",)
    # Fields full_clean() leaves alone: set on save (a product's slug), never from a sheet.
    UNCHECKED_FIELDS: tuple[str, ...] = ()
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

    def __init__(self, *, scope: Scope = NO_SCOPE, sheet_rows: list[int] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.scope = scope
        self.sheet_rows = sheet_rows or []
        self.current_row: dict | None = None
        self._row_number = 0
        self._seen: dict[tuple, int] = {}
        self._claimed: dict[int, int] = {}
        self._objects: dict[int, models.Model] = {}
        self._taken: dict[str, dict[tuple, int]] = {}
        self._to_create: list[models.Model] = []
        self._to_update: list[models.Model] = []
        self._m2m: list[tuple[models.Model, str, list]] = []
        self.fields["village"].widget = VillageWidget(scope)

    @classmethod
    def get_diff_class(cls):
        return ValueDiff

    def sheet_row(self, number: int) -> int:
        """The spreadsheet's row number of the dataset's row `number` (1-based; row 1 holds the headers)."""
        return self.sheet_rows[number - 1] if number <= len(self.sheet_rows) else number + 1

    def import_columns(self) -> list[str]:
        """The columns a file must have: every column of the template but the informative ones."""
        return [field.column_name for field in self.get_import_fields() if not field.readonly]

    def column_of(self, key: str) -> str:
        for field in self.fields.values():
            if key in (field.attribute, field.column_name):
                return field.column_name
        return ""  # the row as a whole

    def _cell(self, row, attribute: str):
        field = self.fields[attribute]
        return field.clean(row) if field.column_name in row else None

    def row_key(self, row) -> tuple | None:
        """What identifies the row's object within the file (to find repeated rows); the first item
        names the field the repetition is reported on."""
        raise NotImplementedError

    def key_description(self, key: tuple) -> str:
        raise NotImplementedError

    def _column_values(self, dataset, attribute: str) -> set[str]:
        """The column's cells as text, those that are not formulas."""
        values = set()
        for value in dataset[self.fields[attribute].column_name]:
            try:
                values.add(cell_text(value))
            except ValueError:
                continue
        return values - {""}

    def _claim(self, model, pk: int, attribute: str):
        """The object a row updates; refused when an earlier row of the file already updates it."""
        first = self._claimed.setdefault(pk, self._row_number)
        if first != self._row_number:
            raise ValidationError(
                {attribute: _("Baris ini dan baris %(row)s menunjuk data yang sama.") % {"row": first}}
            )
        if pk in self._objects:
            return self._objects[pk]
        return model.objects.select_related(*self.RELATED).get(pk=pk)

    def _preload(self, pks, lock: bool = False) -> None:
        """The objects the file's rows may update, and the values their unique constraints already
        hold, each in one query for the whole file: no row asks the database on its own."""
        model = self._meta.model
        objects = model.objects.select_related(*self.RELATED)
        many = [
            f.attribute for f in self.get_import_fields() if isinstance(f.widget, widgets.ManyToManyWidget)
        ]
        if lock:
            # Held until the import commits: an edit form (row_version) or a designation proposal on
            # these rows waits, and every check made on them stays true until they are written.
            objects = objects.select_for_update(of=("self",))
        self._objects = objects.prefetch_related(*many).in_bulk(set(pks))

    def _unique_constraints(self, model) -> list[UniqueConstraint]:
        return [c for c in model._meta.constraints if isinstance(c, UniqueConstraint) and c.fields]

    def _load_taken(self, dataset) -> None:
        """For each unique constraint on imported columns: the values rows may bring that are
        already held, with their holder (one query per constraint)."""
        model = self._meta.model
        for constraint in self._unique_constraints(model):
            attributes = [model._meta.get_field(name).attname for name in constraint.fields]
            if not all(a in self.fields for a in attributes):
                continue
            values = self._column_values(dataset, attributes[0])
            values |= {"".join(value.split()) for value in values}
            held = model.objects.filter(**{f"{attributes[0]}__in": values})
            if constraint.condition is not None:
                held = held.filter(constraint.condition)
            self._taken[constraint.name] = {
                tuple(row[:-1]): row[-1] for row in held.values_list(*attributes, "pk")
            }

    def _check_constraints(self, instance, exclude: set[str]) -> dict:
        """The model's constraints, checked in memory (see _holds and _load_taken); a constraint they
        cannot decide is left to Django, which asks the database."""
        errors: dict = {}
        for constraint in instance._meta.constraints:
            fields = set(getattr(constraint, "fields", ()) or ())
            if isinstance(constraint, CheckConstraint) and isinstance(constraint.condition, Q):
                fields |= _referenced(constraint.condition)
            if fields & exclude:
                continue
            if isinstance(constraint, CheckConstraint):
                holds = _holds(constraint.condition, instance)
                if holds is NotImplemented:
                    self._validate_in_database(constraint, instance, exclude, errors)
                elif holds is False:
                    errors.setdefault(NON_FIELD_ERRORS, []).append(
                        ValidationError(
                            constraint.get_violation_error_message(), code=constraint.violation_error_code
                        )
                    )
            elif isinstance(constraint, UniqueConstraint) and constraint.name in self._taken:
                applies = True if constraint.condition is None else _holds(constraint.condition, instance)
                values = tuple(
                    getattr(instance, instance._meta.get_field(n).attname) for n in constraint.fields
                )
                holder = self._taken[constraint.name].get(values)
                if applies is NotImplemented:
                    self._validate_in_database(constraint, instance, exclude, errors)
                elif applies and holder is not None and holder != instance.pk:
                    key = constraint.fields[0] if len(constraint.fields) == 1 else NON_FIELD_ERRORS
                    errors.setdefault(key, []).append(
                        ValidationError(constraint.get_violation_error_message(), code="unique")
                    )
            else:
                self._validate_in_database(constraint, instance, exclude, errors)
        return errors

    @staticmethod
    def _validate_in_database(constraint, instance, exclude: set[str], errors: dict) -> None:
        try:
            constraint.validate(type(instance), instance, exclude=exclude)
        except ValidationError as error:
            key = NON_FIELD_ERRORS
            if error.code == "unique" and len(getattr(constraint, "fields", ())) == 1:
                key = constraint.fields[0]
            errors.setdefault(key, []).append(error)

    def before_import_row(self, row, **kwargs) -> None:
        self.current_row = row
        self._row_number = self.sheet_row(kwargs["row_number"])
        try:
            name = cell_text(row.get(self.fields[self.NAME_ATTRIBUTE].column_name))
        except ValueError:
            name = ""
        if name.startswith(EXAMPLE_PREFIX):
            raise ValidationError({self.NAME_ATTRIBUTE: _("Ini baris contoh dari templat; hapus baris ini.")})
        try:
            key = self.row_key(row)
        except ValueError:
            return  # the cell's own error is reported with its column
        if key is None:
            return
        number = self._row_number
        first = self._seen.setdefault(key, number)
        if first != number:
            raise ValidationError(
                {
                    key[0]: _("Baris ini mengulang baris %(row)s (%(what)s sama).")
                    % {"row": first, "what": self.key_description(key)}
                }
            )

    def import_instance(self, instance, row, **kwargs) -> None:
        """Read every column, the many-to-many ones too, so that all bad cells of a row show at once."""
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error))]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True) -> None:
        """full_clean() without its per-row queries: a relation a widget found (village, category) is
        not looked up again, and the constraints are checked against what before_import loaded."""
        errors = dict(import_validation_errors or {})
        found = [
            field.name
            for field in instance._meta.concrete_fields
            if field.is_relation and field.is_cached(instance) and getattr(instance, field.name) is not None
        ]
        exclude = {*errors, *self.UNCHECKED_FIELDS}
        try:
            instance.full_clean(exclude=[*exclude, *found], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for key, messages in self._check_constraints(instance, exclude | set(errors)).items():
            errors.setdefault(key, []).extend(messages)
        if validate_unique:
            checks, _dates = instance._get_unique_checks(exclude=[*exclude, *errors, instance._meta.pk.name])
            if checks:  # a unique field this resource does not load in bulk: Django asks the database
                try:
                    instance.validate_unique(exclude=[*exclude, *errors, instance._meta.pk.name])
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        """Collected, and written in bulk once every row is known to be valid (write_all)."""
        if not kwargs.get("dry_run"):  # a preview checks every row and writes nothing
            (self._to_create if is_create else self._to_update).append(instance)

    def save_m2m(self, instance, row, **kwargs) -> None:
        if kwargs.get("dry_run"):
            return
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                self._m2m.append((instance, field.attribute, field.clean(row)))

    def prepare_create(self, instances: list) -> None:
        """What save() would set on a new object and bulk_create does not (a product's slug)."""

    def after_import(self, dataset, result, **kwargs) -> None:
        # import-export would reset the table's id sequence here, for files that carry ids. These files
        # never do, and a reset while others insert would only race with them.
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return  # nothing is written unless every row is valid (the import is all or nothing)
        self.write_all()

    def write_all(self) -> None:
        """The rows and their history records (the official who imported them comes from the request,
        as for a single save) in a few queries per 500 rows, many-to-many links and their history
        included; then the derived search text of the products concerned, once. save() is not called:
        what it would add is added here (a product's slug, the edit forms' row_version), and its checks
        were made under the row locks taken when the rows were read (_preload)."""
        model = self._meta.model
        history = getattr(model, "history")  # noqa: B009 (simple-history's manager)
        self.prepare_create(self._to_create)
        created = model.objects.bulk_create(self._to_create, batch_size=WRITE_BATCH)
        # bulk_history_create returns None when simple-history is switched off (SIMPLE_HISTORY_ENABLED)
        added = history.bulk_history_create(created, batch_size=WRITE_BATCH) or []
        records = {id(obj): record for obj, record in zip(created, added, strict=False)}
        if self._to_update:
            now = timezone.now()
            names = [
                field.name
                for field in model._meta.concrete_fields
                if not field.primary_key and field.name not in ("created_at", "search_text")
            ]
            for instance in self._to_update:
                instance.updated_at = now
                if hasattr(instance, VERSION_FIELD):  # the row is locked: no other writer moved it on
                    setattr(instance, VERSION_FIELD, getattr(instance, VERSION_FIELD) + 1)
            model.objects.bulk_update(self._to_update, names, batch_size=WRITE_BATCH)
            updated = history.bulk_history_create(self._to_update, batch_size=WRITE_BATCH, update=True) or []
            records |= {id(obj): record for obj, record in zip(self._to_update, updated, strict=False)}
        for attribute in {attribute for _instance, attribute, _value in self._m2m}:
            self._write_links(
                attribute, [(obj, value) for obj, name, value in self._m2m if name == attribute], records
            )
        self.refresh_search([*self._to_create, *self._to_update])

    def _write_links(self, attribute: str, rows: list[tuple], records: dict) -> None:
        """A many-to-many column: the links replaced, and copied into the rows' history records when
        the model's history keeps this relation (so that restoring a version brings them back)."""
        field = self._meta.model._meta.get_field(attribute)
        through, source, target = (
            field.remote_field.through,
            field.m2m_field_name(),
            field.m2m_reverse_field_name(),
        )
        through.objects.filter(**{f"{source}__in": [obj.pk for obj, _value in rows]}).delete()
        links = [
            (obj, through(**{f"{source}_id": obj.pk, f"{target}_id": other.pk}))
            for obj, value in rows
            for other in value
        ]
        through.objects.bulk_create([link for _obj, link in links], batch_size=WRITE_BATCH)
        kept = HistoricalRecords.m2m_models.get(field)
        if kept is not None:
            kept.objects.bulk_create(
                [
                    kept(
                        history=records[id(obj)],
                        **{f.attname: getattr(link, f.attname) for f in through._meta.fields},
                    )
                    for obj, link in links
                    if id(obj) in records
                ],
                batch_size=WRITE_BATCH,
            )

    def refresh_search(self, instances: list) -> None:
        """The search text of the products these rows concern (signals.py does it for single saves)."""

    def row_errors(self, number: int, error: ValidationError) -> list[tuple[int, str, str]]:
        """(spreadsheet row, column, reason) for each message of a refused row."""
        row = self.sheet_row(number)
        by_key = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        return [
            (row, self.column_of(key), str(message))
            for key, messages in by_key.items()
            for message in messages
        ]

    def column_notes(self) -> list[tuple[str, bool, str]]:
        """(column, required, explanation) for the template's instructions."""
        return [
            (column, column in self.REQUIRED_COLUMNS, str(self.NOTES.get(column, "")))
            for column in self.get_export_headers()
        ]


class ProducerResource(SheetImportResource):
    """Producers, matched by NIB when the row has one, else by business name and village code
    (whatever the case and the spaces around)."""

    NAME_ATTRIBUTE = "business_name"
    REQUIRED_COLUMNS = ("Kode desa", "Nama usaha", "Pemilik/ketua")
    NOTES = {
        **SheetImportResource.NOTES,
        "Nama usaha": gettext_lazy("Wajib. Bersama kode desa, mengenali produsen yang tidak ber-NIB."),
        "Pemilik/ketua": gettext_lazy("Wajib. Pemilik atau ketua kelompok."),
        "Bentuk usaha": gettext_lazy("Salah satu nilai di lembar ini. Kosong: Perorangan."),
        "Alamat": gettext_lazy("Tampil untuk publik hanya dengan persetujuan kontak."),
        "WhatsApp": gettext_lazy("Nomor ponsel Indonesia, misalnya 0812-3456-7890; disimpan sebagai +62…"),
        "Setuju kontak dipublikasikan": gettext_lazy("“ya” atau “tidak” (UU PDP). Kosong: tidak."),
        "NIB": gettext_lazy("13 angka dari OSS. Bila diisi, produsen dikenali dari NIB-nya."),
        "Jumlah pekerja": gettext_lazy("Bilangan bulat. Kosong: 1."),
        "Tahun mulai usaha": gettext_lazy("Misalnya 2015."),
        "Lintang": gettext_lazy("Derajat desimal, misalnya -6.123456; isi bersama bujur."),
        "Bujur": gettext_lazy("Derajat desimal, misalnya 106.123456; isi bersama lintang."),
    }

    business_name = fields.Field(attribute="business_name", column_name="Nama usaha", widget=TextWidget(True))
    owner_name = fields.Field(attribute="owner_name", column_name="Pemilik/ketua", widget=TextWidget(True))
    kind = fields.Field(
        attribute="kind",
        column_name="Bentuk usaha",
        widget=ChoiceWidget(Producer.Kind),
        default=Producer.Kind.PERORANGAN,
    )
    address = fields.Field(attribute="address", column_name="Alamat", widget=TextWidget())
    whatsapp = fields.Field(attribute="whatsapp", column_name="WhatsApp", widget=WhatsAppWidget())
    contact_consent = fields.Field(
        attribute="contact_consent", column_name="Setuju kontak dipublikasikan", widget=YesNoWidget()
    )
    nib = fields.Field(attribute="nib", column_name="NIB", widget=NIBWidget())
    workers = fields.Field(
        attribute="workers", column_name="Jumlah pekerja", widget=WholeNumberWidget(), default=1
    )
    year_started = fields.Field(
        attribute="year_started", column_name="Tahun mulai usaha", widget=WholeNumberWidget()
    )
    latitude = fields.Field(attribute="latitude", column_name="Lintang", widget=CoordinateWidget())
    longitude = fields.Field(attribute="longitude", column_name="Bujur", widget=CoordinateWidget())

    class Meta:
        model = Producer
        fields = (
            "village",
            "village_name",
            "district_name",
            "business_name",
            "owner_name",
            "kind",
            "address",
            "whatsapp",
            "contact_consent",
            "nib",
            "workers",
            "year_started",
            "latitude",
            "longitude",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        store_instance = True
        store_row_values = True
        use_transactions = True
        # Rows are written together once all are valid (write_all): no savepoint per row.
        use_bulk = True
        chunk_size = 500

    def before_import(self, dataset, **kwargs) -> None:
        """Find, in a few queries for the whole file, the producers its rows may name."""
        nibs = {"".join(nib.split()) for nib in self._column_values(dataset, "nib")}
        self._by_nib = dict(Producer.objects.filter(nib__in=nibs).values_list("nib", "pk"))
        self._nib_in_scope = set(
            Producer.objects.for_scope(self.scope).filter(nib__in=nibs).values_list("pk", flat=True)
        )
        villages = self._column_values(dataset, "village")
        self._by_name: dict[tuple[str, str], list[tuple[int, str]]] = {}
        named = Producer.objects.filter(village_id__in=villages).values_list(
            "pk", "village_id", "business_name", "nib"
        )
        for pk, village_id, name, nib in named:
            self._by_name.setdefault((village_id, normal_name(name)), []).append((pk, nib))
        named_pks = [pk for matches in self._by_name.values() for pk, _nib in matches]
        self._preload([*self._nib_in_scope, *named_pks], lock=kwargs.get("lock_rows", False))
        self._load_taken(dataset)

    def refresh_search(self, instances: list) -> None:
        updated = [producer.pk for producer in self._to_update]
        if updated:  # a new producer has no products yet
            search_refresh(Product.objects.filter(producers__in=updated))

    def get_instance(self, instance_loader, row) -> Producer | None:
        try:
            nib = self._cell(row, "nib")
        except ValueError:
            nib = ""
        try:
            village, name = self._cell(row, "village"), self._cell(row, "business_name")
        except ValueError:
            village = name = None
        pk = self._by_nib.get(nib) if nib else None
        if pk is not None:
            if pk not in self._nib_in_scope:
                # Never the holder's name, village or area: see NIB_HELD_ELSEWHERE.
                raise ValidationError({"nib": str(NIB_HELD_ELSEWHERE)})
            return self._claim(Producer, pk, "nib")
        if not (village and name):
            return None
        matches = self._by_name.get((village.code, normal_name(name)), [])
        if nib:  # a NIB nobody holds yet: it is given to the producer of that name who has none
            matches = [match for match in matches if not match[1]]
        if len(matches) > 1:
            raise ValidationError(
                {
                    "business_name": _(
                        "Ada lebih dari satu produsen bernama “%(name)s” di desa ini; isi NIB-nya untuk "
                        "memilih salah satu."
                    )
                    % {"name": name}
                }
            )
        return self._claim(Producer, matches[0][0], "business_name") if matches else None

    def row_key(self, row) -> tuple | None:
        nib = self._cell(row, "nib")
        if nib:
            return ("nib", nib)
        village = cell_text(row.get(self.VILLAGE_COLUMN))
        name = normal_name(cell_text(row.get("Nama usaha")))
        return ("business_name", village, name) if village and name else None

    def key_description(self, key: tuple) -> str:
        return _("NIB") if key[0] == "nib" else _("nama usaha dan kode desa")


class ProductResource(SheetImportResource):
    """Products, matched by product name and village code (whatever the case and the spaces around);
    their producers are listed by NIB or business name, separated by ";"."""

    NAME_ATTRIBUTE = "name"
    REQUIRED_COLUMNS = ("Kode desa", "Nama produk", "Kategori")
    UNCHECKED_FIELDS = ("slug",)
    RELATED = ("village__district", "category")
    NOTES = {
        **SheetImportResource.NOTES,
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
    markets = fields.Field(attribute="markets", column_name="Pasar yang dicapai", widget=TextWidget())
    producers = fields.Field(
        attribute="producers", column_name="Produsen", widget=ProducerListWidget(NO_SCOPE)
    )

    class Meta:
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
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        store_instance = True
        store_row_values = True
        use_transactions = True
        # Rows are written together once all are valid (write_all): no savepoint per row.
        use_bulk = True
        chunk_size = 500

    def __init__(self, *, scope: Scope = NO_SCOPE, **kwargs):
        super().__init__(scope=scope, **kwargs)
        self.fields["producers"].widget = ProducerListWidget(scope)

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


class VillageRegistryResource(resources.ModelResource):
    """The villages with their OVOP status, flagship, stars, counts and the flagship's legality.
    Export only; `prepare()` adds what the columns read in the same query as the villages."""

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
