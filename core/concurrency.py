"""Optimistic locking for edit forms: no official's changes vanish under another's.

A versioned model has a plain `row_version = PositiveIntegerField(default=1, editable=False)` and
calls `bump_row_version` from its `save()`, so that every write through the ORM (forms, admin,
imports, services, history reverts) moves the version on, atomically in the database.

An edit form mixes in `VersionedFormMixin`: it carries the version the official saw as a hidden
field. `save_versioned` claims the row only if it still holds that version (an UPDATE ... WHERE
pk = … AND row_version = <seen>, which also locks the row until the transaction ends), then saves;
when the claim matches no row, nothing is written and `EditConflict` is raised. The view then calls
`form.report_conflict()` and re-renders the form with the official's input, what changed since they
opened it, and the current version, so that saving again deliberately overwrites.

Bulk writes that bypass save() (queryset.update, bulk_update) do not bump: they are for derived data
(e.g. search text) that no edit form shows. A bulk write of form fields must bump it itself:
`.update(..., row_version=F("row_version") + 1)`.

Domain-free: it knows no model of the portal.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import formats
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

VERSION_FIELD = "row_version"
PREVIEW_CHARS = 120
_VERSION_PATTERN = re.compile(r"[0-9]{1,10}")


class EditConflict(Exception):
    """The row changed (or was deleted) after the form was opened; nothing was written."""


@dataclass(frozen=True)
class FieldConflict:
    label: str
    theirs: str  # what the official just submitted
    current: str  # what is saved now


def bump_row_version(instance: models.Model, update_fields: Iterable[str] | None) -> Iterable[str] | None:
    """Call from Model.save(): an UPDATE adds one to the stored version (whatever the instance holds,
    so two writers racing both count). Returns the update_fields to pass on.

    A new row keeps the instance's version (1, or what a restore from history set): F() cannot be
    inserted. Django reads the new value back (RETURNING) after the update."""
    if instance.pk is None or instance._state.adding:
        return update_fields
    setattr(instance, VERSION_FIELD, F(VERSION_FIELD) + 1)
    if update_fields is not None:
        update_fields = {*update_fields, VERSION_FIELD}
    return update_fields


def save_versioned[M: models.Model](form: "VersionedFormMixin", save: Callable[[], M] | None = None) -> M:
    """Save `form` (or call `save`, e.g. a service that saves form.instance) unless its row changed
    since the form was opened: then raise EditConflict with nothing written."""
    instance = form.instance
    with transaction.atomic():
        if instance.pk is not None and form.seen_version is not None:
            claimed = (
                type(instance)
                ._base_manager.filter(pk=instance.pk, **{VERSION_FIELD: form.seen_version})
                .update(**{VERSION_FIELD: F(VERSION_FIELD)})
            )
            if not claimed:
                raise EditConflict
        return save() if save is not None else form.save()


class VersionedFormMixin:
    """For a ModelForm of a versioned model: sends the version with the form, and explains a conflict."""

    conflict_message = _(
        "Data ini sudah diubah orang lain sejak Anda membuka formulir ini, jadi isian Anda belum "
        "disimpan. Periksa perubahan di atas; isian Anda masih ada di formulir. Simpan lagi untuk "
        "menimpa data yang tersimpan sekarang."
    )
    deleted_message = _("Data ini sudah dihapus orang lain sejak Anda membuka formulir ini.")
    stale_message = _("Formulir ini tidak sesuai lagi dengan halamannya. Muat ulang halaman, lalu coba lagi.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Text, not a number: a tampered value becomes the form's own error, never a hidden one.
        self.fields[VERSION_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        if self.instance.pk is not None:
            self.fields[VERSION_FIELD].initial = getattr(self.instance, VERSION_FIELD)
        self.seen_version: int | None = None
        self.conflicts: list[FieldConflict] = []
        self.conflict_deleted = False

    def clean(self) -> dict:
        cleaned = super().clean()
        # A submission without the field at all comes from a page rendered before the portal sent
        # versions (or from a script): it is saved unchecked, as before. A value present but not a
        # version is a tampered or broken page.
        if self.instance.pk is not None and self.add_prefix(VERSION_FIELD) in self.data:
            raw = str(cleaned.get(VERSION_FIELD) or "").strip()
            if not _VERSION_PATTERN.fullmatch(raw):
                raise ValidationError(self.stale_message, code="stale_form")
            self.seen_version = int(raw)
        return cleaned

    def report_conflict(self) -> None:
        """After EditConflict: add the message, list what changed, and carry the current version,
        so that the official's next save is made knowing what it overwrites."""
        model = type(self.instance)
        current = model._default_manager.filter(pk=self.instance.pk).first()
        if current is None:
            self.conflict_deleted = True
            self.add_error(None, self.deleted_message)
            return
        seen = self._seen_record(model)
        conflicts = []
        for name, form_field in self.fields.items():
            model_field = _model_field(model, name)
            if model_field is None or name not in self.cleaned_data:
                continue
            now = _key(model_field, _current_value(current, model_field))
            before = _key(model_field, _record_value(seen, model_field)) if seen is not None else None
            theirs = _key(model_field, self.cleaned_data[name])
            # Changed by someone else since the form was opened; without a record of what the
            # official saw, every field where their input and the saved value differ.
            if (seen is not None and before != now) or (seen is None and theirs != now):
                conflicts.append(
                    FieldConflict(
                        label=str(capfirst(form_field.label or model_field.verbose_name)),
                        theirs=_display(form_field, self.cleaned_data[name]),
                        current=_display(form_field, _current_object(current, model_field)),
                    )
                )
        self.conflicts = conflicts
        self.add_error(None, self.conflict_message)
        data = self.data.copy()
        data[self.add_prefix(VERSION_FIELD)] = str(getattr(current, VERSION_FIELD))
        self.data = data

    def _seen_record(self, model: type[models.Model]):
        """The history record of the version the official saw, if the model keeps one."""
        manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
        history = getattr(model, manager_name, None) if manager_name else None
        if history is None or VERSION_FIELD not in {f.name for f in history.model._meta.fields}:
            return None
        pk_name = model._meta.pk.attname
        return (
            history.filter(**{pk_name: self.instance.pk, VERSION_FIELD: self.seen_version})
            .order_by("-history_date", "-history_id")
            .first()
        )


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    if name == VERSION_FIELD:
        return None
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a form-only field
        return None
    # A reverse relation sharing the name of a form-only field (a visit's "photos" uploads) is not
    # something the form edits.
    return model_field if isinstance(model_field, models.Field) else None


