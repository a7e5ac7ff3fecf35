"""The officials' reminders page (/petugas/pengingat/): how often, in which language, and a preview of
what the next digest would list, in the official's own area."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reminders.models import Frequency, ReminderPreference
from tests.factories import KRAMATWATU_VILLAGE, DesignationFactory, LegalityDocumentFactory, ProductFactory
from tests.reminders.conftest import days

pytestmark = pytest.mark.django_db

URL = reverse("reminders:preferences")


def test_the_page_is_at_petugas_pengingat():
    assert URL == "/petugas/pengingat/"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_people_who_are_not_officials_are_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("warga", password="pw-warga-123"))
    assert client.get(URL).status_code == 403


def test_the_preference_is_created_on_first_use_with_the_weekly_default(officer_a, officer_a_client):
    response = officer_a_client.get(URL)
    assert response.status_code == 200
    preference = ReminderPreference.objects.get(user=officer_a)
    assert preference.frequency == Frequency.WEEKLY
    assert preference.language == "id"


def test_an_official_switches_to_daily_in_english(officer_a, officer_a_client):
    response = officer_a_client.post(URL, {"frequency": "daily", "language": "en"})
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=officer_a)
    assert (preference.frequency, preference.language) == ("daily", "en")


def test_an_official_switches_reminders_off(officer_a, officer_a_client):
    officer_a_client.post(URL, {"frequency": "off", "language": "id"})
    assert ReminderPreference.objects.get(user=officer_a).frequency == Frequency.OFF
    assert "sedang dihentikan" in officer_a_client.get(URL).content.decode()


def test_a_frequency_that_does_not_exist_is_refused(officer_a, officer_a_client):
    response = officer_a_client.post(URL, {"frequency": "hourly", "language": "id"})
    assert response.status_code == 200
    assert ReminderPreference.objects.get(user=officer_a).frequency == Frequency.WEEKLY


def test_the_preview_lists_what_waits_in_the_officials_own_area_only(officer_a_client):
    LegalityDocumentFactory(product=ProductFactory(name="Gerabah Bumijaya"), expires_on=days(10))
    LegalityDocumentFactory(
        product=ProductFactory(name="Emping Kramatwatu", village_id=KRAMATWATU_VILLAGE), expires_on=days(10)
    )
    page = officer_a_client.get(URL).content.decode()
    assert "Gerabah Bumijaya" in page
    assert "Emping Kramatwatu" not in page


def test_the_preview_says_when_nothing_waits(officer_a_client):
    assert "Tidak ada yang menunggu tindakan Anda" in officer_a_client.get(URL).content.decode()


def test_the_page_warns_an_official_without_an_email_address(officer_a, officer_a_client):
    officer_a.email = ""
    officer_a.save()
    assert "belum memiliki alamat e-mail" in officer_a_client.get(URL).content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL).status_code == 200
    return len(context.captured_queries)


def test_the_preview_costs_the_same_queries_whatever_the_number_of_items(dinas_client, settings):
    settings.OVOP_MENTORING_DAYS = 60

    def add_rows():
        product = ProductFactory()
        LegalityDocumentFactory(product=product, expires_on=days(3))
        DesignationFactory(product=product)

    add_rows()
    dinas_client.get(URL)  # the preference row is created on the first visit
    few = _queries(dinas_client)
    for _n in range(3):
        add_rows()
    assert _queries(dinas_client) == few


def test_admin_lists_preferences_and_shows_the_sent_log_read_only(admin_client, officer_a):
    from django.utils import timezone

    from reminders.models import SentReminder

    ReminderPreference.objects.create(user=officer_a, frequency=Frequency.DAILY)
    sent = SentReminder.objects.create(
        user=officer_a, key="daily:2026-12-07", kind="digest", status="sent", claimed_at=timezone.now()
    )
    assert admin_client.get(reverse("admin:reminders_reminderpreference_changelist")).status_code == 200
    log = admin_client.get(reverse("admin:reminders_sentreminder_changelist"))
    assert log.status_code == 200
    assert "daily:2026-12-07" in log.content.decode()
    assert admin_client.get(reverse("admin:reminders_sentreminder_add")).status_code == 403
    change = admin_client.get(reverse("admin:reminders_sentreminder_change", args=[sent.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert (
        admin_client.post(reverse("admin:reminders_sentreminder_delete", args=[sent.pk])).status_code == 403
    )
    assert SentReminder.objects.filter(pk=sent.pk).exists()
