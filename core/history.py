"""The audit trail as officials read it: who changed what, when, from what to what.

The records are django-simple-history's (a `history` on each audited model). A page asks for the
history of a few sources at once (a product, its legality documents and its designations) and gets
the latest changes of all of them, newest first, each with the fields it changed.

Cost: one query per source (its latest records, with who made them, the related objects they name
and the id of each one's previous version), plus, per model, one query for previous versions that
are not among those records, which happens only when the sources hold more changes than are shown.
The number of queries never grows with the number of changes.

Any app may use this for its own models; it knows no model of the portal. An app whose objects are
named through their relations registers those relations (register_name_joins), e.g. products for a
designation, named by its product and village.
"""

import datetime
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery, prefetch_related_objects
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject

from .concurrency import VERSION_FIELD
from .errors import Refused
from .money import format_rupiah

HISTORY_LIMIT = 50
TEXT_PREVIEW_CHARS = 120
KIND_LABELS = {"+": _("dibuat"), "~": _("diubah"), "-": _("dihapus")}
# The relations a related object's name needs, so that naming it costs no query of its own: filled by
# the apps that own the models (register_name_joins), never imported from them.
NAME_JOINS: dict[type[models.Model], tuple[str, ...]] = {}


def register_name_joins(model: type[models.Model], *relations: str) -> None:
    """Declare the relations `str(obj)` of `model` reads, so that history records naming such an object
    join them instead of querying once per record. Call from the owning app's AppConfig.ready()."""
    NAME_JOINS[model] = relations


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
    _prefetch_relations(shown, previous.values())
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


def _prefetch_relations(records: list, previous) -> None:
    """The recorded many-to-many links (e.g. a product's producers) of the records and of their
    previous versions, with the objects they name: two queries per relation and model, whatever the
    number of changes (simple_history's own diff would query twice per change)."""
    by_model: dict[type, list] = {}
    for record in chain(records, previous):
        by_model.setdefault(type(record), []).append(record)
    for history_model, rows in by_model.items():
        for m2m in getattr(history_model, "_history_m2m_fields", ()):
            accessor = _links_accessor(history_model, m2m)
            prefetch_related_objects(rows, f"{accessor}__{m2m.m2m_reverse_field_name()}")


def _links_accessor(history_model, m2m: models.ManyToManyField) -> str:
    """The reverse relation from a history record to its recorded links (simple_history names the
    links' model <HistoricalModel>_<field>); `record.<field>` is a manager that cannot be prefetched."""
    for relation in history_model._meta.related_objects:
        if relation.related_model.__name__ == f"{history_model.__name__}_{m2m.name}":
            return relation.get_accessor_name()
    raise LookupError(m2m.name)


def _linked(record, m2m: models.ManyToManyField) -> dict:
    target = m2m.m2m_reverse_field_name()
    rows = getattr(record, _links_accessor(type(record), m2m)).all()
    return {getattr(row, f"{target}_id"): getattr(row, target) for row in rows}


def _names(linked: dict, m2m: models.ManyToManyField) -> str:
    if not linked:
        return "–"
    return ", ".join(
        sorted(
            str(obj)
            if obj is not None
            else display_value(m2m, DeletedObject(m2m.related_model, pk))  # the object is gone since
            for pk, obj in linked.items()
        )
    )


def _entry(record, previous) -> HistoryEntry:
    model = record.instance_type
    changes = []
    if record.history_type == "~" and previous is not None:
        m2m_fields = list(getattr(record, "_history_m2m_fields", ()))
        delta = record.diff_against(
            previous, foreign_keys_are_objs=True, excluded_fields=[f.name for f in m2m_fields]
        )
        for change in sorted(delta.changes, key=lambda c: _field_position(model, c.field)):
            model_field = model._meta.get_field(change.field)
            old, new = display_value(model_field, change.old), display_value(model_field, change.new)
            if old != new:
                changes.append(FieldChange(label=capfirst(model_field.verbose_name), old=old, new=new))
        for m2m in m2m_fields:
            old, new = _linked(previous, m2m), _linked(record, m2m)
            if old.keys() != new.keys():
                changes.append(
                    FieldChange(label=capfirst(m2m.verbose_name), old=_names(old, m2m), new=_names(new, m2m))
                )
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


def display_value(model_field: models.Field, value) -> str:
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


# --- restoring what was deleted ---------------------------------------------------------------------------

# Rows deleted with their parent (Django's cascade) are recorded within moments of it; a row deleted
# on its own long before is not brought back with the parent.
CASCADE_WINDOW = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class Restored:
    obj: models.Model
    related: int = 0  # rows deleted with it that came back (photos, scores, …)
    files_missing: int = 0  # rows left deleted because their files are gone


def _history_manager(model: type[models.Model]):
    return getattr(model, model._meta.simple_history_manager_attribute)


def _records_of(model: type[models.Model], pk) -> models.QuerySet:
    return (
        _history_manager(model)
        .filter(**{model._meta.pk.attname: pk})
        .order_by("-history_date", "-history_id")
    )


def last_deletion(model: type[models.Model], pk):
    """The record of the object's deletion, if it is deleted now (and recorded as such)."""
    latest = _records_of(model, pk).first()
    if latest is None or latest.history_type != "-" or model._base_manager.filter(pk=pk).exists():
        return None
    return latest


