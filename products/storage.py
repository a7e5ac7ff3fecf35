"""Only for migration 0009, which names the storage callable at this address; it is core.storage."""

from core.storage import private_storage  # noqa: F401
