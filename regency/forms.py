import uuid

from django import forms
from django.core.files.uploadedfile import UploadedFile

from core.images import make_renditions, validate_photo
from products.validators import normalise_whatsapp

from .models import RegencyProfile
from .validators import normalise_phone

# The logo's long edge once re-encoded: sharp at the size a letterhead prints it (about 2.5 cm).
LOGO_RENDITION = "thumb"


class RegencyProfileForm(forms.ModelForm):
    class Meta:
        model = RegencyProfile
        fields = [
            "regency_name",
            "agency_name",
            "logo",
            "address",
            "phone",
            "whatsapp",
            "email",
            "office_hours",
            "website",
            "instagram",
            "facebook",
            "youtube",
            "about_id",
            "about_en",
            "privacy_id",
            "privacy_en",
        ]
        field_classes = {"logo": forms.FileField}  # the image pipeline checks the file, not Django's
        widgets = {
            "logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "about_id": forms.Textarea(attrs={"rows": 8}),
            "about_en": forms.Textarea(attrs={"rows": 8}),
            "privacy_id": forms.Textarea(attrs={"rows": 14}),
            "privacy_en": forms.Textarea(attrs={"rows": 14}),
        }

    def clean_logo(self):
        """The upload checked like every photo, and only its re-encoding kept (no metadata, no
        original bytes): the same pipeline as products' photos (core.images)."""
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged, or cleared
        rendition = make_renditions(validate_photo(logo), f"logo-{uuid.uuid4().hex[:12]}")[LOGO_RENDITION]
        return rendition.content

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean_whatsapp(self) -> str:
        return normalise_whatsapp(self.cleaned_data.get("whatsapp", ""))
