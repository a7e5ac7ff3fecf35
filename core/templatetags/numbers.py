"""Counts and quantities with the interface language's grouping: 2.500 in Indonesian, 2,500 in English."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def number(value) -> str:
    """2500 -> '2.500' (Indonesian) or '2,500' (English); decimals keep at most two places; a value
    that is not a number is shown as it is, None as '–'."""
    if value is None or value == "":
        return "–"
    try:
        if isinstance(value, int) or (isinstance(value, str) and value.lstrip("-").isdigit()):
            return number_format(int(value), force_grouping=True)
        numeric = float(value)
    except (TypeError, ValueError):
        return str(value)
    if numeric.is_integer():
        return number_format(int(numeric), force_grouping=True)
    places = 2 if round(numeric, 2) != round(numeric, 1) else 1
    return number_format(value, decimal_pos=places, force_grouping=True)
