"""Absolute links to the portal's public address (settings.OVOP_PUBLIC_URL).

Whatever leaves the page — a QR code on a printed label or certificate, a link in an e-mail, a share
message — points at the portal's one public address, never at the Host header of the request that made
it: an officer printing from an internal address, or a forged Host, must not end up on paper or in mail.
"""

from django.conf import settings


def public_url(path: str) -> str:
    """The absolute public URL of a site path such as "/produk/gerabah/"."""
    if not path.startswith("/"):
        raise ValueError(f"a site path starts with '/': {path!r}")
    return settings.OVOP_PUBLIC_URL + path
