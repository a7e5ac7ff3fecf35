"""How a reminder reaches an official. Everything above this module builds a `Message` and hands it
to a channel; only a channel knows about e-mail (or, one day, WhatsApp).

Adding WhatsApp: write a `WhatsAppChannel` here with the same two methods. `address(user)` returns
the official's WhatsApp number (officials have none on record yet: it would join ReminderPreference,
validated with products.validators like producers' numbers), `send(message, to)` posts
`message.text` to the provider's API and raises on failure, so that the caller releases its claim and
the next run retries. Then list it in `channels_for(user)`, e.g. when the official chose it on the
reminders page. The HTML part is for e-mail only; WhatsApp takes the plain text.
"""

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str = ""


class Channel(Protocol):
    name: str

    def address(self, user) -> str:
        """Where this channel reaches the user; empty when it cannot."""

    def send(self, message: Message, to: str) -> None:
        """Deliver the message or raise."""


class EmailChannel:
    name = "email"

    def address(self, user) -> str:
        return (user.email or "").strip()

    def send(self, message: Message, to: str) -> None:
        email = EmailMultiAlternatives(message.subject, message.text, settings.DEFAULT_FROM_EMAIL, [to])
        if message.html:
            email.attach_alternative(message.html, "text/html")
        email.send()


def channels_for(user) -> list[Channel]:
    """The channels that reach `user`, in order of preference: e-mail only for now."""
    return [channel for channel in (EmailChannel(),) if channel.address(user)]
