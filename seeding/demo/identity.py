"""The regency's identity for the demo: the profile of the regency the deployment serves
(OVOP_REGENCY_CODE), Kabupaten Serang or Kabupaten Bangka Barat.

The agencies are those that run such programmes there (../shared/DOMAIN.md: Bangka Barat's
Disperindagkop); addresses, numbers, e-mail and links are illustrative and say so, and the logo is an
emblem drawn here, never the regency's coat of arms. It goes through the admin's form, so through the
same checks and image pipeline as a logo the Dinas uploads. An existing profile is left as it is.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from regency.forms import RegencyProfileForm
from regency.models import RegencyProfile

DEMO_PROFILES = {
    "36.04": {
        "regency_name": "Kabupaten Serang",
        "agency_name": "Dinas Koperasi, Usaha Kecil dan Menengah",
        "address": "Jl. Veteran No. 1, Serang, Banten 42111 (alamat contoh)",
        "phone": "(0254) 200123",
        "whatsapp": "0812-3456-0417",
        "email": "ovop@serang.example",
        "office_hours": "Senin–Kamis 08.00–16.00, Jumat 08.00–16.30 WIB",
        "website": "https://ovop.serang.example/",
        "instagram": "https://www.instagram.com/contoh.ovop.serang/",
        "youtube": "https://www.youtube.com/@contoh-ovop-serang",
    },
    "19.05": {
        "regency_name": "Kabupaten Bangka Barat",
        "agency_name": "Dinas Perindustrian, Perdagangan, Koperasi dan UKM",
        "address": "Jl. Jenderal Sudirman, Muntok, Bangka Barat 33311 (alamat contoh)",
        "phone": "(0716) 221045",
        "whatsapp": "0819-3312-5504",
        "email": "ovop@bangkabarat.example",
        "office_hours": "Senin–Jumat 07.30–16.00 WIB",
        "website": "https://ovop.bangkabarat.example/",
        "instagram": "https://www.instagram.com/contoh.ovop.babar/",
        "facebook": "https://www.facebook.com/contoh.ovop.babar",
    },
}

# Who signs the printed recap: an illustrative official, marked contoh, with a NIP-shaped number that is
# plainly made up (18 digits: birth date 19700101, appointment 200001, sex 1, sequence 001 — all zeros
# but the shape). Set beside the form, which edits the identity and not the signatory.
DEMO_SIGNATORIES = {
    "36.04": {
        "signatory_name": "Ahmad Contoh, S.E., M.Si. (contoh)",
        "signatory_title": "Kepala Dinas",
        "signatory_nip": "197001012000011001",
        "signature_place": "Serang",
    },
    "19.05": {
        "signatory_name": "Siti Contoh, S.H. (contoh)",
        "signatory_title": "Kepala Dinas",
        "signatory_nip": "197501012000012001",
        "signature_place": "Muntok",
    },
}

GREEN, GOLD, CREAM = (31, 111, 67), (214, 160, 36), (250, 246, 238)


def demo_logo(initials: str) -> SimpleUploadedFile:
    """A plain shield with a leaf and the programme's name: an illustrative emblem, marked CONTOH."""
    size = 600
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    shield = [(60, 40), (540, 40), (540, 330), (300, 570), (60, 330)]
    draw.polygon(shield, fill=GREEN, outline=GOLD, width=18)
    draw.ellipse((200, 110, 400, 310), fill=GOLD)  # the village's one product, as a sun
    draw.polygon([(300, 150), (350, 240), (300, 290), (250, 240)], fill=CREAM)  # a leaf
    font = ImageFont.load_default(size=72)
    draw.text((300, 370), initials, fill=CREAM, font=font, anchor="mm")
    draw.text((300, 450), "CONTOH", fill=GOLD, font=ImageFont.load_default(size=40), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("logo-contoh.png", buffer.getvalue(), content_type="image/png")


def demo_identity_create() -> int:
    """The served regency's profile (1), or nothing when one exists or the regency has no demo (0)."""
    data = DEMO_PROFILES.get(settings.OVOP_REGENCY_CODE)
    if data is None or RegencyProfile.objects.exists():
        return 0
    initials = "OVOP " + "".join(word[0] for word in data["regency_name"].split()[1:])
    form = RegencyProfileForm(data=data, files={"logo": demo_logo(initials)})
    if not form.is_valid():
        raise ValueError(f"demo profile refused: {form.errors.as_json()}")
    profile = form.save()
    signatory = DEMO_SIGNATORIES.get(settings.OVOP_REGENCY_CODE, {})
    if signatory:
        for field, value in signatory.items():
            setattr(profile, field, value)
        profile.full_clean(exclude=["logo"])
        profile.save(update_fields=list(signatory))
    return 1
