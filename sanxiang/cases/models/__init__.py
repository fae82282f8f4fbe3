from .case import AgencyCaseRules, Case, CaseOfficer, CaseStatus, NumberCounter, NumberingRule, Party
from .documents import IssuedDocument, TemplateVersion
from .steps import StepRecord

__all__ = [
    "AgencyCaseRules", "Case", "CaseOfficer", "CaseStatus", "IssuedDocument", "NumberCounter", "NumberingRule",
    "Party", "StepRecord", "TemplateVersion",
]
