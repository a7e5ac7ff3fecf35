"""Follow-ups that close: a done date and note, a rescheduled due date with its reason (issue 15).

Follow-ups already marked done get their done date from the audit trail (the day the record first
showed them done), when it has one; otherwise the date stays empty ("done, date not recorded")."""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def date_done_follow_ups(apps, schema_editor):
    MentoringVisit = apps.get_model("assistance", "MentoringVisit")
    History = apps.get_model("assistance", "HistoricalMentoringVisit")
    done = MentoringVisit.objects.filter(next_action_done=True, next_action_done_on__isnull=True)
    for visit in done.only("pk", "visited_on").iterator():
        first = (
            History.objects.filter(id=visit.pk, next_action_done=True)
            .order_by("history_date", "history_id")
            .values_list("history_date", flat=True)
            .first()
        )
        if first is None:
            continue
        day = timezone.localtime(first).date() if timezone.is_aware(first) else first.date()
        if day >= visit.visited_on:
            MentoringVisit.objects.filter(pk=visit.pk).update(next_action_done_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0004_programme_choice_constraints"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmentoringvisit",
            name="next_action_done_on",
            field=models.DateField(blank=True, null=True, verbose_name="tanggal tindak lanjut selesai"),
        ),
        migrations.AddField(
            model_name="historicalmentoringvisit",
            name="next_action_first_due",
            field=models.DateField(
                blank=True,
                editable=False,
                help_text="Batas waktu yang pertama disepakati, bila tindak lanjut dijadwalkan ulang.",
                null=True,
                verbose_name="batas waktu semula",
            ),
        ),
        migrations.AddField(
            model_name="historicalmentoringvisit",
            name="next_action_note",
            field=models.TextField(blank=True, verbose_name="catatan tindak lanjut"),
        ),
        migrations.AddField(
            model_name="historicalmentoringvisit",
            name="next_action_reschedule_reason",
            field=models.TextField(blank=True, verbose_name="alasan penjadwalan ulang"),
        ),
        migrations.AddField(
            model_name="mentoringvisit",
            name="next_action_done_on",
            field=models.DateField(blank=True, null=True, verbose_name="tanggal tindak lanjut selesai"),
        ),
        migrations.AddField(
            model_name="mentoringvisit",
            name="next_action_first_due",
            field=models.DateField(
                blank=True,
                editable=False,
                help_text="Batas waktu yang pertama disepakati, bila tindak lanjut dijadwalkan ulang.",
                null=True,
                verbose_name="batas waktu semula",
            ),
        ),
        migrations.AddField(
            model_name="mentoringvisit",
            name="next_action_note",
            field=models.TextField(blank=True, verbose_name="catatan tindak lanjut"),
        ),
        migrations.AddField(
            model_name="mentoringvisit",
            name="next_action_reschedule_reason",
            field=models.TextField(blank=True, verbose_name="alasan penjadwalan ulang"),
        ),
        migrations.RunPython(date_done_follow_ups, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="mentoringvisit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("next_action_done_on__isnull", True), ("next_action_done", True), _connector="OR"
                ),
                name="visit_done_date_means_done",
                violation_error_message="Tanggal selesai hanya untuk tindak lanjut yang selesai.",
            ),
        ),
        migrations.AddConstraint(
            model_name="mentoringvisit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("next_action_done_on__isnull", True),
                    ("next_action_done_on__gte", models.F("visited_on")),
                    _connector="OR",
                ),
                name="visit_done_after_visit",
                violation_error_message="Tindak lanjut tidak mungkin selesai sebelum kunjungannya.",
            ),
        ),
        migrations.AddConstraint(
            model_name="mentoringvisit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("next_action_first_due__isnull", True),
                    models.Q(("next_action_reschedule_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="visit_reschedule_has_reason",
                violation_error_message="Penjadwalan ulang perlu alasan.",
            ),
        ),
    ]
