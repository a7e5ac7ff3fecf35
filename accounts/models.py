"""The portal's own records, outside any domain app."""

from django.db import models


class PasswordResetRequest(models.Model):
    """A password-reset request, kept for an hour to throttle the form (accounts/passwords.py).

    The database rather than the cache holds the count: a Redis outage must not lift the limit, and
    every app server must see the same count. Who asked is kept only as keyed hashes, so the table
    tells nobody which addresses were tried."""

    client_key = models.CharField(max_length=64)
    email_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["client_key", "created_at"], name="reset_request_client_idx"),
            models.Index(fields=["email_key", "created_at"], name="reset_request_email_idx"),
        ]

    def __str__(self) -> str:
        return f"password reset request {self.pk}"
