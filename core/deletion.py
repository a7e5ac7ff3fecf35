"""Deleting a record that other records depend on is refused with an explanation, never cascaded."""

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .errors import Refused


def _describe(protected: set[models.Model]) -> str:
    counts: dict[str, int] = {}
    for obj in protected:
        label = str(capfirst(obj._meta.verbose_name_plural))
        counts[label] = counts.get(label, 0) + 1
    return ", ".join(f"{label}: {count}" for label, count in sorted(counts.items()))


@transaction.atomic
def delete_unless_used(obj: models.Model) -> None:
    """Delete obj, or raise Refused naming what still points to it."""
    try:
        obj.delete()
    except (ProtectedError, RestrictedError) as error:
        raise Refused(
            _(
                "%(object)s tidak dapat dihapus karena masih dipakai oleh data lain (%(used_by)s). "
                "Hapus atau pindahkan data itu lebih dulu."
            )
            % {
                "object": obj,
                "used_by": _describe(
                    set(
                        error.protected_objects
                        if isinstance(error, ProtectedError)
                        else error.restricted_objects
                    )
                ),
            }
        ) from None
