from django import template

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """1500000 -> 'Rp 1.500.000' (Indonesian grouping, whatever the interface language)."""
    if value is None or value == "":
        return "–"
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return "–"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp\u00a0{abs(amount):,}".replace(",", ".")
