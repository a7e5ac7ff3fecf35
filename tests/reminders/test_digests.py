"""The reminder digest (issue 16 part 4): what waits in the official's own area, each item linked to
the page where they act; one digest per official and period whoever runs the sending, none when
nothing waits or reminders are off."""

import datetime
from io import StringIO
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import resolve
from django.utils import translation

from products.models import Designation
from reminders.channels import EmailChannel
from reminders.digest import digest_for
from reminders.models import Frequency, ReminderPreference, SentReminder
from reminders.services import next_digest_at, period_key, reminders_send_due
from tests.factories import (
    KRAMATWATU_VILLAGE,
    DesignationFactory,
    LegalityDocumentFactory,
    MentoringVisitFactory,
    ProductFactory,
    UserFactory,
    make_officer,
)
from tests.reminders.conftest import MONDAY_MORNING, at, days, with_email

pytestmark = pytest.mark.django_db

WEEK_AGO = MONDAY_MORNING - datetime.timedelta(days=7)


def prefer(user, frequency: str, language: str = "") -> None:
    ReminderPreference.objects.update_or_create(
        user=user, defaults={"frequency": frequency, "language": language}
    )


def keys(digest) -> set[str]:
    return set(digest.item_keys)


@pytest.fixture
def area():
    """In Ciruas (kecamatan A): a document expiring in 10 days, one expiring beyond the window, a
    proposal awaiting decision, a follow-up due tomorrow. In Kramatwatu (B): a document expiring."""
    ciruas_product = ProductFactory(name="Gerabah Bumijaya")
    kramatwatu_product = ProductFactory(name="Emping Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    return {
        "ciruas_document": LegalityDocumentFactory(product=ciruas_product, expires_on=days(10)),
        "later_document": LegalityDocumentFactory(product=ciruas_product, expires_on=days(200)),
        "kramatwatu_document": LegalityDocumentFactory(product=kramatwatu_product, expires_on=days(5)),
        "proposal": DesignationFactory(product=ciruas_product, proposed_at=MONDAY_MORNING),
        "follow_up": MentoringVisitFactory(
            product=ciruas_product,
            visited_on=days(-20),
            next_action="Kirim contoh kemasan",
            next_action_due=days(1),
        ),
    }


# --- scope ------------------------------------------------------------------------------------------


def test_kecamatan_officer_sees_only_their_kecamatans_items_and_no_proposals_to_decide(officer_a, area):
    digest = digest_for(officer_a, now=MONDAY_MORNING, since=WEEK_AGO)
    assert keys(digest) == {f"document:{area['ciruas_document'].pk}", f"follow_up:{area['follow_up'].pk}"}
    assert "proposals" not in [section.key for section in digest.sections]


def test_officer_of_another_kecamatan_sees_none_of_kecamatan_as_items(officer_b, area):
    digest = digest_for(officer_b, now=MONDAY_MORNING, since=WEEK_AGO)
    assert keys(digest) == {f"document:{area['kramatwatu_document'].pk}"}


def test_dinas_sees_the_whole_area_and_the_proposals_awaiting_decision(dinas, area):
    digest = digest_for(dinas, now=MONDAY_MORNING, since=WEEK_AGO)
    assert keys(digest) == {
        f"proposal:{area['proposal'].pk}",
        f"document:{area['ciruas_document'].pk}",
        f"document:{area['kramatwatu_document'].pk}",
        f"follow_up:{area['follow_up'].pk}",
    }


def test_documents_count_within_the_reminder_expiry_days_setting(officer_a, area, settings):
    settings.OVOP_REMINDER_EXPIRY_DAYS = 5
    assert f"document:{area['ciruas_document'].pk}" not in keys(
        digest_for(officer_a, now=MONDAY_MORNING, since=WEEK_AGO)
    )
    settings.OVOP_REMINDER_EXPIRY_DAYS = 365
    assert f"document:{area['later_document'].pk}" in keys(
        digest_for(officer_a, now=MONDAY_MORNING, since=WEEK_AGO)
    )


def test_flagship_due_a_visit_and_its_village_needing_help_are_listed(officer_a, settings):
    settings.OVOP_MENTORING_DAYS = 60
    flagship = DesignationFactory(approved=True, decree_date=days(-61)).product
    expired = LegalityDocumentFactory(product=flagship, expires_on=days(-3))
    digest = digest_for(officer_a, now=MONDAY_MORNING, since=WEEK_AGO)
    assert {f"visit_due:{flagship.pk}", f"document:{expired.pk}", f"village:{flagship.village_id}"} <= keys(
        digest
    )


