"""The default AV recording item list (音像记录事项清单, REC-03), with its basis in the policy documents.

Frozen here as data; agencies add their own entries, which win over these defaults.
"""

from django.db import migrations

BASIS_FULL = (
    "对查封扣押财产、强制拆除等直接涉及人身自由、生命健康、重大财产权益的现场执法活动和执法办案场所，"
    "推行全程音像记录。（国办发〔2018〕118号；晋政办发〔2019〕22号；明政办〔2019〕44号）"
)
BASIS_AS_NEEDED = (
    "对现场执法、调查取证、举行听证、留置送达和公告送达等容易引发争议的行政执法过程，要根据实际情况进行音像记录；"
    "对现场检查、随机抽查、调查取证、证据保全、听证、行政强制、送达等容易引发争议的行政执法过程，要进行音像记录。"
    "（国办发〔2018〕118号；陵市监发〔2019〕57号；开司发〔2020〕2号）"
)

FULL, AS_NEEDED = "full", "as_needed"
DEFAULT_RULES = [
    ("seizure", "查封扣押财产", FULL, BASIS_FULL),
    ("forced_demolition", "强制拆除", FULL, BASIS_FULL),
    ("detention", "留置（限制人身自由的现场执法活动）", FULL, BASIS_FULL),
    ("premises_inquiry", "执法办案场所询问（询问室询问）", FULL, BASIS_FULL),
    ("onsite_inspection", "现场执法/现场检查", AS_NEEDED, BASIS_AS_NEEDED),
    ("random_inspection", "随机抽查", AS_NEEDED, BASIS_AS_NEEDED),
    ("investigation", "调查取证", AS_NEEDED, BASIS_AS_NEEDED),
    ("evidence_preservation", "证据保全", AS_NEEDED, BASIS_AS_NEEDED),
    ("hearing", "听证", AS_NEEDED, BASIS_AS_NEEDED),
    ("coercive_measure", "行政强制", AS_NEEDED, BASIS_AS_NEEDED),
    ("service_by_leaving", "留置送达", AS_NEEDED, BASIS_AS_NEEDED),
    ("service_by_notice", "公告送达", AS_NEEDED, BASIS_AS_NEEDED),
]


def load(apps, schema_editor):
    AVRule = apps.get_model("records", "AVRule")
    for activity, name, requirement, basis in DEFAULT_RULES:
        AVRule.objects.update_or_create(
            activity=activity, agency=None, defaults={"name": name, "requirement": requirement, "basis": basis}
        )


def unload(apps, schema_editor):
    apps.get_model("records", "AVRule").objects.filter(
        agency__isnull=True, activity__in=[rule[0] for rule in DEFAULT_RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0002_append_only_and_log_head")]

    operations = [migrations.RunPython(load, unload)]
