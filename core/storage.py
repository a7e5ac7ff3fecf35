"""Where uploaded files live: public media (photo renditions) and private storage (legality scans).

Both storages remove a file they failed to write completely: a full disk (ENOSPC), an exhausted
quota (EDQUOT) or a failing device (EIO) must not leave a truncated or empty file behind that no row
will ever reference.
"""

import errno
import logging

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.files.utils import validate_file_name
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Errors that say the storage cannot take the file, as opposed to a programming error.
STORAGE_FAILURE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}
)
STORAGE_FAILURE_MESSAGE = _(
    "Penyimpanan berkas penuh atau tidak dapat ditulis, jadi berkas tidak disimpan. "
    "Tidak ada data yang berubah. Coba lagi nanti atau hubungi admin Dinas."
)


def is_storage_failure(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in STORAGE_FAILURE_ERRNOS


def log_storage_failure(error: OSError, what: str) -> None:
    logger.error("Storing %s failed: %s", what, error, exc_info=error)


@deconstructible
class CleaningFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that deletes what it wrote when writing fails part-way."""

    def save(self, name, content, max_length=None):
        # Storage.save, with the write guarded: the name is known only here, so only here can the
        # partial file be removed.
        if name is None:
            name = content.name
        if not hasattr(content, "chunks"):
            content = File(content, name)
        validate_file_name(name, allow_relative_path=True)
        name = self.get_available_name(name, max_length=max_length)
        validate_file_name(name, allow_relative_path=True)
        try:
            name = self._save(name, content)
        except OSError:
            try:
                self.delete(name)
            except OSError:
                logger.exception("Could not remove the partial file %s", name)
            raise
        validate_file_name(name, allow_relative_path=True)
        return name


@deconstructible
class PrivateFileSystemStorage(CleaningFileSystemStorage):
    """Files outside MEDIA_ROOT, never served by the web server's public media location.

    Defaults to settings.PRIVATE_MEDIA_ROOT (read when first used, so tests can override it). A
    file's URL goes through the portal's access-checking view, never straight to the file.
    """

    @cached_property
    def base_location(self):
        from django.conf import settings

        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def url(self, name: str) -> str:
        return reverse("products:private_file", kwargs={"name": name})

    def _clear_cached_properties(self, setting, **kwargs) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            for attribute in ("base_location", "location"):
                self.__dict__.pop(attribute, None)


def private_storage() -> Storage:
    """The storage of legality scans: a callable, so the field follows STORAGES["private"]."""
    return storages["private"]
