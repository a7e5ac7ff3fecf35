"""Village situations (issue 15): the officials' explicit "needs help" flag and the help each situation
calls for. The rule that puts a village in its situation lives in assistance.situations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from villages.models import Village

from .programmes import ProgrammeKind


class Situation(models.TextChoices):
    """Where a village stands in the programme: exactly one at a time (assistance.situations)."""

    NONE = "none", _("Belum ada produk dan belum digali potensinya")
    EXPLORED = "explored", _("Potensi sudah digali")
    HAS_PRODUCTS = "has_products", _("Ada produk, belum diusulkan")
    PROPOSED = "proposed", _("Diusulkan sebagai unggulan")
    THRIVING = "thriving", _("Unggulan berkembang baik")
    NEEDS_HELP = "needs_help", _("Unggulan perlu bantuan")


class HelpFlag(models.Model):
    """An official's explicit word that a village needs help, with the reason; cleared with a note.

    At most one flag per village is open (not cleared) at any moment (a database constraint)."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="help_flags", verbose_name=_("desa/kelurahan")
    )
    reason = models.TextField(_("alasan"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ditandai oleh")
    )
    raised_at = models.DateTimeField(_("ditandai pada"))
    cleared_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicabut oleh"),
    )
    clearing_note = models.TextField(_("catatan pencabutan"), blank=True)

    history = HistoricalRecords(
        verbose_name=_("riwayat tanda perlu bantuan"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat tanda perlu bantuan"),
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("tanda perlu bantuan")
        verbose_name_plural = pgettext_lazy("plural", "tanda perlu bantuan")
        constraints = [
            models.UniqueConstraint(
                fields=["village"],
                condition=Q(cleared_at__isnull=True),
                name="one_open_help_flag_per_village",
                violation_error_message=_("Desa/kelurahan ini sudah ditandai perlu bantuan."),
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="help_flag_has_reason"),
            models.CheckConstraint(
                condition=(Q(cleared_at__isnull=True) & Q(cleared_by__isnull=True) & Q(clearing_note=""))
                | (Q(cleared_at__isnull=False) & Q(cleared_by__isnull=False) & ~Q(clearing_note="")),
                name="help_flag_cleared_with_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} · {self.reason[:40]}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class SituationHelp(models.Model):
    """A kind of assistance that serves villages in a situation (seeded from the Serang text; the
    programme office edits it in the admin)."""

    situation = models.CharField(_("situasi desa"), max_length=20, choices=Situation.choices)
    kind = models.CharField(_("jenis bantuan"), max_length=20, choices=ProgrammeKind.choices)
    note = models.TextField(_("keterangan"), blank=True)

    history = HistoricalRecords(
        verbose_name=_("riwayat bantuan per situasi"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat bantuan per situasi"),
    )

    class Meta:
        ordering = ["situation", "kind"]
        verbose_name = _("bantuan sesuai situasi")
        verbose_name_plural = pgettext_lazy("plural", "bantuan sesuai situasi")
        constraints = [
            models.UniqueConstraint(
                fields=["situation", "kind"],
                name="situation_help_once",
                violation_error_message=_("Jenis bantuan ini sudah dicatat untuk situasi ini."),
            ),
            models.CheckConstraint(condition=Q(situation__in=Situation.values), name="situation_help_valid"),
            models.CheckConstraint(
                condition=Q(kind__in=ProgrammeKind.values), name="situation_help_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_situation_display()} → {self.get_kind_display()}"
