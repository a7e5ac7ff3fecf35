"""Assistance in spreadsheets: the ledger export (ledger) and the imports of deliveries, mentoring
visits and outcome figures (records). The names other code imports are re-exported here."""

from .ledger import DeliveryLedgerResource
from .records import DeliveryResource, OutcomeResource, VisitResource

__all__ = ["DeliveryLedgerResource", "DeliveryResource", "OutcomeResource", "VisitResource"]