def test_decisions_on_the_officials_own_proposals_since_the_last_digest_are_listed(officer_a, dinas):
    mine = DesignationFactory(proposed_by=officer_a)
    Designation.objects.filter(pk=mine.pk).update(
        status=Designation.Status.REJECTED,
        decided_by=dinas,
        decided_at=MONDAY_MORNING - datetime.timedelta(days=2),
        rejection_reason="Kemasan belum siap",
    )
    old = DesignationFactory(proposed_by=officer_a)
    Designation.objects.filter(pk=old.pk).update(
        status=Designation.Status.REJECTED,
        decided_by=dinas,
        decided_at=WEEK_AGO - datetime.timedelta(days=1),
        rejection_reason="Lama",
    )
    someone_elses = DesignationFactory(proposed_by=UserFactory())
    Designation.objects.filter(pk=someone_elses.pk).update(
        status=Designation.Status.REJECTED, decided_by=dinas, decided_at=MONDAY_MORNING, rejection_reason="x"
    )
    digest = digest_for(officer_a, now=MONDAY_MORNING, since=WEEK_AGO)
    decisions = next(s for s in digest.sections if s.key == "decisions")
    assert [item.key for item in decisions.items] == [f"decision:{mine.pk}"]
    assert "Kemasan belum siap" in decisions.items[0].detail


# --- links ------------------------------------------------------------------------------------------


def test_every_link_is_absolute_and_leads_to_the_page_where_the_official_acts(dinas, area):
    digest = digest_for(dinas, now=MONDAY_MORNING, since=WEEK_AGO)
    targets = {}
    for item in [item for section in digest.sections for item in section.items]:
        parts = urlsplit(item.url)
        assert f"{parts.scheme}://{parts.netloc}" == "https://ovop.example.go.id"
        match = resolve(parts.path)
        targets[item.key] = (match.view_name, match.kwargs)
    assert targets == {
        f"proposal:{area['proposal'].pk}": ("products:designation_approve", {"pk": area["proposal"].pk}),
        f"document:{area['ciruas_document'].pk}": (
            "products:legality_update",
            {"pk": area["ciruas_document"].pk},
        ),
        f"document:{area['kramatwatu_document'].pk}": (
            "products:legality_update",
            {"pk": area["kramatwatu_document"].pk},
        ),
        f"follow_up:{area['follow_up'].pk}": (
            "assistance:visit_follow_up_close",
            {"pk": area["follow_up"].pk},
        ),
    }


def test_the_email_has_a_plain_text_and_an_html_part_with_the_absolute_links(officer_a, area):
    reminders_send_due(now=MONDAY_MORNING)
    [message] = mail.outbox
    assert message.to == [officer_a.email]
    url = f"https://ovop.example.go.id/petugas/legalitas/{area['ciruas_document'].pk}/ubah/"
    assert url in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{url}"' in html
    assert "Emping Kramatwatu" not in message.body


def test_the_email_is_in_the_officials_language_when_known(officer_a, area):
    prefer(officer_a, Frequency.WEEKLY, language="en")
    reminders_send_due(now=MONDAY_MORNING)
    assert "24 Dec 2026" in mail.outbox[0].body  # the document's expiry date, written in English
    assert translation.get_language() == "id"  # the run does not leave the language switched


def test_the_english_email_has_no_indonesian_left(officer_a, dinas, area):
    """Every string of the digest (subject, greeting, sections, footer) comes from the English
    catalogue when the official chose English: no Indonesian msgid shows through."""
    proposal = DesignationFactory(product=ProductFactory(name="Keripik Talas"), proposed_by=officer_a)
    proposal.status, proposal.decided_at = Designation.Status.REJECTED, MONDAY_MORNING
    proposal.rejection_reason, proposal.decided_by = "Kemasan", dinas
    proposal.save()
    prefer(officer_a, Frequency.WEEKLY, language="en")
    reminders_send_due(now=MONDAY_MORNING + datetime.timedelta(minutes=1))
    [message] = [m for m in mail.outbox if m.to == [officer_a.email]]
    [(html, _mimetype)] = message.alternatives
    assert message.subject == "OVOP reminder: things awaiting your action (3)"
    for text in (message.body, html):
        assert "Hello " in text and "items await your action on the OVOP Portal" in text
        assert "decisions on your proposals" in text.lower() and "rejected: Kemasan" in text
        assert "Full to-do list" in text
        for indonesian in (
            "Halo",
            "menunggu",
            "Anda",
            "Keputusan",
            "ditolak",
            "Dokumen",
            "Tindak lanjut",
            "Daftar tugas",
            "kedaluwarsa",
            "berlaku",
            "batas waktu",
            "Pengingat",
            "Des 2026",
        ):
            assert indonesian not in text and indonesian.upper() not in text, indonesian  # titles: upper