@transaction.atomic
def restore_deleted(
    model: type[models.Model], pk, *, related: Sequence[tuple[type[models.Model], str]] = ()
) -> Restored:
    """Bring a deleted object back as it was when deleted, with its recorded many-to-many links and
    the rows of `related` ((model, foreign key attname) pairs) that were deleted with it."""
    deletion = last_deletion(model, pk)
    if deletion is None:
        raise Refused(_("Data ini tidak dapat dipulihkan: data ini tidak tercatat sebagai terhapus."))
    obj = deletion.instance
    prepare_restored(obj, deletion)
    obj.save()
    return restore_related(obj, deletion, related=related)


def prepare_restored(obj: models.Model, deletion) -> None:
    """Make `obj` (built from its history) insert as a new row, with a version no form opened before
    the deletion holds: such a form must not overwrite the restored object unawares."""
    obj._state.adding = True
    _clear_taken_slugs(obj)
    if hasattr(obj, VERSION_FIELD):
        setattr(obj, VERSION_FIELD, getattr(deletion, VERSION_FIELD, 0) + 1)


def restore_related(
    obj: models.Model, deletion, *, related: Sequence[tuple[type[models.Model], str]] = ()
) -> Restored:
    """After `obj` is back: its many-to-many links as last recorded before the deletion (to objects
    that still exist), and the related rows deleted with it whose files, if any, still exist."""
    model = type(obj)
    # The last version before the deletion (not the restore's own record, just written).
    before = (
        _records_of(model, obj.pk)
        .filter(history_id__lt=deletion.history_id)
        .exclude(history_type="-")
        .first()
    )
    for m2m in getattr(deletion, "_history_m2m_fields", ()):
        if before is None:
            break
        target = m2m.m2m_reverse_field_name()
        ids = {getattr(row, f"{target}_id") for row in getattr(before, m2m.name).all()}
        getattr(obj, m2m.name).add(*m2m.related_model._base_manager.filter(pk__in=ids))
    brought, missing = 0, 0
    for child_model, foreign_key in related:
        for record in _deleted_with(child_model, foreign_key, obj.pk, deletion.history_date):
            child = record.instance
            if not _files_exist(child):
                missing += 1
                continue
            prepare_restored(child, record)
            child.save()
            brought += 1
    return Restored(obj=obj, related=brought, files_missing=missing)


def _deleted_with(child_model: type[models.Model], foreign_key: str, parent_pk, deleted_at) -> list:
    """The latest record of each child of the parent that is deleted now, deleted around `deleted_at`."""
    pk_name = child_model._meta.pk.attname
    latest: dict = {}
    for record in _history_manager(child_model).filter(**{foreign_key: parent_pk}).order_by("-history_id"):
        latest.setdefault(getattr(record, pk_name), record)
    gone = [
        record
        for record in latest.values()
        if record.history_type == "-" and abs(record.history_date - deleted_at) <= CASCADE_WINDOW
    ]
    existing = set(
        child_model._base_manager.filter(pk__in=[getattr(r, pk_name) for r in gone]).values_list(
            "pk", flat=True
        )
    )
    return [record for record in gone if getattr(record, pk_name) not in existing]


def _files_exist(obj: models.Model) -> bool:
    for model_field in obj._meta.fields:
        if isinstance(model_field, models.FileField):
            file = getattr(obj, model_field.name)
            if file and not file.storage.exists(file.name):
                return False
    return True


def _clear_taken_slugs(obj: models.Model) -> None:
    """A unique slug taken meanwhile by another object is left for the model's save() to choose anew."""
    for model_field in obj._meta.fields:
        if isinstance(model_field, models.SlugField) and model_field.unique:
            value = getattr(obj, model_field.attname)
            if value and type(obj)._base_manager.filter(**{model_field.attname: value}).exists():
                setattr(obj, model_field.attname, "")


def deleted_files_sweep(
    model: type[models.Model], *, older_than: datetime.timedelta, dry_run: bool
) -> list[str]:
    """Remove the files of `model` rows deleted more than `older_than` ago and still deleted: until
    then they are kept so that a restore brings the rows back whole. Returns the names removed (or,
    with dry_run, that would be)."""
    cutoff = timezone.now() - older_than
    pk_name = model._meta.pk.attname
    file_fields = [f for f in model._meta.fields if isinstance(f, models.FileField)]
    latest: dict = {}
    # Latest by insertion order (history_id), which no clock can disturb.
    for record in _history_manager(model).order_by("-history_id").iterator():
        latest.setdefault(getattr(record, pk_name), record)
    gone = [r for r in latest.values() if r.history_type == "-" and r.history_date < cutoff]
    live = set(
        model._base_manager.filter(pk__in=[getattr(r, pk_name) for r in gone]).values_list("pk", flat=True)
    )
    names = {
        getattr(record, f.attname)
        for record in gone
        if getattr(record, pk_name) not in live
        for f in file_fields
        if getattr(record, f.attname)
    }
    # A file a live row still names (never expected: names are random) is left alone.
    for f in file_fields:
        names -= set(
            model._base_manager.filter(**{f"{f.attname}__in": names}).values_list(f.attname, flat=True)
        )
    removed = []
    for name in sorted(names):
        storage = file_fields[0].storage
        if storage.exists(name):
            if not dry_run:
                storage.delete(name)
            removed.append(name)
    return removed
