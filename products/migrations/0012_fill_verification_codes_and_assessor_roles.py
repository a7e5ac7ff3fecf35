"""Give every existing designation its own verification code, and record the role of the assessors of
existing assessments where it can be known.

The codes are random (uuid4), one per row, so that 0013 can make the column unique; this works alike
on SQLite and PostgreSQL. An assessment's role is its assessor's role now, when they still hold one
(roles rarely change); otherwise it stays blank and public pages name no role for it rather than guess.
"""

import uuid

from django.conf import settings
from django.db import migrations

ADMIN_DINAS, PETUGAS_DINAS, PETUGAS_KECAMATAN = "Admin Dinas", "Petugas Dinas", "Petugas Kecamatan"


def fill_codes(apps, schema_editor):
    Designation = apps.get_model("products", "Designation")
    # 0011 added the column with one default value for every existing row: give each its own. No
    # code has been printed yet (certificates come with this change), so every row may get a new one.
    for pk in Designation.objects.values_list("pk", flat=True).iterator():
        Designation.objects.filter(pk=pk).update(verification_code=uuid.uuid4())


def role_of(user, groups: set[str]) -> str:
    if user.is_superuser or ADMIN_DINAS in groups:
        return "admin_dinas"
    if PETUGAS_DINAS in groups:
        return "petugas_dinas"
    if PETUGAS_KECAMATAN in groups and user.officer_areas.exists():
        return "petugas_kecamatan"
    return ""


def fill_roles(apps, schema_editor):
    Assessment = apps.get_model("products", "Assessment")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    assessor_ids = set(Assessment.objects.filter(assessor_role="").values_list("assessor_id", flat=True))
    for user in User.objects.filter(pk__in=assessor_ids, is_active=True):
        role = role_of(user, set(user.groups.values_list("name", flat=True)))
        if role:
            Assessment.objects.filter(assessor_id=user.pk, assessor_role="").update(assessor_role=role)


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0011_rounds_decrees_verification_assessor_role"),
        ("villages", "0003_officer_area"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.RunPython(fill_roles, migrations.RunPython.noop),
    ]
