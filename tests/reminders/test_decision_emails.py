"""The e-mail to an officer when the Dinas decides their proposal: sent once the decision commits
(products announces it with products.signals.proposal_decided; reminders enqueues the e-mail), never
for a decision rolled back, once per decision."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from products import services
from products.models import Designation
from products.signals import proposal_decided
from reminders.digest import digest_for
from reminders.models import Frequency, ReminderPreference, SentReminder
from reminders.services import decision_notice_send
from tests.factories import (
    KRAMATWATU_VILLAGE,
    DesignationFactory,
    ProductFactory,
    approval_data,
    make_officer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(officer_a):
    return DesignationFactory(product=ProductFactory(name="Gerabah Bumijaya"), proposed_by=officer_a)


def reject(designation, dinas, reason="Kemasan belum memenuhi syarat"):
    return services.designation_reject(designation=designation, decided_by=dinas, reason=reason)


def test_the_proposer_is_emailed_once_the_approval_commits(
    proposal, officer_a, dinas_client, django_capture_on_commit_callbacks
):
    url = reverse("products:designation_approve", args=[proposal.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = dinas_client.post(url, approval_data(decree_number="SK-21"))
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [officer_a.email]
    assert "Gerabah Bumijaya" in message.subject
    assert "SK-21" in message.body
    assert f"https://ovop.example.go.id/petugas/produk/{proposal.product_id}/" in message.body
    assert SentReminder.objects.get(user=officer_a).key == f"decision:{proposal.pk}"


def test_nothing_is_sent_before_the_commit(proposal, dinas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reject(proposal, dinas)
    assert mail.outbox == []  # the decision is not committed yet
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert "Kemasan belum memenuhi syarat" in mail.outbox[0].body


def test_a_decision_rolled_back_sends_nothing(proposal, dinas, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reject(proposal, dinas)
        raise RuntimeError("the request failed after the decision")
    assert callbacks == []
    assert mail.outbox == []
    assert Designation.objects.get(pk=proposal.pk).status == Designation.Status.PROPOSED


def test_one_email_per_decision_even_if_announced_twice(proposal, dinas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reject(proposal, dinas)
    proposal_decided.send(sender=Designation, designation_id=proposal.pk, status="rejected")
    assert decision_notice_send(designation_id=proposal.pk) == "already"
    assert len(mail.outbox) == 1


def test_a_round_decision_emails_each_proposer_about_their_own_proposal(
    officer_a, officer_b, dinas, django_capture_on_commit_callbacks
):
    round = services.round_open(year=2026, opened_by=dinas)
    approved = services.designation_propose(
        product=ProductFactory(name="Gerabah Bumijaya"), proposed_by=officer_a, round=round
    )
    rejected = services.designation_propose(
        product=ProductFactory(name="Emping Kramatwatu", village_id=KRAMATWATU_VILLAGE),
        proposed_by=officer_b,
        round=round,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.round_decide(
            round=round,
            decided_by=dinas,
            approve=[approved.pk],
            reject={rejected.pk: "Bahan baku belum tetap"},
            number="SK-2026-1",
            decree_date=datetime.date(2026, 12, 1),
            signed_by_name="Bupati",
            signed_by_title="Bupati Serang",
        )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {officer_a.email, officer_b.email}
    assert "Gerabah Bumijaya" in by_address[officer_a.email].subject
    assert "SK-2026-1" in by_address[officer_a.email].body
    assert "Bahan baku belum tetap" in by_address[officer_b.email].body


def test_an_officer_who_switched_reminders_off_gets_no_decision_email(
    proposal, officer_a, dinas, django_capture_on_commit_callbacks
):
    ReminderPreference.objects.create(user=officer_a, frequency=Frequency.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        reject(proposal, dinas)
    assert mail.outbox == []


def test_a_proposer_without_an_email_address_gets_none(dinas, django_capture_on_commit_callbacks):
    proposal = DesignationFactory(proposed_by=make_officer("tanpa-email", "36.04.09"))
    with django_capture_on_commit_callbacks(execute=True):
        reject(proposal, dinas)
    assert mail.outbox == []


def test_the_official_who_decided_their_own_proposal_is_not_emailed(
    dinas, django_capture_on_commit_callbacks
):
    proposal = DesignationFactory(proposed_by=dinas)
    with django_capture_on_commit_callbacks(execute=True):
        reject(proposal, dinas)
    assert mail.outbox == []


def test_a_decision_already_emailed_is_not_repeated_in_the_digest(
    proposal, officer_a, dinas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reject(proposal, dinas)
    decided_at = Designation.objects.get(pk=proposal.pk).decided_at
    digest = digest_for(
        officer_a, now=decided_at + datetime.timedelta(hours=1), since=decided_at - datetime.timedelta(days=1)
    )
    assert f"decision:{proposal.pk}" not in digest.item_keys


def test_a_decision_whose_email_failed_appears_in_the_next_digest(proposal, officer_a, dinas, monkeypatch):
    from reminders.channels import EmailChannel

    monkeypatch.setattr(
        EmailChannel, "send", lambda self, message, to: (_ for _ in ()).throw(OSError("down"))
    )
    reject(proposal, dinas)
    with pytest.raises(OSError):
        decision_notice_send(designation_id=proposal.pk)
    assert not SentReminder.objects.exists()  # released
    decided_at = Designation.objects.get(pk=proposal.pk).decided_at
    digest = digest_for(
        officer_a, now=decided_at + datetime.timedelta(hours=1), since=decided_at - datetime.timedelta(days=1)
    )
    assert f"decision:{proposal.pk}" in digest.item_keys


def test_a_proposer_who_is_no_longer_an_official_gets_no_decision_email(
    proposal, officer_a, dinas, django_capture_on_commit_callbacks
):
    officer_a.groups.clear()  # the role withdrawn since the proposal
    with django_capture_on_commit_callbacks(execute=True):
        reject(proposal, dinas)
    assert mail.outbox == []
    assert decision_notice_send(designation_id=proposal.pk) == "not_official"
    assert not SentReminder.objects.filter(user=officer_a).exists()


def test_a_proposer_whose_areas_were_all_withdrawn_gets_no_decision_email(
    proposal, officer_a, dinas, django_capture_on_commit_callbacks
):
    officer_a.officer_areas.all().delete()  # still in the group, but an officer of no kecamatan
    with django_capture_on_commit_callbacks(execute=True):
        reject(proposal, dinas)
    assert mail.outbox == []


def test_an_inactive_proposer_gets_no_decision_email(
    proposal, officer_a, dinas, django_capture_on_commit_callbacks
):
    officer_a.is_active = False
    officer_a.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        reject(proposal, dinas)
    assert mail.outbox == []
