"""What every spreadsheet import shares (SheetImportResource): the area and the importing official, row
numbers as the spreadsheet shows them, rows repeated within the file, the template's example row, and
errors as (row, column, reason); and the bulk path: the objects a file may name and the values their
unique constraints hold, loaded once for the whole file, the model's constraints checked in memory,
and the rows written in bulk once every row is valid. Domain-free: the apps' resources add their
columns and keys (villages.resources.VillageSheetResource adds the village columns).
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.resources import Diff
from simple_history.models import HistoricalRecords

from .concurrency import VERSION_FIELD
from .sheet_cells import cell_text

EXAMPLE_PREFIX = "CONTOH"

WRITE_BATCH = 500


class SheetImportMeta:
    """The import options every sheet import uses (its resource's Meta inherits them): every row
    checked, unchanged rows skipped, all rows written together once every one is valid (write_all),
    so no savepoint per row."""

    clean_model_instances = True
    skip_unchanged = True
    report_skipped = True
    store_instance = True
    store_row_values = True
    use_transactions = True
    use_bulk = True
    chunk_size = WRITE_BATCH


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
    """What every import shares: the area and the importing official, row numbers as the spreadsheet
    shows them, rows repeated within the file, the template's example row, and errors as (row,
    column, reason)."""

    NAME_ATTRIBUTE = ""
    REQUIRED_COLUMNS: tuple[str, ...] = ()
    # What a row's columns show of an object's relations, loaded with it.
    RELATED: tuple[str, ...] = ()
    # Fields full_clean() leaves alone: set on save (a product's slug), never from a sheet.
    UNCHECKED_FIELDS: tuple[str, ...] = ()
    # Relations of which a row names exactly one (a product or a producer): when a cell naming one is
    # wrong, the model's "one or the other" is not repeated.
    SUBJECT_FIELDS: tuple[str, ...] = ()
    NOTES: dict = {}

    def __init__(self, *, scope=None, sheet_rows: list[int] | None = None, user=None, **kwargs):
        # scope: the official's area (villages.roles.Scope), which the apps' resources and their
        # widgets read; every concrete resource passes one (core imports no app).
        super().__init__(**kwargs)
        self.scope = scope
        self.user = user
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

    def choices(self) -> dict[str, list[str]]:
        """The values each coded column takes, by column: the template's dropdowns."""
        lists = {}
        for field in self.get_import_fields():
            values = getattr(field.widget, "allowed", None)
            if callable(values) and not field.readonly:
                lists[field.column_name] = values()
        return lists

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
                    own = constraint.violation_error_message != constraint.default_violation_error_message
                    errors.setdefault(NON_FIELD_ERRORS, []).append(
                        ValidationError(
                            constraint.get_violation_error_message(),
                            code=constraint.violation_error_code
                            if own
                            else (constraint.violation_error_code or "constraint_without_message"),
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
            elif field.column_name in self.REQUIRED_COLUMNS and field.attribute not in errors:
                try:
                    blank = not cell_text(row.get(field.column_name))
                except ValueError:
                    blank = False  # a formula: its own error is reported
                if blank:  # said in the import's words, not the model's ("tidak boleh null")
                    errors[field.attribute] = [ValidationError(_("Wajib diisi."))]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True) -> None:
        """full_clean() without its per-row queries: a relation a widget found (village, category) is
        not looked up again, and the constraints are checked against what before_import loaded."""
        errors = dict(import_validation_errors or {})
        subject_unread = set(errors) & set(self.SUBJECT_FIELDS)
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
        if subject_unread:  # "one product or one producer" says nothing more than the bad cell's error
            errors.pop(NON_FIELD_ERRORS, None)
        for key, messages in self._check_constraints(instance, exclude | set(errors)).items():
            if key == NON_FIELD_ERRORS and errors.get(NON_FIELD_ERRORS):
                # clean() has already said why the row is refused as a whole; a constraint without a
                # message of its own would only add "Batasan … dilanggar".
                messages = [m for m in messages if m.code != "constraint_without_message"]
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
        # The importing official, named: a background worker has no request for simple-history to ask.
        user = getattr(self, "user", None)
        added = history.bulk_history_create(created, batch_size=WRITE_BATCH, default_user=user) or []
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
            updated = (
                history.bulk_history_create(
                    self._to_update, batch_size=WRITE_BATCH, update=True, default_user=user
                )
                or []
            )
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
        errors = [
            (row, self.column_of(key), str(message))
            for key, messages in by_key.items()
            for message in messages
        ]
        return list(dict.fromkeys(errors))  # clean() and a constraint may give the same message

    def column_notes(self) -> list[tuple[str, bool, str]]:
        """(column, required, explanation) for the template's instructions."""
        return [
            (column, column in self.REQUIRED_COLUMNS, str(self.NOTES.get(column, "")))
            for column in self.get_export_headers()
        ]
