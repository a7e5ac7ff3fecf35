"""Only for migration 0009, which names the validator at this address; the checks are core.scans."""

from core.scans import validate_scan_upload  # noqa: F401
