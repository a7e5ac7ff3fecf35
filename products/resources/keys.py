"""Cells that name a product or a producer already registered, by a key that does not change when
its name does: a product by its slug (the end of its catalogue address) or its ID, a producer by its
NIB or its ID. Only within the official's area; the whole file's keys are looked up at once (preload).
Used by the imports of legality documents (here) and of assistance records (assistance.resources).
"""

from django.db import models
from django.utils.translation import gettext as _
from import_export import widgets

from core.sheet_cells import cell_text
from villages.roles import Scope

from ..models import Producer, Product
from ..validators import normalise_nib


class KeyWidget(widgets.Widget):
    """An object of the official's area named by a key; empty is allowed (the model says whether the
    row needs it)."""

    model: type[models.Model]

    def __init__(self, scope: Scope):
        super().__init__(coerce_to_string=False)
        self.scope = scope
        self._found: dict[str, models.Model] = {}
        self._elsewhere: set[str] = set()

    def lookups(self, keys: set[str]) -> dict[str, models.Q]:
        raise NotImplementedError

    def preload(self, cells) -> None:
        """Every key of the column, in two queries: those of the area, and which others exist."""
        keys = set()
        for cell in cells:
            try:
                keys.add(cell_text(cell))
            except ValueError:
                continue
        keys.discard("")
        if not keys:
            return
        query = models.Q()
        for condition in self.lookups(keys).values():
            query |= condition
        related = ("village__district",)
        for obj in self.model.objects.for_scope(self.scope).filter(query).select_related(*related):
            for key in self.keys_of(obj):
                if key in keys:
                    self._found[key] = obj
        for obj in self.model.objects.filter(query):
            self._elsewhere |= {key for key in self.keys_of(obj) if key in keys} - set(self._found)

    def keys_of(self, obj) -> set[str]:
        raise NotImplementedError

    def clean(self, value, row=None, **kwargs):
        key = cell_text(value)
        if not key:
            return None
        if key not in self._found and key not in self._elsewhere:
            self.preload([key])
        if key in self._found:
            return self._found[key]
        if key in self._elsewhere:
            raise ValueError(self.outside_message(key))
        raise ValueError(self.unknown_message(key))

    def outside_message(self, key: str) -> str:
        raise NotImplementedError

    def unknown_message(self, key: str) -> str:
        raise NotImplementedError


class ProductKeyWidget(KeyWidget):
    """A product by its slug or its ID."""

    model = Product

    def lookups(self, keys: set[str]) -> dict[str, models.Q]:
        ids = {int(key) for key in keys if key.isascii() and key.isdigit() and len(key) < 10}
        return {"slug": models.Q(slug__in=keys), "pk": models.Q(pk__in=ids)}

    def keys_of(self, obj) -> set[str]:
        return {obj.slug, str(obj.pk)}

    def outside_message(self, key: str) -> str:
        return _("Produk “%(key)s” berada di luar wilayah tugas Anda.") % {"key": key}

    def unknown_message(self, key: str) -> str:
        return _(
            "Produk “%(key)s” tidak dikenal. Tulis slug produk (bagian akhir alamat katalognya) atau "
            "nomor ID-nya."
        ) % {"key": key}

    def render(self, value, obj=None, **kwargs) -> str:
        return value.slug if value is not None else ""


class ProducerKeyWidget(KeyWidget):
    """A producer by its NIB (13 digits) or its ID."""

    model = Producer

    @staticmethod
    def _nib(key: str) -> str:
        try:
            return normalise_nib(key)
        except Exception:  # noqa: BLE001 (anything that is not a NIB names no producer by NIB)
            return ""

    def lookups(self, keys: set[str]) -> dict[str, models.Q]:
        nibs = {self._nib(key) for key in keys} - {""}
        ids = {int(key) for key in keys if key.isascii() and key.isdigit() and len(key) < 10}
        return {"nib": models.Q(nib__in=nibs), "pk": models.Q(pk__in=ids)}

    def keys_of(self, obj) -> set[str]:
        return {obj.nib, str(obj.pk)} - {""}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        nib = self._nib(text) if len(text.replace(" ", "")) == 13 else ""
        return super().clean(nib or text, row, **kwargs)

    def preload(self, cells) -> None:
        keys = []
        for cell in cells:
            try:
                text = cell_text(cell)
            except ValueError:
                continue
            keys.append((self._nib(text) if len(text.replace(" ", "")) == 13 else "") or text)
        super().preload(keys)

    def outside_message(self, key: str) -> str:
        return _("Produsen “%(key)s” berada di luar wilayah tugas Anda.") % {"key": key}

    def unknown_message(self, key: str) -> str:
        return _("Produsen “%(key)s” tidak dikenal. Tulis NIB (13 angka) atau nomor ID produsen.") % {
            "key": key
        }

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return value.nib or str(value.pk)
