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
