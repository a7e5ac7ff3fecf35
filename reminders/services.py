"""Sending reminders: the digests of every official who is due one, and the e-mail on a decision.

Whatever runs this (the scheduled task every 15 minutes, `manage.py send_reminders`, two of them at
once), an official gets one digest per period: a SentReminder row (user, period key) is claimed before
anything is sent, the unique constraint lets one run claim it, and a failed send deletes the claim so
that the next run retries. A claim left by a run that died mid-send is taken over after STALE_CLAIM.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from products.models import Designation
from villages.roles import ROLE_GROUPS, scope_of

from .channels import Message, channels_for
from .digest import Digest, absolute_url, digest_for
from .models import DEFAULT_FREQUENCY, Frequency, ReminderPreference, SentReminder

logger = logging.getLogger(__name__)

# A claim still "sending" after this long belongs to a run that died: another run may take it over.
STALE_CLAIM = datetime.timedelta(hours=1)
PERIOD_LENGTH = {Frequency.DAILY: datetime.timedelta(days=1), Frequency.WEEKLY: datetime.timedelta(days=7)}


# --- preferences -----------------------------------------------------------------------------------


def preference_of(user) -> ReminderPreference:
    """The official's preference, or the default (unsaved: a row is created when they first save)."""
    try:
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(user=user, frequency=DEFAULT_FREQUENCY)


def language_of(preference: ReminderPreference) -> str:
    return preference.language or settings.LANGUAGE_CODE


# --- periods ---------------------------------------------------------------------------------------


def period_key(frequency: str, now: datetime.datetime) -> str | None:
    """The period a digest sent at `now` belongs to, or None when none is due. A daily digest is due
    from OVOP_REMINDER_HOUR local time to the end of its day; a weekly one from that hour on Monday to
    the end of its ISO week, so that a run missed on Monday (the scheduler down) is made up by the
    next run of the week. The key is the same all period long: one digest per period, whenever sent."""
    local = timezone.localtime(now)
    hour = settings.OVOP_REMINDER_HOUR
    if frequency == Frequency.DAILY and local.hour >= hour:
        return f"daily:{local.date().isoformat()}"
    if frequency == Frequency.WEEKLY and (local.weekday() > 0 or local.hour >= hour):
        year, week, _weekday = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return None


def next_digest_at(user, frequency: str, now: datetime.datetime) -> datetime.datetime | None:
    """When the official's next digest goes out (at the earliest: the run after this moment): now if
    the current period's digest is not sent yet, else the start of the next period (period_key)."""
    if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
        return None
    key = period_key(frequency, now)
    if key and not SentReminder.objects.filter(user=user, key=key).exists():
        return now
    local = timezone.localtime(now)
    day = local.date()
    if key:  # this period's digest is sent (or being sent): the next period starts on a later day
        day += datetime.timedelta(days=1)
    while frequency == Frequency.WEEKLY and day.weekday() != 0:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(settings.OVOP_REMINDER_HOUR), tzinfo=local.tzinfo)


# --- claims ----------------------------------------------------------------------------------------


