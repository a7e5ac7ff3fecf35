from django import template

from core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """1500000 -> 'Rp 1.500.000' (Indonesian grouping, whatever the interface language)."""
    try:
        return format_rupiah(int(value))
    except (TypeError, ValueError):
        return "–"


@register.filter
def rupiah_abs(value) -> str:
    """The amount without its sign: 'Rp 250.000' for -250000 (an overspend, said in words around it)."""
    try:
        return format_rupiah(abs(int(value)))
    except (TypeError, ValueError):
        return "–"
