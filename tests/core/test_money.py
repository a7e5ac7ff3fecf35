"""Rupiah amounts: read from what people type, shown with Indonesian grouping."""

import pytest
from django.core.exceptions import ValidationError

from core.money import parse_rupiah
from core.templatetags.rupiah import rupiah


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.500.000", 1500000),
        ("Rp 1.500.000", 1500000),
        ("1500000", 1500000),
        ("1,500,000", 1500000),
        ("", None),
    ],
)
def test_rupiah_is_read_with_or_without_separators(raw, expected):
    assert parse_rupiah(raw) == expected


@pytest.mark.parametrize("raw", ["-5000", "1.500,50", "1500.5", "12,5", "satu juta", "1e9"])
def test_rupiah_decimals_negatives_and_words_are_refused(raw):
    with pytest.raises(ValidationError):
        parse_rupiah(raw)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1500000, "Rp\u00a01.500.000"), (0, "Rp\u00a00"), (999, "Rp\u00a0999"), (None, "–"), ("x", "–")],
)
def test_money_is_shown_the_indonesian_way(value, shown):
    assert rupiah(value) == shown
