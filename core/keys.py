"""Choice fields and admin widgets that refuse a key which cannot name a row, instead of failing.

Django looks a posted key up as it is: a key that is not a number for an integer key, one beyond the
database's integers (SQLite raises OverflowError) or a code with a NUL character (PostgreSQL refuses
the query) turn a refused form into a 500. Such a key is refused here as an invalid choice, like any
key that names nothing; the admin's autocomplete widgets leave it out when they show a form again.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models


def usable_key(target: models.Field, value) -> bool:
    """Whether `value` can be looked up in `target` (a primary key or another unique field): of its
    type, within its validators (the database's integer range for integer keys, a code's pattern)."""
    if isinstance(value, str) and "\x00" in value:
        return False
    try:
        target.run_validators(target.to_python(value))
    except (ValidationError, TypeError, ValueError, OverflowError):
        return False
    return True


def _key_field(queryset: models.QuerySet, to_field_name: str | None) -> models.Field:
    meta = queryset.model._meta
    return meta.get_field(to_field_name) if to_field_name else meta.pk


class KeyCheckingChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not usable_key(
            _key_field(self.queryset, self.to_field_name), value
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class KeyCheckingMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        target = _key_field(self.queryset, self.to_field_name)
        for key in value or ():
            if not usable_key(target, key):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": key}
                )
        return super()._check_values(value)


class _UsableSelectedMixin:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        return super().optgroups(name, [v for v in value if usable_key(target, v)], attr)


class KeyCheckingAutocompleteSelect(_UsableSelectedMixin, AutocompleteSelect):
    pass


class KeyCheckingAutocompleteSelectMultiple(_UsableSelectedMixin, AutocompleteSelectMultiple):
    pass


class KeyCheckingAdminMixin:
    """For every ModelAdmin and inline: foreign keys and many-to-many fields refuse unusable keys."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyCheckingAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", KeyCheckingChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyCheckingAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", KeyCheckingMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
