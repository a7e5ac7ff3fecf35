"""Village situations (issue 15): an official's explicit "needs help" flag (at most one open per
village) and the kinds of assistance that serve each situation."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0005_follow_up_close_reschedule"),
        ("villages", "0003_officer_area"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HelpFlag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(verbose_name="alasan")),
                ("raised_at", models.DateTimeField(verbose_name="ditandai pada")),
                ("cleared_at", models.DateTimeField(blank=True, null=True, verbose_name="dicabut pada")),
                ("clearing_note", models.TextField(blank=True, verbose_name="catatan pencabutan")),
                (
                    "cleared_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="dicabut oleh",
                    ),
                ),
                (
                    "raised_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="ditandai oleh",
                    ),
                ),
                (
                    "village",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="help_flags",
                        to="villages.village",
                        verbose_name="desa/kelurahan",
                    ),
                ),
            ],
            options={
                "verbose_name": "tanda perlu bantuan",
                "verbose_name_plural": "tanda perlu bantuan",
                "ordering": ["-raised_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalHelpFlag",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("reason", models.TextField(verbose_name="alasan")),
                ("raised_at", models.DateTimeField(verbose_name="ditandai pada")),
                ("cleared_at", models.DateTimeField(blank=True, null=True, verbose_name="dicabut pada")),
                ("clearing_note", models.TextField(blank=True, verbose_name="catatan pencabutan")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "cleared_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="dicabut oleh",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "raised_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="ditandai oleh",
                    ),
                ),
                (
                    "village",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="villages.village",
                        verbose_name="desa/kelurahan",
                    ),
                ),
            ],
            options={
                "verbose_name": "riwayat tanda perlu bantuan",
                "verbose_name_plural": "riwayat tanda perlu bantuan",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalSituationHelp",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "situation",
                    models.CharField(
                        choices=[
                            ("none", "Belum ada produk dan belum digali potensinya"),
                            ("explored", "Potensi sudah digali"),
                            ("has_products", "Ada produk, belum diusulkan"),
                            ("proposed", "Diusulkan sebagai unggulan"),
                            ("thriving", "Unggulan berkembang baik"),
                            ("needs_help", "Unggulan perlu bantuan"),
                        ],
                        max_length=20,
                        verbose_name="situasi desa",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("permodalan", "Permodalan"),
                            ("pemasaran", "Pemasaran"),
                            ("kemasan", "Kemasan"),
                            ("pelatihan", "Pelatihan SDM"),
                            ("teknologi", "Teknologi/peralatan"),
                            ("sertifikasi", "Sertifikasi & legalitas"),
                            ("pendampingan", "Pendampingan"),
                            ("penggalian", "Penggalian potensi"),
                            ("tren", "Pengenalan tren"),
                        ],
                        max_length=20,
                        verbose_name="jenis bantuan",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="keterangan")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "riwayat bantuan per situasi",
                "verbose_name_plural": "riwayat bantuan per situasi",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SituationHelp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "situation",
                    models.CharField(
                        choices=[
                            ("none", "Belum ada produk dan belum digali potensinya"),
                            ("explored", "Potensi sudah digali"),
                            ("has_products", "Ada produk, belum diusulkan"),
                            ("proposed", "Diusulkan sebagai unggulan"),
                            ("thriving", "Unggulan berkembang baik"),
                            ("needs_help", "Unggulan perlu bantuan"),
                        ],
                        max_length=20,
                        verbose_name="situasi desa",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("permodalan", "Permodalan"),
                            ("pemasaran", "Pemasaran"),
                            ("kemasan", "Kemasan"),
                            ("pelatihan", "Pelatihan SDM"),
                            ("teknologi", "Teknologi/peralatan"),
                            ("sertifikasi", "Sertifikasi & legalitas"),
                            ("pendampingan", "Pendampingan"),
                            ("penggalian", "Penggalian potensi"),
                            ("tren", "Pengenalan tren"),
                        ],
                        max_length=20,
                        verbose_name="jenis bantuan",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="keterangan")),
            ],
            options={
                "verbose_name": "bantuan sesuai situasi",
                "verbose_name_plural": "bantuan sesuai situasi",
                "ordering": ["situation", "kind"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("situation", "kind"),
                        name="situation_help_once",
                        violation_error_message="Jenis bantuan ini sudah dicatat untuk situasi ini.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "situation__in",
                                ["none", "explored", "has_products", "proposed", "thriving", "needs_help"],
                            )
                        ),
                        name="situation_help_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                [
                                    "permodalan",
                                    "pemasaran",
                                    "kemasan",
                                    "pelatihan",
                                    "teknologi",
                                    "sertifikasi",
                                    "pendampingan",
                                    "penggalian",
                                    "tren",
                                ],
                            )
                        ),
                        name="situation_help_kind_valid",
                    ),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="helpflag",
            constraint=models.UniqueConstraint(
                condition=models.Q(("cleared_at__isnull", True)),
                fields=("village",),
                name="one_open_help_flag_per_village",
                violation_error_message="Desa/kelurahan ini sudah ditandai perlu bantuan.",
            ),
        ),
        migrations.AddConstraint(
            model_name="helpflag",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason", ""), _negated=True), name="help_flag_has_reason"
            ),
        ),
        migrations.AddConstraint(
            model_name="helpflag",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("cleared_at__isnull", True), ("cleared_by__isnull", True), ("clearing_note", "")
                    ),
                    models.Q(
                        ("cleared_at__isnull", False),
                        ("cleared_by__isnull", False),
                        models.Q(("clearing_note", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="help_flag_cleared_with_note",
            ),
        ),
    ]