def test_the_email_is_in_indonesian_when_the_language_is_not_known(officer_a, area):
    reminders_send_due(now=MONDAY_MORNING)
    assert "24 Des 2026" in mail.outbox[0].body


# --- once per period --------------------------------------------------------------------------------


def test_two_runs_in_the_same_period_send_one_digest_and_the_next_period_a_new_one(officer_a, area):
    reminders_send_due(now=MONDAY_MORNING)
    reminders_send_due(now=MONDAY_MORNING + datetime.timedelta(minutes=15))
    reminders_send_due(now=at(days(6), 23, 59))  # Sunday, still the same week
    assert len(mail.outbox) == 1
    reminders_send_due(now=at(days(7), 7, 5))  # the next Monday
    assert len(mail.outbox) == 2
    assert list(SentReminder.objects.filter(user=officer_a).values_list("key", "status").order_by("key")) == [
        ("weekly:2026-W51", "sent"),
        ("weekly:2026-W52", "sent"),
    ]


def test_a_period_claimed_by_another_run_is_not_sent_again(officer_a, area):
    SentReminder.objects.create(
        user=officer_a, key="weekly:2026-W51", kind="digest", claimed_at=MONDAY_MORNING
    )
    report = reminders_send_due(now=MONDAY_MORNING + datetime.timedelta(minutes=1))
    assert mail.outbox == []
    assert report.sent == 0


def test_a_claim_left_by_a_run_that_died_is_taken_over_after_an_hour(officer_a, area):
    SentReminder.objects.create(
        user=officer_a, key="weekly:2026-W51", kind="digest", claimed_at=MONDAY_MORNING
    )
    reminders_send_due(now=MONDAY_MORNING + datetime.timedelta(minutes=59))
    assert mail.outbox == []
    reminders_send_due(now=MONDAY_MORNING + datetime.timedelta(minutes=61))
    assert len(mail.outbox) == 1
    assert SentReminder.objects.get(user=officer_a).status == SentReminder.Status.SENT


def test_a_failed_send_releases_the_claim_and_the_next_run_retries(officer_a, area):
    with mock.patch.object(EmailChannel, "send", side_effect=OSError("mail server down")):
        report = reminders_send_due(now=MONDAY_MORNING)
    assert report.failed == 1
    assert not SentReminder.objects.filter(user=officer_a).exists()
    reminders_send_due(now=MONDAY_MORNING + datetime.timedelta(minutes=15))
    assert len(mail.outbox) == 1


def test_decisions_count_from_the_last_digest_so_none_is_listed_twice(officer_a, dinas):
    proposal = DesignationFactory(proposed_by=officer_a)
    Designation.objects.filter(pk=proposal.pk).update(
        status=Designation.Status.REJECTED,
        decided_by=dinas,
        decided_at=MONDAY_MORNING - datetime.timedelta(hours=1),
        rejection_reason="Belum lengkap",
    )
    prefer(officer_a, Frequency.DAILY)
    reminders_send_due(now=MONDAY_MORNING)
    assert "Belum lengkap" in mail.outbox[0].body
    reminders_send_due(now=MONDAY_MORNING + datetime.timedelta(days=1))  # nothing new: no e-mail at all
    assert len(mail.outbox) == 1


# --- who gets one, and when --------------------------------------------------------------------------


def test_nothing_waiting_sends_nothing_and_settles_the_period(officer_a):
    report = reminders_send_due(now=MONDAY_MORNING)
    assert mail.outbox == []
    assert report.empty == 1
    assert SentReminder.objects.get(user=officer_a).status == SentReminder.Status.EMPTY


def test_an_official_who_switched_reminders_off_gets_none(officer_a, area):
    prefer(officer_a, Frequency.OFF)
    reminders_send_due(now=MONDAY_MORNING)
    assert mail.outbox == []
    assert not SentReminder.objects.exists()


