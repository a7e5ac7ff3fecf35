"""The office's telephone number and the regency's social-media addresses, each read in one place
(the admin form normalises, the model field's validator accepts only the stored form). WhatsApp
numbers are read by products.validators, the portal's one path for them."""

from urllib.parse import urlsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_REGION = "ID"
PHONE_INVALID = _(
    "Nomor telepon tidak valid. Tulis nomor Indonesia, misalnya (0254) 200123 atau 0812-3456-7890."
)


def normalise_phone(raw: str) -> str:
    """An Indonesian telephone number, fixed line or mobile, in E.164 (+62…); '' when empty."""
    text = (raw or "").strip()
    if not text:
        return ""
    if any(ch.isalpha() for ch in text):  # phonenumbers would read letters as a keypad's
        raise ValidationError(PHONE_INVALID, code="invalid_phone")
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(PHONE_INVALID, code="invalid_phone") from None
    if not (
        phonenumbers.region_code_for_number(number) == PHONE_REGION and phonenumbers.is_valid_number(number)
    ):
        raise ValidationError(PHONE_INVALID, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    if value and normalise_phone(value) != value:
        raise ValidationError(PHONE_INVALID, code="invalid_phone")


def phone_display(value: str) -> str:
    """How a stored number is written on pages and letterheads: (0254) 200123, 0812-3456-7890."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


class SiteValidator:
    """An https or http address on one site (its domain or a subdomain of it)."""

    def __init__(self, *domains: str) -> None:
        self.domains = domains

    def __call__(self, value: str) -> None:
        if not value:
            return
        host = (urlsplit(value).hostname or "").lower()
        if not any(host == domain or host.endswith(f".{domain}") for domain in self.domains):
            raise ValidationError(
                _("Alamat ini bukan alamat %(site)s.") % {"site": self.domains[0]}, code="wrong_site"
            )

    def __eq__(self, other: object) -> bool:  # migrations compare validators
        return isinstance(other, SiteValidator) and other.domains == self.domains

    def deconstruct(self) -> tuple[str, tuple, dict]:
        return ("regency.validators.SiteValidator", self.domains, {})


validate_instagram = SiteValidator("instagram.com")
validate_facebook = SiteValidator("facebook.com", "fb.com")
validate_youtube = SiteValidator("youtube.com", "youtu.be")
