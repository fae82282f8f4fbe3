"""An agency's case-handling parameters (办案参数): its :class:`AgencyCaseRules` row over ``settings.CASES``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from .models import AgencyCaseRules


@dataclass(frozen=True)
class Params:
    filing_working_days: int
    hearing_fine_person: Decimal
    hearing_fine_org: Decimal
    simple_fine_person: Decimal
    simple_fine_org: Decimal
    decision_days: int
    review_working_days: int
    review_extension_working_days: int
    random_inspection_publish_working_days: int
    due_soon_days: int
    limitation_years: int
    limitation_years_harm: int
    review_all_non_simple: bool


def params_for(agency) -> Params:
    """The parameters in force for ``agency`` (an Agency or its pk)."""
    defaults = settings.CASES
    agency_id = getattr(agency, "pk", agency)
    row = AgencyCaseRules.objects.filter(agency_id=agency_id).first() if agency_id else None

    def pick(field: str, key: str, cast):
        value = getattr(row, field, None) if row is not None else None
        return cast(value if value is not None else defaults[key])

    return Params(
        filing_working_days=pick("filing_days", "FILING_WORKING_DAYS", int),
        hearing_fine_person=pick("hearing_fine_person", "HEARING_FINE_PERSON", Decimal),
        hearing_fine_org=pick("hearing_fine_org", "HEARING_FINE_ORG", Decimal),
        simple_fine_person=Decimal(defaults["SIMPLE_FINE_PERSON"]),
        simple_fine_org=Decimal(defaults["SIMPLE_FINE_ORG"]),
        decision_days=pick("decision_days", "DECISION_DAYS", int),
        review_working_days=pick("review_days", "REVIEW_WORKING_DAYS", int),
        review_extension_working_days=int(defaults["REVIEW_EXTENSION_WORKING_DAYS"]),
        random_inspection_publish_working_days=pick(
            "random_inspection_publish_days", "RANDOM_INSPECTION_PUBLISH_WORKING_DAYS", int),
        due_soon_days=pick("due_soon_days", "DUE_SOON_DAYS", int),
        limitation_years=int(defaults["LIMITATION_YEARS"]),
        limitation_years_harm=int(defaults["LIMITATION_YEARS_HARM"]),
        review_all_non_simple=bool(row.review_all_non_simple) if row is not None else False,
    )
