"""Searchable pickers: a select that lists a model's rows only while they are few.

An official's area can hold 15 villages or 83,000. Listing every row in the page made the forms of a
large area megabytes long, so `SearchSelect` lists the whole queryset only up to `max_listed` rows
(then the form works as a plain select, without JavaScript); above that it lists the chosen rows
alone, and static/js/picker.js adds a text box that searches the area through `source`, a JSON
endpoint answering `{"results": [{"value", "label"}], "more"}`. The field's queryset (already scoped
to the official's area) is what is listed and what validation accepts, whatever the endpoint says.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .keys import usable_key

MAX_LISTED = 200


class LeanSelect(forms.Select):
    """A select drawn in Python, the markup Django's templates give: Django renders each option through
    its own template include (two with its attributes), which for a few hundred options costs more
    than the rest of a page. Options and option groups as forms.Select makes them."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            drawn = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((option["value"], flatatt(option["attrs"]), option["label"]) for option in options),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, drawn) if group_name else drawn
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((part,) for part in parts)),
        )


class SearchSelect(LeanSelect):
    """`source`: the URL of the search endpoint. `depends_on`: the name of another field of the form
    whose value narrows the search (sent as `village=<value>`; a change clears this choice).
    `near`: another field whose value only orders the results (sent as `near=<value>`)."""

    max_listed = MAX_LISTED

    def __init__(self, *, source: str, depends_on: str = "", near: str = "", attrs=None):
        super().__init__(attrs)
        self.source = source
        self.depends_on = depends_on
        self.near = near
        self.listed_all = True

    def _listed(self, value: list[str]) -> tuple[list, bool]:
        """The (value, label) choices written in the page, and whether they are all of them."""
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:  # plain choices: nothing to search on the server
            return list(self.choices), True
        iterator = self.choices
        field = iterator.field
        head = [] if field.empty_label is None else [("", field.empty_label)]
        rows = list(queryset[: self.max_listed + 1])
        if len(rows) <= self.max_listed:
            return head + [iterator.choice(row) for row in rows], True
        key_name = field.to_field_name or queryset.model._meta.pk.name
        key_field = queryset.model._meta.get_field(key_name)
        # A tampered or stale key is left out rather than looked up (core.keys): the form says it is wrong.
        keys = [v for v in value if v not in ("", None) and usable_key(key_field, v)]
        chosen = list(queryset.filter(**{f"{key_name}__in": keys})) if keys else []
        return head + [iterator.choice(row) for row in chosen], False

    def optgroups(self, name, value, attrs=None):
        listed, self.listed_all = self._listed(value)
        groups = []
        has_selected = False
        for index, (option_value, option_label) in enumerate(listed):
            option_value = "" if option_value is None else option_value
            selected = str(option_value) in value and (not has_selected or self.allow_multiple_selected)
            has_selected |= selected
            option = self.create_option(name, option_value, option_label, selected, index, attrs=attrs)
            groups.append((None, [option], index))
        return groups

    def render(self, name, value, attrs=None, renderer=None):
        # The select as Django draws it, in a wrapper that tells picker.js where to search. A note says
        # why a long list shows only the chosen rows (the search box needs JavaScript).
        select = super().render(name, value, attrs, renderer)
        note = ""
        if not self.listed_all:
            note = format_html(
                '<p class="form-text small mb-0" data-picker-note>{}</p>',
                _("Daftarnya panjang: ketik sebagian nama atau kode untuk mencari."),
            )
        return format_html(
            '<div class="ovop-picker position-relative" data-picker data-picker-source="{}"'
            ' data-picker-depends="{}" data-picker-near="{}" data-picker-multiple="{}"'
            ' data-picker-found="{}" data-picker-none="{}" data-picker-remove="{}" data-picker-add="{}">'
            "{}{}</div>",
            self.source,
            self.depends_on,
            self.near,
            "true" if self.allow_multiple_selected else "false",
            _("{n} ditemukan; pilih dengan panah atas/bawah dan Enter."),
            _("Tidak ada yang cocok."),
            _("Hapus"),
            _("Ketik untuk mencari dan menambah"),
            select,
            note,
        )


class SearchSelectMultiple(SearchSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        try:
            getter = data.getlist
        except AttributeError:
            getter = data.get
        return getter(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # a multiple select sends nothing when nothing is chosen
