"""The regency's identity: who runs the portal, how to reach them, the programme in their words and the
privacy notice. One row for the deployment; regency.selectors reads it through the cache."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from products.validators import validate_whatsapp

from .validators import phone_display, validate_facebook, validate_instagram, validate_phone, validate_youtube

# A civil servant's NIP (Nomor Induk Pegawai): 18 digits, written without spaces.
validate_nip = RegexValidator(
    r"^[0-9]{18}\Z",
    _("NIP terdiri atas 18 angka, ditulis tanpa spasi atau tanda baca."),
    code="invalid_nip",
)

ONE_PROFILE = _("Identitas kabupaten sudah ada: ubah yang ada, jangan menambah yang baru.")


def logo_upload_to(instance: "RegencyProfile", filename: str) -> str:
    return f"identitas/{filename}"


class RegencyProfile(models.Model):
    # Always True and unique: the database itself holds "one row only", whatever path writes.
    singleton = models.BooleanField(default=True, editable=False)
    regency_name = models.CharField(
        _("nama kabupaten/kota"), max_length=120, help_text=_("Misalnya: Kabupaten Serang.")
    )
    agency_name = models.CharField(
        _("nama dinas"),
        max_length=200,
        help_text=_("Dinas yang menjalankan program, misalnya: Dinas Koperasi dan Usaha Mikro."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_upload_to,
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
        # Only the portal's re-encoding (regency.forms) writes this field: a JPEG without metadata.
        validators=[FileExtensionValidator(["jpg"])],
        help_text=_("JPEG, PNG atau WebP; disimpan ulang sebagai JPEG tanpa metadata."),
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    address = models.CharField(_("alamat kantor"), max_length=255, blank=True)
    phone = models.CharField(
        _("telepon"),
        max_length=16,
        blank=True,
        validators=[validate_phone],
        help_text=_("Nomor Indonesia; disimpan sebagai +62…"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    whatsapp = models.CharField(
        _("nomor WhatsApp"),
        max_length=16,
        blank=True,
        validators=[validate_whatsapp],
        help_text=_("Nomor ponsel Indonesia; disimpan sebagai +62…"),
    )
    office_hours = models.CharField(
        _("jam layanan"), max_length=200, blank=True, help_text=_("Misalnya: Senin–Jumat 08.00–16.00 WIB.")
    )
    website = models.URLField(_("situs web"), blank=True)
    instagram = models.URLField(_("Instagram"), blank=True, validators=[validate_instagram])
    facebook = models.URLField(_("Facebook"), blank=True, validators=[validate_facebook])
    youtube = models.URLField(_("YouTube"), blank=True, validators=[validate_youtube])
    about_id = models.TextField(
        _("tentang program (Bahasa Indonesia)"),
        blank=True,
        help_text=_("Kosongkan untuk memakai teks bawaan. Baris kosong memisahkan paragraf."),
    )
    about_en = models.TextField(
        _("tentang program (Bahasa Inggris)"),
        blank=True,
        help_text=_("Kosong: halaman berbahasa Inggris memakai teks Bahasa Indonesia, atau teks bawaan."),
    )
    privacy_id = models.TextField(
        _("pemberitahuan privasi (Bahasa Indonesia)"),
        blank=True,
        help_text=_(
            "Menurut UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi. Kosongkan untuk memakai "
            "teks bawaan, yang disusun dari data yang benar-benar disimpan portal."
        ),
    )
    privacy_en = models.TextField(
        _("pemberitahuan privasi (Bahasa Inggris)"),
        blank=True,
        help_text=_("Kosong: halaman berbahasa Inggris memakai teks Bahasa Indonesia, atau teks bawaan."),
    )
    # Who signs the printed documents (the recap): shown with the place and date only when a name is set.
    signatory_name = models.CharField(
        _("nama penanda tangan"),
        max_length=120,
        blank=True,
        help_text=_("Pejabat penanda tangan rekap cetak, dengan gelar. Kosong: tanpa tanda tangan."),
    )
    signatory_title = models.CharField(
        _("jabatan penanda tangan"), max_length=200, blank=True, help_text=_("Misalnya: Kepala Dinas.")
    )
    signature_place = models.CharField(
        _("tempat penandatanganan"),
        max_length=80,
        blank=True,
        help_text=_("Ibu kota kabupaten, misalnya: Serang. Kosong: nama kabupaten tanpa Kabupaten/Kota."),
    )
    signatory_nip = models.CharField(
        _("NIP penanda tangan"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 angka, tanpa spasi."),
    )

    history = HistoricalRecords(
        verbose_name=_("riwayat identitas kabupaten"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat identitas kabupaten"),
    )

    class Meta:
        verbose_name = _("identitas kabupaten")
        verbose_name_plural = pgettext_lazy("plural", "identitas kabupaten")
        constraints = [
            models.UniqueConstraint(
                fields=["singleton"], name="regency_profile_one_row", violation_error_message=ONE_PROFILE
            ),
            models.CheckConstraint(condition=Q(singleton=True), name="regency_profile_singleton_true"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_name} · {self.regency_name}" if self.agency_name else self.regency_name

    def clean(self) -> None:
        super().clean()
        if self._state.adding and RegencyProfile.objects.exists():
            raise ValidationError(ONE_PROFILE)
        if (self.signatory_title.strip() or self.signatory_nip) and not self.has_signatory:
            raise ValidationError(
                {"signatory_name": _("Isi nama penanda tangan, atau kosongkan juga jabatan dan NIP-nya.")}
            )

    @property
    def has_signatory(self) -> bool:
        return bool(self.signatory_name.strip())

    @property
    def place(self) -> str:
        """Where the printed documents are signed: the place given, else the regency's name without
        its 'Kabupaten'/'Kota' prefix."""
        if self.signature_place.strip():
            return self.signature_place.strip()
        for prefix in ("Kabupaten ", "Kota "):
            if self.regency_name.startswith(prefix):
                return self.regency_name[len(prefix) :]
        return self.regency_name

    @property
    def is_saved(self) -> bool:
        return self.pk is not None

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)

    @property
    def whatsapp_display(self) -> str:
        return phone_display(self.whatsapp)

    @property
    def whatsapp_link(self) -> str:
        return f"https://wa.me/{self.whatsapp.lstrip('+')}" if self.whatsapp else ""

    @property
    def social_links(self) -> list[tuple[str, str]]:
        """(site, address) of each social link given, in a fixed order."""
        links = [
            ("Instagram", self.instagram),
            ("Facebook", self.facebook),
            ("YouTube", self.youtube),
        ]
        return [(name, url) for name, url in links if url]

    def _in_language(self, field: str) -> str:
        """The text for the active language: English on English pages when given, else Indonesian
        ('' when neither: the page shows the default text)."""
        if translation.get_language() == "en" and getattr(self, f"{field}_en").strip():
            return getattr(self, f"{field}_en")
        return getattr(self, f"{field}_id").strip()

    @property
    def about(self) -> str:
        return self._in_language("about")

    @property
    def privacy(self) -> str:
        return self._in_language("privacy")

    @property
    def regency_code(self) -> str:
        return settings.OVOP_REGENCY_CODE
