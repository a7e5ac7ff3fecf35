"""Each official's choice of reminders, and the log of what was sent to whom.

The log is also the lock: a row (user, key) is claimed before anything is sent, and the unique
constraint lets exactly one run claim it, so two runs at once never send the same digest twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    DAILY = "daily", _("Setiap hari")
    WEEKLY = "weekly", _("Setiap Senin")
    OFF = "off", _("Tidak usah dikirim")


# One default for everyone: a weekly digest. Officers get the decisions on their proposals at once
# anyway (decision e-mails), and the rest (documents, visits, villages) moves in weeks, not days; a
# Dinas official who decides proposals every day can choose daily in one click.
DEFAULT_FREQUENCY = Frequency.WEEKLY


class ReminderPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
        verbose_name=_("pengguna"),
    )
    frequency = models.CharField(
        _("ringkasan tugas"), max_length=10, choices=Frequency.choices, default=DEFAULT_FREQUENCY
    )
    # Empty: not known, the portal's language (Indonesian) is used.
    language = models.CharField(_("bahasa e-mail"), max_length=10, choices=settings.LANGUAGES, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("preferensi pengingat")
        verbose_name_plural = _("preferensi pengingat")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_frequency_display()}"


class SentReminder(models.Model):
    """One digest of one period (key daily:2026-12-07, weekly:2026-W50) or one decision e-mail
    (key decision:<designation id>) to one official."""

    class Kind(models.TextChoices):
        DIGEST = "digest", _("Ringkasan tugas")
        DECISION = "decision", _("Keputusan usulan")

    class Status(models.TextChoices):
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        EMPTY = "empty", _("Tidak ada yang menunggu")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sent_reminders",
        verbose_name=_("pengguna"),
    )
    key = models.CharField(_("kunci"), max_length=40)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENDING)
    channel = models.CharField(_("saluran"), max_length=20, blank=True)
    claimed_at = models.DateTimeField(_("diklaim"))
    sent_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    items = models.JSONField(_("butir"), default=list, blank=True)

    class Meta:
        verbose_name = _("pengingat terkirim")
        verbose_name_plural = _("pengingat terkirim")
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="one_reminder_per_user_and_key",
                violation_error_message=_("Pengingat ini sudah dikirim kepada petugas tersebut."),
            ),
        ]
        indexes = [models.Index(fields=["user", "kind", "-claimed_at"], name="reminder_latest_by_kind")]

    def __str__(self) -> str:
        return f"{self.user} · {self.key} · {self.get_status_display()}"
