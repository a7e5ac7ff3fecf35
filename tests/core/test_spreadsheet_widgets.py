"""The cells every app's spreadsheet resources share (core.sheet_cells): no model behind them."""

import datetime
from decimal import Decimal

import pytest
from django.db import models
from django.utils import translation

from core.sheet_cells import (
    ChoiceWidget,
    CoordinateWidget,
    NativeWidget,
    RupiahWidget,
    TextWidget,
    WholeNumberWidget,
    YesNoWidget,
    cell_text,
    normal_name,
)


class Colour(models.TextChoices):
    RED = "merah", translation.gettext_lazy("Merah")
    DARK_BLUE = "biru_tua", "Biru tua"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  Gerabah  ", "Gerabah"),
        (12.0, "12"),
        (True, "1"),
        (datetime.datetime(2026, 3, 2, 10, 30), "2026-03-02"),
        (datetime.date(2026, 3, 2), "2026-03-02"),
        ("'+62 812 3456 7890", "+62 812 3456 7890"),  # the apostrophe our CSV export puts before it
    ],
)
def test_a_cell_is_read_as_trimmed_text(value, expected):
    assert cell_text(value) == expected


@pytest.mark.parametrize(
    "formula", ["'=1+1", "=SUM(A1:A3)", " =1+1", '+HYPERLINK("x")', "@SUM(A1)", "-2+3+cmd|' /C calc'!A0"]
)
def test_a_formula_is_refused(formula):
    with translation.override("id"), pytest.raises(ValueError, match="rumus"):
        cell_text(formula)


@pytest.mark.parametrize("data", ["+62 812 3456 7890", "-6.12", "- dijual segar", "Rp 5.000,-"])
def test_text_that_only_starts_with_a_sign_is_data(data):
    assert cell_text(data) == data


def test_names_are_matched_whatever_the_case_and_spacing():
    assert normal_name("  Gerabah   SARI ") == normal_name("gerabah sari")


def test_text_is_trimmed_and_may_be_required():
    assert TextWidget().clean("  Sari ") == "Sari"
    assert TextWidget().clean(None) == ""
    with translation.override("id"), pytest.raises(ValueError, match="Wajib diisi"):
        TextWidget(required=True).clean("   ")
    assert TextWidget().render(None) == ""


def test_a_native_value_is_exported_as_it_is():
    day = datetime.date(2026, 3, 2)
    assert NativeWidget().render(day) is day


@pytest.mark.parametrize(
    ("value", "expected"), [("12", 12), ("1.500", 1500), (" 1 500 ", 1500), (7, 7), ("", None)]
)
def test_a_whole_number_may_be_grouped(value, expected):
    assert WholeNumberWidget().clean(value) == expected


@pytest.mark.parametrize("value", ["-3", -3, "1,5", "1.5", "dua", "1234567890123456"])
def test_decimals_negatives_words_and_huge_numbers_are_refused(value):
    with pytest.raises(ValueError):
        WholeNumberWidget().clean(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Rp 1.500.000", 1500000), ("1.500.000", 1500000), ("1500000", 1500000), (25000, 25000), ("", None)],
)
def test_rupiah_is_read_as_the_forms_read_it(value, expected):
    assert RupiahWidget().clean(value) == expected


@pytest.mark.parametrize("value", ["1.500,50", "-5000", "lima ribu"])
def test_rupiah_with_cents_a_sign_or_words_is_refused(value):
    with pytest.raises(ValueError):
        RupiahWidget().clean(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("-6,123456", Decimal("-6.123456")), (106.5, Decimal("106.5")), ("", None)],
)
def test_a_coordinate_takes_a_decimal_comma(value, expected):
    assert CoordinateWidget().clean(value) == expected


@pytest.mark.parametrize("value", ["utara", "1.2.3", "inf"])
def test_a_coordinate_that_is_no_number_is_refused(value):
    with pytest.raises(ValueError):
        CoordinateWidget().clean(value)


@pytest.mark.parametrize("value", ["merah", "MERAH", "Merah", " biru   TUA ", "biru_tua"])
def test_a_choice_is_read_as_a_code_or_a_label_whatever_the_case(value):
    assert ChoiceWidget(Colour).clean(value) in Colour.values


def test_an_unknown_choice_lists_the_allowed_labels():
    with translation.override("id"), pytest.raises(ValueError) as error:
        ChoiceWidget(Colour).clean("hijau")
    assert "Merah, Biru tua" in str(error.value)


def test_a_choice_is_written_as_its_label():
    assert ChoiceWidget(Colour).render("biru_tua") == "Biru tua"
    assert ChoiceWidget(Colour).render("") == ""
    assert ChoiceWidget(Colour).render("lama") == "lama"  # a value no longer offered stays readable


@pytest.mark.parametrize(
    ("value", "expected"), [("ya", True), ("Tidak", False), ("yes", True), ("", False), (1, True)]
)
def test_yes_and_no_are_read_in_either_language(value, expected):
    assert YesNoWidget().clean(value) is expected


def test_anything_else_than_yes_or_no_is_refused():
    with translation.override("id"), pytest.raises(ValueError, match="ya"):
        YesNoWidget().clean("mungkin")
