"""Catalogs of pre-event publicity (事前公开): the statute library, versioned lists, random inspections, error reports."""

from .feedback import ErrorReport
from .inspections import ConflictDeclaration, Draw, MarketSubject
from .lists import Entry, ListKind, Version, VersionStatus
from .statutes import Provision, Statute

__all__ = [
    "ConflictDeclaration", "Draw", "Entry", "ErrorReport", "ListKind", "MarketSubject", "Provision", "Statute",
    "Version", "VersionStatus",
]
