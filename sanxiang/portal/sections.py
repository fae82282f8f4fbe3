"""The public site's sections (栏目): which list kinds the portal shows, under which path and name.

Paths are pinyin like the rest of the public site (/gongshi/...). The portal shows every kind but
the document templates (文书样本), whose public pages belong to the flows-and-documents part.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.models import ListKind


@dataclass(frozen=True)
class Section:
    """A kind of list as the public site shows it (公示栏目)."""

    kind: str
    slug: str
    label: str
    short: str
    one_per_agency: bool = False  # review catalog (FZSH) and AV list (YXJL): one entry per agency


SECTIONS = [
    Section(ListKind.ITEM, "shixiang", _("行政执法事项清单"), _("事项清单")),
    Section(ListKind.INSPECTION_ITEM, "choucha-shixiang", _("随机抽查事项清单"), _("随机抽查")),
    Section(ListKind.INSPECTION_PLAN, "choucha-jihua", _("年度抽查计划"), _("抽查计划")),
    Section(ListKind.GUIDE, "fuwuzhinan", _("服务指南"), _("服务指南")),
    Section(ListKind.REVIEW_CATALOG, "fazhishenhe", _("重大执法决定法制审核目录清单"), _("法制审核目录"), True),
    Section(ListKind.AV_LIST, "yinxiang", _("音像记录事项清单"), _("音像记录清单"), True),
]

BY_SLUG = {s.slug: s for s in SECTIONS}
BY_KIND = {s.kind: s for s in SECTIONS}
SLUG_PATTERN = "|".join(s.slug for s in SECTIONS)
