"""Form widgets and mixins every app's forms share."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


STALE_FORM = _("Formulir ini tidak sesuai lagi dengan halamannya. Muat ulang halaman, lalu coba lagi.")


class ErrorsAlwaysShown:
    """crispy draws a field's errors beside the field: a hidden field has nowhere to show them, and a
    list of checkboxes or radio buttons shows them after its last choice, so not at all when it has
    none. Such a form would be refused without a word: these errors are repeated with the form's own.
    A hidden field can only be wrong when the page is out of date or was tampered with."""

    def full_clean(self) -> None:
        super().full_clean()
        unseen = []
        for name, field in list(self.fields.items()):
            if name not in self._errors:
                continue
            if field.widget.is_hidden:
                unseen.append(STALE_FORM)
            elif isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple) and not list(
                field.choices
            ):
                unseen += [f"{field.label}: {message}" for message in self._errors[name]]
        for message in dict.fromkeys(unseen):
            self.add_error(None, message)


class Sections:
    """A long form drawn in titled groups (templates/includes/form_sections.html), the most used
    fields first. `sections` names each group's legend and fields; a field no group names is drawn in
    the last group, so none is ever lost from the page."""

    sections: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def grouped_fields(self) -> list[tuple[str, list]]:
        named = {name for _legend, names in self.sections for name in names}
        groups = [
            (legend, [self[name] for name in names if name in self.fields]) for legend, names in self.sections
        ]
        rest = [field for field in self.visible_fields() if field.name not in named]
        if rest and groups:
            groups[-1][1].extend(rest)
        elif rest:
            groups.append(("", rest))
        return [(legend, fields) for legend, fields in groups if fields]
