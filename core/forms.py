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