def _current_value(current: models.Model, model_field: models.Field):
    if model_field.many_to_many:
        return set(getattr(current, model_field.name).values_list("pk", flat=True))
    return getattr(current, model_field.attname)


def _current_object(current: models.Model, model_field: models.Field):
    if model_field.many_to_many:
        return list(getattr(current, model_field.name).all())
    return getattr(current, model_field.name)


def _record_value(record, model_field: models.Field):
    if model_field.many_to_many:
        rows = getattr(record, model_field.name, None)
        if rows is None:  # the relation is not recorded in the history
            return None
        target = f"{model_field.m2m_reverse_field_name()}_id"
        return {getattr(row, target) for row in rows.all()}
    return getattr(record, model_field.attname, None)


def _key(model_field: models.Field, value):
    """A value reduced to what decides equality: objects by primary key, collections as sets."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return frozenset(v.pk if isinstance(v, models.Model) else v for v in value)
    if model_field.many_to_many and value is None:
        return None
    if value == "":
        return None
    return value


def _display(form_field: forms.Field, value) -> str:
    """A value as the official reads it in the form: choices by label, objects by name."""
    if value is None or value == "" or (isinstance(value, list | tuple | set) and not value):
        return "–"
    if isinstance(value, models.QuerySet | list | tuple | set):
        return ", ".join(sorted(str(v) for v in value)) or "–"
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, bool):
        return gettext("ya") if value else gettext("tidak")
    if isinstance(form_field, forms.ChoiceField) and not isinstance(form_field, forms.ModelChoiceField):
        labels: dict = {}
        for key, label in form_field.choices:
            if isinstance(label, list | tuple):  # a group of choices
                labels.update(label)
            else:
                labels[key] = label
        return str(labels.get(value, value))
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j M Y")
    return Truncator(str(form_field.prepare_value(value))).chars(PREVIEW_CHARS)
