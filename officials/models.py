"""What the officials' pages keep of their own: spreadsheets held between preview and import."""

from django.conf import settings
from django.db import models


class HeldUpload(models.Model):
    """A spreadsheet to import (producers, products, legality documents, deliveries, visits or outcome
    figures) between its upload and its import (the import pages of officials.spreadsheets). Kept in
    the database, not in a server's temp folder, so that the preview
    and the import work whichever app server answers them; bound to the official who uploaded it."""

    token = models.CharField(max_length=32, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name
