"""`{{ form.field|as_lean_field }}`: a text box or a select drawn as crispy-bootstrap5's `as_crispy_field`
draws it, in Python.

Hand-written on purpose (issue 19): crispy draws each field through its field template and half a
dozen includes; the catalogue's filter form (nine fields) took a third of the page's time that way,
more than its twelve product cards. The markup is crispy's own, byte for byte once whitespace is
collapsed (tests/core/test_lean_fields.py compares the two on every kind of field it draws); any other
widget (checkbox, radio, file, hidden, multi-widgets) is left to crispy.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The widgets drawn here: one element each, a text box or a select. Their subclasses that crispy draws
# otherwise (checkbox and radio choices are selects to Django) go to crispy.
DRAWN = (forms.TextInput, forms.Textarea, forms.NumberInput, forms.EmailInput, forms.URLInput, forms.Select)
LEFT_TO_CRISPY = (
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.SelectMultiple,
    forms.NullBooleanSelect,
)


@register.filter
def as_lean_field(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    if field.is_hidden or not isinstance(widget, DRAWN) or isinstance(widget, LEFT_TO_CRISPY):
        return as_crispy_field(field)
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    # The widget's own class, then its kind's, as crispy's {% crispy_field %} sets them (on the widget,
    # which each form holds a copy of).
    kind = widget.__class__.__name__.lower()
    classes = widget.attrs.get("class", "")
    classes = classes if kind in classes else f"{classes} {kind}".strip()
    for extra in (bootstrap, "is-invalid") if field.errors else (bootstrap,):
        if extra not in classes.split():
            classes = f"{classes} {extra}"
    widget.attrs["class"] = classes

    required = field.field.required
    label = ""
    if field.label:
        label = format_html(
            '<label for="{}" class="form-label{}">{}{}</label>',
            field.id_for_label,
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        )
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.errors.field_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1)),
            ),
        )
    help_text = ""
    if field.help_text:
        help_text = format_html(
            '<div {}class="form-text">{}</div>',
            format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else "",
            # As crispy and Django's own field template draw it (|safe): help texts are the code's.
            mark_safe(field.help_text),  # noqa: S308
        )
    css = field.css_classes()
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}{}</div>',
        field.auto_id,
        f" {css}" if css else "",
        label,
        str(field),
        errors,
        help_text,
    )