def _claim(user, key: str, kind: str, now: datetime.datetime) -> SentReminder | None:
    """Claim (user, key) for this run, or None when another run has it or it was sent already."""
    try:
        with transaction.atomic():
            return SentReminder.objects.create(user=user, key=key, kind=kind, claimed_at=now)
    except IntegrityError:
        pass
    # Taken over only if its run died: the conditional update lets one run through.
    taken = SentReminder.objects.filter(
        user=user, key=key, status=SentReminder.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(claimed_at=now)
    return SentReminder.objects.get(user=user, key=key) if taken else None


def _release(reminder: SentReminder) -> None:
    SentReminder.objects.filter(pk=reminder.pk, status=SentReminder.Status.SENDING).delete()


def _settle(
    reminder: SentReminder, status: str, *, channel: str = "", items: list[str] | None = None
) -> None:
    reminder.status, reminder.channel, reminder.items = status, channel, items or []
    reminder.sent_at = timezone.now() if status == SentReminder.Status.SENT else None
    reminder.save(update_fields=["status", "channel", "items", "sent_at"])


# --- digests ---------------------------------------------------------------------------------------


def digest_since(user, frequency: str, now: datetime.datetime, *, exclude_key: str = "") -> datetime.datetime:
    """Where the digest's "since the last digest" starts: the last digest's moment, else one period ago."""
    last = (
        SentReminder.objects.filter(
            user=user,
            kind=SentReminder.Kind.DIGEST,
            status__in=[SentReminder.Status.SENT, SentReminder.Status.EMPTY],
            claimed_at__lte=now,
        )
        .exclude(key=exclude_key)
        .order_by("-claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    return last or now - PERIOD_LENGTH.get(frequency, PERIOD_LENGTH[Frequency.WEEKLY])


def digest_message(user, digest: Digest, frequency: str, now: datetime.datetime) -> Message:
    """The e-mail of a digest, in the active language (plain text and HTML from one context)."""
    context = {
        "language": translation.get_language(),
        "user": user,
        "digest": digest,
        "frequency": frequency,
        "today": timezone.localdate(now),
        "preferences_url": absolute_url("reminders:preferences"),
        "todo_url": absolute_url("officials:todo"),
    }
    subject = _("Pengingat OVOP: %(count)s hal menunggu tindakan Anda") % {"count": digest.item_count}
    return Message(
        subject=subject,
        text=render_to_string("reminders/email/digest.txt", context),
        html=render_to_string("reminders/email/digest.html", context),
    )


def officials_to_remind():
    """Active officials (superusers and the three roles) with an e-mail address, with their preference."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(is_superuser=True) | Q(groups__name__in=ROLE_GROUPS))
        .distinct()
        .select_related("reminder_preference")
        .order_by("pk")
    )


@dataclass
class RunReport:
    due: int = 0
    sent: int = 0
    empty: int = 0
    taken: int = 0  # claimed by another run at the same time, or sent already
    failed: int = 0
    lines: list[str] = field(default_factory=list)


def digest_send(user, *, key: str, frequency: str, now: datetime.datetime, dry_run: bool = False) -> str:
    """Send one official the digest of period `key`: 'sent', 'empty', 'taken' or 'failed'.
    With dry_run, build it and say what would happen, claiming and sending nothing."""
    channels = channels_for(user)
    if not channels or not scope_of(user).is_official:
        return "skipped"
    channel = channels[0]
    language = language_of(preference_of(user))
    if dry_run:
        with translation.override(language):
            digest = digest_for(user, now=now, since=digest_since(user, frequency, now, exclude_key=key))
        return "empty" if digest.is_empty else "sent"
    reminder = _claim(user, key, SentReminder.Kind.DIGEST, now)
    if reminder is None:
        return "taken"
    try:
        with translation.override(language):
            digest = digest_for(user, now=now, since=digest_since(user, frequency, now, exclude_key=key))
            if digest.is_empty:
                _settle(reminder, SentReminder.Status.EMPTY)
                return "empty"
            message = digest_message(user, digest, frequency, now)
        channel.send(message, channel.address(user))
    except Exception:
        _release(reminder)
        logger.exception("Reminder digest %s to user %s failed; released for the next run", key, user.pk)
        return "failed"
    _settle(reminder, SentReminder.Status.SENT, channel=channel.name, items=digest.item_keys)
    return "sent"


def reminders_send_due(*, now: datetime.datetime | None = None, dry_run: bool = False) -> RunReport:
    """Send every official the digest they are due at `now` (default: now). Idempotent: run it as
    often as you like; each official gets one digest per period."""
    now = now or timezone.now()
    report = RunReport()
    keys = {frequency: period_key(frequency, now) for frequency in (Frequency.DAILY, Frequency.WEEKLY)}
    if not any(keys.values()):  # before the hour on a Monday: nothing is due
        return report
    officials = list(officials_to_remind())
    # Settled periods, and claims of runs still alive, are left alone without asking _claim.
    done = set(
        SentReminder.objects.filter(user__in=officials, key__in=[k for k in keys.values() if k])
        .exclude(status=SentReminder.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
        .values_list("user_id", "key")
    )
    for user in officials:
        frequency = preference_of(user).frequency
        key = keys.get(frequency)
        if key is None or (user.pk, key) in done:
            continue
        outcome = digest_send(user, key=key, frequency=frequency, now=now, dry_run=dry_run)
        if outcome == "skipped":
            continue
        report.due += 1
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.lines.append(f"{user.get_username()} <{user.email}> {key}: {outcome}")
    return report


# --- decisions -------------------------------------------------------------------------------------


def decision_notice_send(*, designation_id: int, now: datetime.datetime | None = None) -> str:
    """E-mail the proposer of a decided proposal, once: 'sent', 'already', or why it was not sent.
    A failed send releases its claim and raises; the decision then appears in the next digest."""
    now = now or timezone.now()
    designation = (
        Designation.objects.select_related("product", "village__district", "proposed_by")
        .filter(pk=designation_id)
        .first()
    )
    if designation is None or designation.status == Designation.Status.PROPOSED:
        return "not_decided"
    proposer = designation.proposed_by
    if proposer is None or not proposer.is_active:
        return "no_proposer"
    if not scope_of(proposer).is_official:
        return "not_official"  # no longer an official (role or area withdrawn): like digest_send
    if proposer.pk == designation.decided_by_id:
        return "own_decision"  # the official who decided knows
    channels = channels_for(proposer)
    if not channels:
        return "no_address"
    preference = preference_of(proposer)
    if preference.frequency == Frequency.OFF:
        return "off"
    reminder = _claim(proposer, f"decision:{designation.pk}", SentReminder.Kind.DECISION, now)
    if reminder is None:
        return "already"
    channel = channels[0]
    try:
        with translation.override(language_of(preference)):
            message = decision_message(designation)
        channel.send(message, channel.address(proposer))
    except Exception:
        _release(reminder)
        raise
    _settle(reminder, SentReminder.Status.SENT, channel=channel.name, items=[f"decision:{designation.pk}"])
    return "sent"


def decision_message(designation: Designation) -> Message:
    approved = designation.status != Designation.Status.REJECTED
    context = {
        "language": translation.get_language(),
        "designation": designation,
        "approved": approved,
        "product_url": absolute_url("officials:product_detail", designation.product_id),
        "preferences_url": absolute_url("reminders:preferences"),
    }
    subject = (
        _("Usulan %(product)s ditetapkan sebagai produk unggulan")
        if approved
        else _("Usulan %(product)s ditolak")
    ) % {"product": designation.product.name}
    return Message(
        subject=subject,
        text=render_to_string("reminders/email/decision.txt", context),
        html=render_to_string("reminders/email/decision.html", context),
    )
