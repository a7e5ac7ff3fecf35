"""Words the public search treats as one: synonyms, everyday and old names, English words. Kept by the
Dinas in the admin (gerabah = tembikar = pottery; Muntok = Mentok)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def synonym_terms(words: str) -> list[str]:
    """'Gerabah, tembikar ,pottery' -> ['gerabah', 'tembikar', 'pottery'] (lower-cased, each once)."""
    terms: list[str] = []
    for word in words.split(","):
        term = " ".join(word.split()).lower()
        if term and term not in terms:
            terms.append(term)
    return terms


class SearchSynonym(models.Model):
    """A group of words that mean the same to a buyer: searching one finds what the others name."""

    words = models.CharField(
        _("kata-kata sepadan"),
        max_length=255,
        unique=True,
        help_text=_(
            "Dipisah koma, misalnya: gerabah, tembikar, pottery. Pencarian salah satunya menemukan semuanya."
        ),
    )
    note = models.CharField(_("catatan"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["words"]
        verbose_name = _("padanan kata pencarian")
        verbose_name_plural = pgettext_lazy("plural", "padanan kata pencarian")

    def __str__(self) -> str:
        return self.words

    def terms(self) -> list[str]:
        return synonym_terms(self.words)

    def clean(self) -> None:
        super().clean()
        terms = synonym_terms(self.words or "")
        if len(terms) < 2:
            raise ValidationError({"words": _("Tulis paling sedikit dua kata, dipisah koma.")})
        self.words = ", ".join(terms)
