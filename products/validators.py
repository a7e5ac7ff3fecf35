"""The producer's NIB and WhatsApp number: each read in one place, whichever way it arrives (the
producer form, the spreadsheet import, the admin). `normalise_*` turns what a person wrote into the
stored form or refuses it; `validate_*` is the model field's validator, which accepts only the stored
form, so that no write path that runs `full_clean()` can store anything else.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIB_PATTERN = re.compile(r"[0-9]{13}")
NIB_INVALID = _("NIB terdiri dari 13 angka.")

WHATSAPP_REGION = "ID"
WHATSAPP_INVALID = _("Nomor WhatsApp tidak valid. Tulis nomor ponsel Indonesia, misalnya 0812-3456-7890.")
# What a person may write around the digits: spaces, dashes, dots, brackets and one leading "+".
# phonenumbers would read letters as a phone keypad's (0812-ABC → 0812-222), so they are refused first.
WHATSAPP_WRITTEN = re.compile(r"\+?[0-9\s\-.()]+")
MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise_nib(raw: str) -> str:
    """The NIB's 13 digits with any spaces taken out ('' when empty); ValidationError otherwise."""
    nib = "".join((raw or "").split())
    if nib and not NIB_PATTERN.fullmatch(nib):
        raise ValidationError(NIB_INVALID, code="invalid_nib")
    return nib


def validate_nib(value: str) -> None:
    if value and normalise_nib(value) != value:
        raise ValidationError(NIB_INVALID, code="invalid_nib")


def normalise_whatsapp(raw: str) -> str:
    """An Indonesian mobile number in E.164 (+628…), '' when empty; ValidationError for anything else:
    a fixed line, a toll-free or foreign number, too few or too many digits, letters."""
    text = (raw or "").strip()
    if not text:
        return ""
    if not WHATSAPP_WRITTEN.fullmatch(text):
        raise ValidationError(WHATSAPP_INVALID, code="invalid_whatsapp")
    try:
        number = phonenumbers.parse(text, WHATSAPP_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(WHATSAPP_INVALID, code="invalid_whatsapp") from None
    if not (
        phonenumbers.region_code_for_number(number) == WHATSAPP_REGION
        and phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) in MOBILE_TYPES
    ):
        raise ValidationError(WHATSAPP_INVALID, code="invalid_whatsapp")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_whatsapp(value: str) -> None:
    if value and normalise_whatsapp(value) != value:
        raise ValidationError(WHATSAPP_INVALID, code="invalid_whatsapp")
