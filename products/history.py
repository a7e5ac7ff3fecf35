"""The audit trail as officials read it: who changed what, when, from what to what.

The records are django-simple-history's (a `history` on each audited model). A page asks for the
history of a few sources at once (a product, its legality documents and its designations) and gets
the latest changes of all of them, newest first, each with the fields it changed.

Cost: one query per source (its latest records, with who made them, the related objects they name
and the id of each one's previous version), plus, per model, one query for previous versions that
are not among those records, which happens only when the sources hold more changes than are shown.
The number of queries never grows with the number of changes.

Any app may use this for its own models (assistance does, for programmes and deliveries); it knows
no model of its own beyond Designation, whose successor it names by product and village.
"""

import datetime
import os
from dataclasses import dataclass, field
from itertools import chain

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject

from .fields import format_rupiah
from .models import Designation

HISTORY_LIMIT = 50
TEXT_PREVIEW_CHARS = 120
KIND_LABELS = {"+": _("dibuat"), "~": _("diubah"), "-": _("dihapus")}
# The relations a related object's name needs, so that naming it costs no query of its own.
NAME_JOINS = {Designation: ("product", "village")}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted (simple_history's history_type)
    kind_label: str
    model_label: str
    subject: str
    changes: list[FieldChange] = field(default_factory=list)
    # A change whose previous version was never recorded (the object predates the audit trail).
    unknown_before: bool = False


@dataclass(frozen=True)
class ChangeHistory:
    entries: list[HistoryEntry]
    more: bool  # older changes exist beyond the ones shown


def change_history(*sources: models.QuerySet, limit: int = HISTORY_LIMIT) -> ChangeHistory:
    """The latest `limit` changes of the given historical querysets (e.g. `Product.history.filter(id=1)`,
    `LegalityDocument.history.filter(product_id=1)`), newest first."""
    records = sorted(
        chain.from_iterable(_latest(source, limit + 1) for source in sources),
        key=lambda record: (record.history_date, record.history_id),
        reverse=True,
    )
    shown = records[:limit]
    previous = _previous_versions(shown, fetched=records)
    entries = [_entry(record, previous.get((type(record), record.previous_id))) for record in shown]
    return ChangeHistory(entries=entries, more=len(records) > limit)


def _joins(history_model) -> list[str]:
    joins = ["history_user"]
    for tracked in history_model.tracked_fields:
        if isinstance(tracked, models.ForeignKey):
            joins.append(tracked.name)
            joins.extend(f"{tracked.name}__{name}" for name in NAME_JOINS.get(tracked.related_model, ()))
    return joins


def _latest(source: models.QuerySet, limit: int) -> list:
    history_model = source.model
    pk_name = history_model.instance_type._meta.pk.attname
    earlier = history_model._default_manager.filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
        **{pk_name: OuterRef(pk_name)},
    ).order_by("-history_date", "-history_id")
    return list(
        source.select_related(*_joins(history_model))
        .annotate(previous_id=Subquery(earlier.values("history_id")[:1]))
        .order_by("-history_date", "-history_id")[:limit]
    )


def _previous_versions(records: list, fetched: list) -> dict:
    """The records' previous versions, keyed by (history model, history_id): taken from what was
    fetched already where possible, else fetched in one query per model."""
    found = {(type(record), record.history_id): record for record in fetched}
    missing: dict[type, set[int]] = {}
    for record in records:
        if record.previous_id is not None and (type(record), record.previous_id) not in found:
            missing.setdefault(type(record), set()).add(record.previous_id)
    for history_model, ids in missing.items():
        rows = history_model._default_manager.filter(history_id__in=ids).select_related(
            *_joins(history_model)
        )
        found.update(((history_model, row.history_id), row) for row in rows)
    return found


def _entry(record, previous) -> HistoryEntry:
    model = record.instance_type
    changes = []
    if record.history_type == "~" and previous is not None:
        delta = record.diff_against(previous, foreign_keys_are_objs=True)
        for change in sorted(delta.changes, key=lambda c: _field_position(model, c.field)):
            model_field = model._meta.get_field(change.field)
            old, new = _display(model_field, change.old), _display(model_field, change.new)
            if old != new:
                changes.append(FieldChange(label=capfirst(model_field.verbose_name), old=old, new=new))
    return HistoryEntry(
        when=record.history_date,
        who=_person(record.history_user) if record.history_user_id else str(_("sistem")),
        kind=record.history_type,
        kind_label=str(KIND_LABELS[record.history_type]),
        model_label=capfirst(model._meta.verbose_name),
        # The model's own name for the object, read from the historical row (same fields, and the
        # relations it names are joined above): what it was called at that moment.
        subject=model.__str__(record),
        changes=changes,
        unknown_before=record.history_type == "~" and previous is None,
    )


def _field_position(model, name: str) -> int:
    return [f.name for f in model._meta.fields].index(name)


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _display(model_field: models.Field, value) -> str:
    """A value as an official reads it: choices by their label, people by name, money in Rupiah."""
    if isinstance(value, DeletedObject):  # an empty foreign key, or one whose object is gone
        if value.pk is None:
            return "–"
        name = capfirst(value.model._meta.verbose_name)
        return _("%(name)s #%(pk)s (sudah dihapus)") % {"name": name, "pk": value.pk}
    if value is None or value == "":
        return "–"
    if isinstance(model_field, models.ForeignKey):
        return _person(value) if hasattr(value, "get_username") else str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("ya") if value else _("tidak"))
    if isinstance(model_field, models.PositiveBigIntegerField):  # the portal's Rupiah amounts
        return format_rupiah(value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j M Y")
    if isinstance(model_field, models.FileField):
        return os.path.basename(str(value))
    return Truncator(str(value)).chars(TEXT_PREVIEW_CHARS)