def test_officials_without_an_email_address_are_skipped(area):
    make_officer("tanpa-email", "36.04.09")
    report = reminders_send_due(now=MONDAY_MORNING)
    assert mail.outbox == [] and report.due == 0


def test_people_who_are_not_officials_get_no_digest(area):
    with_email(UserFactory(username="warga"))
    reminders_send_due(now=MONDAY_MORNING)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("frequency", "moment", "key"),
    [
        (Frequency.DAILY, at(days(1), 6, 59), None),  # Tuesday, before the hour
        (Frequency.DAILY, at(days(1), 7, 0), "daily:2026-12-15"),
        (Frequency.DAILY, at(days(1), 23, 30), "daily:2026-12-15"),
        (Frequency.WEEKLY, at(days(0), 6, 59), None),  # Monday, before the hour
        (Frequency.WEEKLY, at(days(0), 7, 0), "weekly:2026-W51"),
        # A Monday missed (the scheduler down): any later run of the ISO week makes it up, once.
        (Frequency.WEEKLY, at(days(1), 8, 0), "weekly:2026-W51"),  # Tuesday
        (Frequency.WEEKLY, at(days(1), 3, 0), "weekly:2026-W51"),  # Tuesday, before the hour
        (Frequency.WEEKLY, at(days(6), 23, 59), "weekly:2026-W51"),  # Sunday night
        (Frequency.WEEKLY, at(days(7), 6, 59), None),  # the next Monday, before the hour
        (Frequency.WEEKLY, at(days(7), 7, 0), "weekly:2026-W52"),
        (Frequency.OFF, at(days(0), 8, 0), None),
    ],
)
def test_daily_digests_are_due_after_the_hour_every_day_and_weekly_ones_from_monday_on(
    frequency, moment, key
):
    assert period_key(frequency, moment) == key


def test_the_hour_is_local_time_in_jakarta():
    # 23:30 UTC on Sunday is 06:30 on Monday in Jakarta: not yet; 00:05 UTC is 07:05: due.
    utc = datetime.UTC
    assert period_key(Frequency.WEEKLY, datetime.datetime(2026, 12, 13, 23, 30, tzinfo=utc)) is None
    assert (
        period_key(Frequency.WEEKLY, datetime.datetime(2026, 12, 14, 0, 5, tzinfo=utc)) == "weekly:2026-W51"
    )


def test_daily_and_weekly_officials_are_sent_on_their_own_days(officer_a, officer_b, area):
    prefer(officer_a, Frequency.DAILY)  # officer_b keeps the default: weekly
    reminders_send_due(now=at(days(0), 7, 10))  # Monday
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer_a.email, officer_b.email])
    reminders_send_due(now=at(days(1), 7, 10))  # Tuesday
    assert [m.to for m in mail.outbox[2:]] == [[officer_a.email]]
    reminders_send_due(now=at(days(7), 7, 10))  # next Monday
    assert sorted(m.to[0] for m in mail.outbox[3:]) == sorted([officer_a.email, officer_b.email])


def test_a_monday_missed_is_made_up_by_the_next_run_of_the_week_once(officer_a, area):
    # The scheduler was down all Monday (officer_a keeps the default: weekly).
    reminders_send_due(now=at(days(1), 7, 10))  # Tuesday
    assert [m.to for m in mail.outbox] == [[officer_a.email]]
    reminders_send_due(now=at(days(1), 7, 25))
    reminders_send_due(now=at(days(3), 12, 0))  # Thursday
    reminders_send_due(now=at(days(6), 23, 59))  # Sunday night, still the same ISO week
    assert len(mail.outbox) == 1
    reminders_send_due(now=at(days(7), 6, 59))  # the next Monday, before the hour
    assert len(mail.outbox) == 1
    reminders_send_due(now=at(days(7), 7, 5))
    assert len(mail.outbox) == 2
    assert list(
        SentReminder.objects.filter(user=officer_a).values_list("key", flat=True).order_by("key")
    ) == [
        "weekly:2026-W51",
        "weekly:2026-W52",
    ]


def test_a_monday_missed_is_made_up_even_before_the_hour_on_tuesday(officer_a, area):
    reminders_send_due(now=at(days(1), 0, 15))  # Tuesday night: after Monday's hour, same ISO week
    reminders_send_due(now=at(days(1), 7, 10))
    assert len(mail.outbox) == 1


