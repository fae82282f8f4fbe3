"""Whether a proposed penalty decision needs legal review (法制审核, REV-01/REV-02) and where that review stands.

The case workflow asks this module, never the review catalog directly:

- :func:`review_reasons` — every ground on which the proposed decision needs review, in words: the
  agency's review catalog in force (重大执法决定法制审核目录清单, ``catalog.review_rules.evaluate``), the
  grounds of 《行政处罚法》第五十八条 itself, the agency's "review every general-procedure decision"
  option (``AgencyCaseRules.review_all_non_simple``) and the officers' own request (``case.review_flagged``);
- :func:`review_required` — whether there is any such ground;
- :func:`review_status` — ``not_submitted`` / ``pending`` / ``passed`` / ``returned``. The legal-review
  app (issue 6) supplies the real answer; until then it fails closed (never ``passed``);
- :func:`review_disputed` — whether the review opinion is disputed (争议), which calls for collective
  discussion (LAW-06, REV-07). Also the legal-review app's to answer; until then ``False``.
"""

from __future__ import annotations

import datetime

from sanxiang.catalog import review_rules, selectors
from sanxiang.catalog.vocab import ComplexityFlag

from .models import Case, StepRecord
from .rules import params_for

NOT_SUBMITTED, PENDING, PASSED, RETURNED = "not_submitted", "pending", "passed", "returned"
REVIEW_STATES = (NOT_SUBMITTED, PENDING, PASSED, RETURNED)
STATUS_LABELS = {NOT_SUBMITTED: "未送审", PENDING: "审核中", PASSED: "审核通过", RETURNED: "退回"}

XZCFF_58 = "《行政处罚法》第五十八条第一款"
# Complexity flags that by themselves make review compulsory under the statute (and the local rules on
# major decisions, which add 重大社会影响): flag → the ground in words.
LAW_FLAGS = {
    ComplexityFlag.PUBLIC_INTEREST: f"涉及重大公共利益（{XZCFF_58}第（一）项）",
    ComplexityFlag.SOCIAL_IMPACT: "可能造成重大社会影响或者引发社会风险（重大执法决定法制审核制度）",
    ComplexityFlag.COMPLEX: f"案件情况疑难复杂、涉及多个法律关系（{XZCFF_58}第（三）项）",
    ComplexityFlag.OTHER_BY_LAW: f"法律、法规规定应当进行法制审核的其他情形（{XZCFF_58}第（四）项）",
}
THIRD_PARTY_AFTER_HEARING = f"直接关系当事人或者第三人重大权益，经过听证程序（{XZCFF_58}第（二）项）"
AGENCY_ALL = "本机关规定适用普通程序作出的行政执法决定一律进行法制审核"
VOLUNTARY = "承办机构主动提请法制审核"


def _entries(case: Case, step: str) -> list[StepRecord]:
    return list(StepRecord.objects.filter(case=case, step=step, action__in=(
        StepRecord.Action.REGISTER, StepRecord.Action.TRANSITION)).order_by("index"))


def hearing_held(case: Case) -> bool:
    """A hearing (听证) has been held in the case."""
    return bool(_entries(case, "hearing"))


def review_facts(case: Case) -> dict:
    """The facts of the proposed decision as ``catalog.review_rules.evaluate`` reads them."""
    party = case.primary_party
    return {
        "act_kind": case.kind,
        "item_code": case.item_code or "",
        "penalty_kinds": list(case.penalty_kinds or []),
        "fine_amount": str(case.fine_amount) if case.fine_amount is not None else None,
        "party_is_org": bool(party is not None and party.is_organisation),
        "hearing_held": hearing_held(case),
        "complexity_flags": list(case.complexity_flags or []),
        "simple_procedure": bool(case.simple_procedure),
    }


def review_reasons(case: Case, on: datetime.date | None = None) -> list[str]:
    """Every ground on which ``case``'s proposed decision needs legal review, in words (empty: none).

    ``on`` is the day whose review catalog applies (default today).
    """
    facts = review_facts(case)
    reasons: list[str] = []
    catalog = selectors.review_catalog(case.agency_id, on)
    for match in review_rules.evaluate(catalog, facts):
        reasons.append(f"属于本机关法制审核目录清单所列情形：{match}")
    flags = set(facts["complexity_flags"])
    for flag, words in LAW_FLAGS.items():
        if flag in flags:
            reasons.append(words)
    if ComplexityFlag.THIRD_PARTY_RIGHTS in flags and facts["hearing_held"]:
        reasons.append(THIRD_PARTY_AFTER_HEARING)
    if params_for(case.agency_id).review_all_non_simple and not case.simple_procedure:
        reasons.append(AGENCY_ALL)
    if case.review_flagged:
        reasons.append(VOLUNTARY)
    return list(dict.fromkeys(reasons))


def review_required(case: Case, on: datetime.date | None = None) -> bool:
    """Whether the proposed decision may be made only after legal review passes (REV-01)."""
    return bool(review_reasons(case, on))


def review_status(case: Case) -> str:
    """Where the legal review of ``case``'s proposed decision stands: one of :data:`REVIEW_STATES`.

    THE ONE PLACE the legal-review app (issue 6) replaces: it answers from its review records —
    ``passed`` only when the latest review of the current proposal passed, ``returned`` when the
    reviewer sent the case back. Every guard of the case workflow (and the decision gates) reads the
    status through this function only.

    Until that app exists this fails closed: it never answers ``passed`` (nor ``returned``). A case
    that has entered ``legal_review`` is ``pending``; any other case is ``not_submitted``. So a
    decision that needs review cannot be made yet — exactly what REV-01 demands.
    """
    return PENDING if _entries(case, "legal_review") else NOT_SUBMITTED


def review_disputed(case: Case) -> bool:
    """Whether the legal review opinion is disputed (审核意见存在争议), which calls for collective discussion.

    Answered by the legal-review app (issue 6), like :func:`review_status`; until then ``False``.
    """
    return False


__all__ = ["NOT_SUBMITTED", "PASSED", "PENDING", "RETURNED", "REVIEW_STATES", "STATUS_LABELS", "hearing_held",
           "review_disputed", "review_facts", "review_reasons", "review_required", "review_status"]
