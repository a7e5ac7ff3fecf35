"""Admin helpers every app's admin may use; core registers no model."""

import dataclasses

from django.contrib import messages
from django.core.validators import MaxValueValidator
from django.db.models import ManyToManyField
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .concurrency import VERSION_FIELD
from .history import display_value, last_deletion, prepare_restored, restore_related
from .money import MAX_RUPIAH, RupiahField


class ReadableChanges(HistoricalRecordContextHelper):
    """A change as the officials' history shows it: choices by label, yes/no, Rupiah, dates, "–"
    for nothing, and no line for the edit counter (row_version) that every save moves."""

    def context_for_delta_changes(self, delta) -> list[dict]:
        changes = [change for change in delta.changes if change.field != VERSION_FIELD]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))

    def prepare_delta_change_value(self, change, value):
        model_field = self.model._meta.get_field(change.field)
        if isinstance(model_field, ManyToManyField):
            return super().prepare_delta_change_value(change, value) or "–"
        return display_value(model_field, value)


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin history in the portal's words (templates/simple_history/)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)


class RecoveringHistoryAdmin(ReadableHistoryAdmin):
    """History, revert, and recovery of a deleted object: open …/<id>/history/ of the deleted object,
    choose its last version and save. Its recorded many-to-many links come back, and so do the rows
    of `recovered_with` ((model, foreign key attname) pairs) deleted with it whose files still exist."""

    recovered_with: tuple = ()

    def save_model(self, request, obj, form, change) -> None:
        deletion = last_deletion(type(obj), obj.pk) if change and obj.pk is not None else None
        if deletion is None:
            super().save_model(request, obj, form, change)
            return
        prepare_restored(obj, deletion)
        super().save_model(request, obj, form, change)
        restored = restore_related(obj, deletion, related=self.recovered_with)
        if restored.files_missing:
            self.message_user(
                request,
                ngettext(
                    "%(n)s data terkait tidak dipulihkan karena berkasnya sudah tidak ada.",
                    "%(n)s data terkait tidak dipulihkan karena berkasnya sudah tidak ada.",
                    restored.files_missing,
                )
                % {"n": restored.files_missing},
                messages.WARNING,
            )


def is_rupiah_field(db_field) -> bool:
    """A model field holds Rupiah when it carries the MAX_RUPIAH limit (core.money)."""
    return any(
        isinstance(validator, MaxValueValidator) and validator.limit_value == MAX_RUPIAH
        for validator in getattr(db_field, "validators", [])
    )


class RupiahAdminMixin:
    """Amounts in the admin are typed as on the officials' forms, with or without separators
    (1.500.000 or 1500000), and read back with them: one parser, core.money.parse_rupiah."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if is_rupiah_field(db_field):
            return RupiahField(
                label=db_field.verbose_name,
                required=not db_field.blank,
                validators=db_field.validators,
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
