"""LAW-01: at least two officers, each with a valid enforcement certificate for the agency's field and
region on the day of the act (《行政处罚法》第四十二条, 《行政强制法》第十八条)."""

from __future__ import annotations

import datetime

from sanxiang.core.errors import RuleViolation
from sanxiang.org.models import CertificateStatus, Person

MINIMUM_OFFICERS = 2
STATUS_WORDS = {
    CertificateStatus.EXPIRED: "已过期或尚未生效",
    CertificateStatus.SUSPENDED: "已被暂扣",
    CertificateStatus.REVOKED: "已被吊销",
}


def certificate_problem(person: Person, agency, day: datetime.date) -> str:
    """Why ``person`` may not act for ``agency`` on ``day`` (empty when they may)."""
    if not person.is_active:
        return f"{person.name}不在岗"
    if person.agency_id != agency.pk:
        return f"{person.name}不是本执法主体的人员"
    certificates = list(person.certificates.select_related("region"))
    if not certificates:
        return f"{person.name}没有行政执法证"
    reasons = []
    for certificate in certificates:
        status = certificate.status_on(day)
        if status != CertificateStatus.VALID:
            reasons.append(f"证件{certificate.number}{STATUS_WORDS.get(status, '无效')}")
            continue
        if agency.system not in certificate.categories:
            reasons.append(f"证件{certificate.number}的执法类别不含本机关的执法领域")
            continue
        if not agency.region.path.startswith(certificate.region.path):
            reasons.append(f"证件{certificate.number}的执法区域不含本机关所在区划")
            continue
        return ""
    return f"{person.name}在{day:%Y年%m月%d日}没有有效的行政执法证（" + "；".join(reasons) + "）"


def check_officers(people, agency, day: datetime.date, *, minimum: int = MINIMUM_OFFICERS) -> None:
    """Raise ``RuleViolation("LAW-01", …)`` unless ``people`` are at least ``minimum`` officers who may act on ``day``."""
    people = list(people)
    if len(people) < minimum:
        raise RuleViolation("LAW-01", f"执法人员不得少于{minimum}人（本次为{len(people)}人）")
    problems = [p for p in (certificate_problem(person, agency, day) for person in people) if p]
    if problems:
        raise RuleViolation("LAW-01", "；".join(problems))
