"""Rupiah amounts: parsed from what people type, shown with Indonesian grouping."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_RUPIAH = 10**15  # a thousand trillion: beyond any regency budget, far inside a bigint


def parse_rupiah(raw: str) -> int | None:
    """'Rp 1.500.000', '1.500.000', '1,500,000' or '1500000' -> 1500000; decimals and negatives refused."""
    text = (raw or "").strip()
    if not text:
        return None
    text = re.sub(r"^(rp\.?|idr)\s*", "", text, flags=re.IGNORECASE).replace(" ", "")
    if text.startswith("-"):
        raise ValidationError(_("Nilai rupiah tidak boleh negatif."), code="negative")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text) or re.fullmatch(r"\d{1,3}(,\d{3})+", text):
        digits = text.replace(".", "").replace(",", "")
    elif re.fullmatch(r"\d+", text):
        digits = text
    elif re.fullmatch(r"[\d.,]+", text):
        raise ValidationError(_("Tulis rupiah tanpa sen, misalnya 1.500.000 atau 1500000."), code="decimal")
    else:
        raise ValidationError(_("Masukkan jumlah rupiah, misalnya 1.500.000."), code="invalid")
    value = int(digits)
    if value >= MAX_RUPIAH:
        raise ValidationError(_("Jumlah rupiah terlalu besar."), code="too_large")
    return value


class RupiahField(forms.Field):
    """An amount in whole Rupiah, typed with or without thousands separators."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "numeric",
            "maxlength": "30",
            "placeholder": "1.500.000",
        }

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value

    def to_python(self, value) -> int | None:
        if isinstance(value, int) or value is None:
            return value
        if len(str(value)) > 30:
            raise ValidationError(_("Masukkan jumlah rupiah, misalnya 1.500.000."), code="invalid")
        return parse_rupiah(str(value))


def format_rupiah(amount: int | None) -> str:
    """1500000 -> 'Rp 1.500.000' (Indonesian grouping, a non-breaking space after Rp)."""
    if amount is None:
        return "–"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp\u00a0{abs(amount):,}".replace(",", ".")