def test_the_daily_digest_goes_out_at_any_run_after_the_hour_that_day_once(officer_a, area):
    prefer(officer_a, Frequency.DAILY)
    reminders_send_due(now=at(days(1), 23, 30))  # the scheduler was down until late on Tuesday
    reminders_send_due(now=at(days(1), 23, 45))
    assert len(mail.outbox) == 1
    reminders_send_due(now=at(days(2), 6, 59))  # Wednesday, before the hour: Tuesday's is not resent
    assert len(mail.outbox) == 1
    reminders_send_due(now=at(days(2), 7, 0))
    assert len(mail.outbox) == 2


def test_before_the_hour_nobody_is_sent_anything(officer_a, area):
    prefer(officer_a, Frequency.DAILY)
    reminders_send_due(now=at(days(1), 6, 45))
    assert mail.outbox == [] and not SentReminder.objects.exists()


# --- the task and the command -------------------------------------------------------------------------


def test_the_scheduled_task_sends_the_due_digests(officer_a, area):
    from reminders.tasks import send_due_reminders

    with mock.patch("django.utils.timezone.now", return_value=MONDAY_MORNING):
        result = send_due_reminders.enqueue()
    assert result.return_value["sent"] == 1
    assert len(mail.outbox) == 1


def test_command_dry_run_sends_nothing_and_claims_nothing(officer_a, area):
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--now", "2026-12-14T08:00", stdout=out)
    assert mail.outbox == []
    assert not SentReminder.objects.exists()
    assert "1 would be sent" in out.getvalue()
    assert officer_a.username in out.getvalue()


def test_command_sends_the_due_digests_once(officer_a, area):
    out = StringIO()
    call_command("send_reminders", "--now", "2026-12-14T08:00", stdout=out)
    call_command("send_reminders", "--now", "2026-12-14T08:30", stdout=out)
    assert len(mail.outbox) == 1
    assert "1 sent" in out.getvalue()


def test_command_refuses_a_malformed_moment():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--now", "Monday morning", stdout=StringIO())


@pytest.mark.parametrize(
    ("frequency", "moment", "expected"),
    [
        (Frequency.DAILY, at(days(1), 6, 0), at(days(1), 7, 0)),  # later today
        (Frequency.WEEKLY, at(days(0), 6, 0), at(days(0), 7, 0)),  # Monday, before the hour
        # This week's digest not sent yet (Monday missed): it goes out at the next run.
        (Frequency.WEEKLY, at(days(1), 9, 0), at(days(1), 9, 0)),
        (Frequency.WEEKLY, at(days(-1), 9, 0), at(days(-1), 9, 0)),
    ],
)
def test_the_page_says_when_the_next_digest_goes_out(officer_a, frequency, moment, expected):
    assert next_digest_at(officer_a, frequency, moment) == expected


@pytest.mark.parametrize(
    "moment",
    [at(days(0), 9, 0), at(days(1), 3, 0), at(days(1), 9, 0), at(days(6), 23, 59)],
)
def test_after_this_weeks_digest_the_next_weekly_one_is_next_monday(officer_a, moment):
    SentReminder.objects.create(
        user=officer_a, key="weekly:2026-W51", kind="digest", claimed_at=at(days(0), 7, 0)
    )
    assert next_digest_at(officer_a, Frequency.WEEKLY, moment) == at(days(7), 7, 0)


def test_the_page_agrees_with_the_sending_after_a_missed_monday(officer_a, area):
    tuesday = at(days(1), 9, 0)
    assert next_digest_at(officer_a, Frequency.WEEKLY, tuesday) == tuesday  # due now
    reminders_send_due(now=tuesday)
    assert len(mail.outbox) == 1
    assert next_digest_at(officer_a, Frequency.WEEKLY, tuesday) == at(days(7), 7, 0)


def test_after_todays_digest_the_next_daily_one_is_tomorrow(officer_a):
    SentReminder.objects.create(
        user=officer_a, key="daily:2026-12-15", kind="digest", claimed_at=at(days(1), 7, 0)
    )
    assert next_digest_at(officer_a, Frequency.DAILY, at(days(1), 9, 0)) == at(days(2), 7, 0)
    assert next_digest_at(officer_a, Frequency.DAILY, at(days(2), 8, 0)) == at(days(2), 8, 0)  # due now
    assert next_digest_at(officer_a, Frequency.OFF, at(days(2), 8, 0)) is None
