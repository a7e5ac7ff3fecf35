"""`as_lean_field` draws a text box or a select exactly as crispy-bootstrap5's `as_crispy_field` does
(whitespace aside), with its label, classes, errors and help text; other widgets it leaves to crispy."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from core.templatetags.lean_fields import as_lean_field
from core.widgets import LeanSelect


def collapsed(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*([<>])\s*", r"\1", html).replace(' ">', '">').strip()


class Everything(forms.Form):
    q = forms.CharField(label="Cari", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    name = forms.CharField(label="Nama", help_text="Nama <em>lengkap</em>.")
    notes = forms.CharField(label="Catatan", required=False, widget=forms.Textarea)
    count = forms.IntegerField(label="Jumlah", required=False)
    email = forms.EmailField(label="Surel", required=False)
    kind = forms.ChoiceField(label="Jenis", choices=[("", "Semua"), ("a", "A"), ("b", "B")], required=False)
    lean = forms.ChoiceField(
        label="Bintang",
        choices=[("", "Semua"), ("5", "5")],
        required=False,
        widget=LeanSelect,
        help_text="Saring.",
    )
    flag = forms.BooleanField(label="Setuju", required=False)
    radio = forms.ChoiceField(label="Pilih", choices=[("a", "A")], widget=forms.RadioSelect, required=False)
    several = forms.MultipleChoiceField(label="Banyak", choices=[("a", "A")], required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,  # unbound
        {"q": "gerabah", "name": "Sari", "kind": "b", "lean": "5", "count": "3"},  # bound, valid
        {"name": "", "kind": "zzz", "lean": "9", "count": "x", "email": "bukan"},  # bound, with errors
    ],
)
@pytest.mark.parametrize("name", list(Everything.base_fields))
def test_each_field_is_drawn_as_crispy_draws_it(data, name):
    lean_form, crispy_form = Everything(data), Everything(data)
    if data is not None:
        lean_form.is_valid(), crispy_form.is_valid()
    assert collapsed(as_lean_field(lean_form[name])) == collapsed(as_crispy_field(crispy_form[name]))


def test_errors_are_drawn_at_all():
    form = Everything({"name": "", "kind": "zzz"})
    form.is_valid()
    html = as_lean_field(form["kind"])
    assert "is-invalid" in html and 'class="invalid-feedback"' in html and "error_1_id_kind" in html
