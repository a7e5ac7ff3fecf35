"""core.widgets.SearchSelect: a short list is written whole (the form works without JavaScript), a long
one only with the chosen rows; what validation accepts is the field's queryset either way."""

import re

import pytest
from django import forms
from django.http import QueryDict

from core.widgets import MAX_LISTED, SearchSelect, SearchSelectMultiple
from villages.models import Village

pytestmark = pytest.mark.django_db

CIRUAS = "36.04.09"
BUMIJAYA = "36.04.09.2009"


def make_form(queryset, multiple: bool = False):
    if multiple:
        field = forms.ModelMultipleChoiceField(
            queryset=queryset, widget=SearchSelectMultiple(source="/cari/"), required=False
        )
    else:
        field = forms.ModelChoiceField(
            queryset=queryset, widget=SearchSelect(source="/cari/"), empty_label="— Pilih desa —"
        )
    return type("PickerForm", (forms.Form,), {"village": field})


def option_values(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', html)


def test_a_short_list_is_written_whole_for_use_without_javascript():
    villages = Village.objects.filter(district_id=CIRUAS).order_by("code")
    html = str(make_form(villages)()["village"])
    assert option_values(html) == ["", *villages.values_list("code", flat=True)]
    assert "— Pilih desa —" in html
    assert 'data-picker-source="/cari/"' in html
    assert "data-picker-note" not in html


def test_a_long_list_is_written_with_the_chosen_row_only(django_assert_max_num_queries):
    villages = Village.objects.order_by("code")
    assert villages.count() > MAX_LISTED
    form = make_form(villages)(initial={"village": BUMIJAYA})
    with django_assert_max_num_queries(2):  # the first rows past the limit, then the chosen one
        html = str(form["village"])
    assert option_values(html) == ["", BUMIJAYA]
    assert re.search(rf'<option value="{BUMIJAYA}" selected>', html)
    assert "ketik sebagian nama atau kode" in html


def test_a_long_list_with_nothing_chosen_has_only_its_empty_choice():
    html = str(make_form(Village.objects.all())()["village"])
    assert option_values(html) == [""]


def test_a_tampered_key_is_neither_looked_up_nor_shown_and_the_form_refuses_it():
    form = make_form(Village.objects.all())({"village": "36.04.09.2009\x00"})
    assert not form.is_valid()
    assert option_values(str(form["village"])) == [""]


def test_a_choice_outside_the_queryset_is_refused_even_if_it_exists():
    form = make_form(Village.objects.filter(district_id=CIRUAS))({"village": "36.04.05.2001"})
    assert not form.is_valid()
    assert "village" in form.errors


def test_a_long_multiple_list_shows_every_chosen_row_and_nothing_else():
    chosen = ["36.04.09.2001", BUMIJAYA]
    form = make_form(Village.objects.all(), multiple=True)({"village": chosen})
    assert form.is_valid()
    html = str(form["village"])
    assert sorted(option_values(html)) == chosen
    assert html.count(" selected>") == 2
    assert 'data-picker-multiple="true"' in html


@pytest.mark.parametrize("multiple", [False, True])
def test_a_picker_draws_its_select_as_djangos_select_does(multiple):
    """The picker's select is drawn in Python (core.widgets.LeanSelect, issue 19), not through a template
    include per option: the markup is Django's own."""
    choices = [("", "Semua"), ("a", "A & <b>"), ("c", "C")]
    field, plain, picker = (
        (forms.MultipleChoiceField, forms.SelectMultiple, SearchSelectMultiple)
        if multiple
        else (forms.ChoiceField, forms.Select, SearchSelect)
    )

    class Both(forms.Form):
        plain_field = field(choices=choices, required=False, widget=plain)
        picked_field = field(choices=choices, required=False, widget=picker(source="/cari/"))

    data = QueryDict(mutable=True)
    for name in ("plain_field", "picked_field"):
        data.setlist(name, ["a", "c"] if multiple else ["a"])
    form = Both(data)
    squeeze = lambda html: re.sub(r">\s+<", "><", html).strip()  # noqa: E731
    drawn = re.search(r"<select.*</select>", squeeze(str(form["picked_field"])), re.S).group(0)
    assert drawn.replace("picked_field", "plain_field") == squeeze(str(form["plain_field"]))
    assert '<option value="a" selected>A &amp; &lt;b&gt;</option>' in drawn
