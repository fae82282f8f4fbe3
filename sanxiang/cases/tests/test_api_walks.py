"""Whole cases through the API only (issue 5: "through the API, for each kind"): register, then each step
with the version the previous answer gave, the way a mobile client works."""

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from sanxiang.cases.testing import org_party

BASE = "/api/v1/cases/"
CHECKLIST = "证照是否齐全\n是否销售过期食品\n从业人员健康证明"


class Walker:
    def __init__(self, cast):
        self.cast = cast
        self.clients = {}

    def client(self, user):
        if user.pk not in self.clients:
            client = APIClient()
            client.force_login(user)
            self.clients[user.pk] = client
        return self.clients[user.pk]

    def register(self, user, body):
        response = self.client(user).post(BASE, data=json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content.decode()
        self.case = response.json()
        return self.case

    def upload(self, user, title, content: bytes, name: str, step_ref: str) -> int:
        """A file into the case through the record store's API (multipart), as a mobile client does."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = self.client(user).post("/api/v1/records/evidence/", {
            "file": SimpleUploadedFile(name, content), "title": title, "case_ref": self.case["number"],
            "step_ref": step_ref})
        assert response.status_code == 201, response.content.decode()
        return int(response["X-Evidence-Id"])

    def step(self, user, target, data=None):
        client = self.client(user)
        case_id = self.case["id"]
        version = client.get(f"{BASE}{case_id}/").json()["version"]
        options = {o["target"] for o in client.get(f"{BASE}{case_id}/").json()["next_actions"]}
        assert target in options, (target, options)
        response = client.post(f"{BASE}{case_id}/steps/", data=json.dumps(
            {"target": target, "version": version, "data": data or {}}), content_type="application/json")
        assert response.status_code == 201, (target, response.content.decode())
        self.case = client.get(f"{BASE}{case_id}/").json()
        assert self.case["current_step"] == target
        return self.case


def registration(cast, flow, title, step):
    return {"flow": flow, "department": cast.department_a1.pk, "title": title, "parties": [org_party()],
            "officers": [cast.officer_a.person.pk, cast.officer_a2.person.pk], "step": step}


@pytest.mark.req("SYS-06")
def test_a_licence_through_the_api(cast):
    walk = Walker(cast)
    walk.register(cast.officer_a, registration(cast, "license", "食品经营许可申请",
                                               {"item_name": "食品经营许可", "materials": "申请书\n营业执照复印件"}))
    material = walk.upload(cast.officer_a, "申请书", b"%PDF-1.4\n%application\n", "apply.pdf", "apply")
    walk.step(cast.officer_a, "accept", {"within_scope": True, "materials_complete": True, "evidence": [material]})
    walk.step(cast.officer_a, "examine", {"opinion": "材料真实，符合条件", "conclusion": "met", "onsite": False,
                                          "others_interest": False, "hearing_by_law": False})
    walk.step(cast.leader, "grant", {"content": "准予食品经营许可", "basis": "《食品安全法》第三十五条"})
    walk.step(cast.officer_a, "deliver", {"method": "direct", "certificate_number": "JY13504210000009",
                                          "valid_until": "2031-12-31"})
    case = walk.step(cast.officer_a, "publish", {"channel": "portal"})
    assert case["status"] == "closed"


@pytest.mark.req("SYS-01")
def test_an_inspection_through_the_api(cast):
    walk = Walker(cast)
    walk.register(cast.officer_a, registration(cast, "inspection", "投诉举报核查", {
        "inspection_item": "SJ-001 食品经营者检查", "basis": "《食品安全法》第一百一十条", "checklist": CHECKLIST,
        "reason": "投诉举报"}))
    walk.step(cast.officer_a, "inspect", {"results": "符合\n符合\n不涉及", "findings": "未发现问题。", "place": "城关镇1号"})
    walk.step(cast.officer_a, "result", {"result": "no_problem", "result_text": "未发现问题"})
    case = walk.step(cast.officer_a, "publish", {"channel": "portal"})
    assert case["status"] == "closed"


@pytest.mark.req("SYS-01")
@pytest.mark.parametrize("flow", ["levy", "requisition", "confirmation", "adjudication", "payment", "reward", "other"])
def test_the_simple_decision_flows_through_the_api(cast, flow):
    walk = Walker(cast)
    walk.register(cast.officer_a, registration(cast, flow, "依申请作出决定", {}))
    sample = {"text": "决定内容", "textarea": "决定内容", "decimal": "100", "date": timezone.localdate().isoformat(),
              "bool": True}

    def fill(step):  # every field the step's form definition (GET …/steps/<target>/form/) offers
        form = walk.client(cast.leader).get(f"{BASE}{walk.case['id']}/steps/{step}/form/").json()["fields"]
        return {f["name"]: (f["choices"][0]["value"] if f.get("choices") else sample[f["kind"]])
                for f in form if (f["kind"] in sample or f.get("choices")) and f["name"] not in ("occurred_at", "note")}

    decide = fill("decide")
    walk.step(cast.leader, "decide", decide)
    deliver = fill("deliver")
    case = walk.step(cast.officer_a, "deliver", deliver)
    assert case["status"] == "closed"


@pytest.mark.req("LAW-04")
@pytest.mark.req("REC-08")
def test_a_general_procedure_penalty_from_registration_to_archive_through_the_api(cast):
    import datetime

    from sanxiang.cases.testing import penalty_data, penalty_moment

    start = timezone.localdate() - datetime.timedelta(days=40)

    def on(days, hour=10):
        return penalty_moment(start + datetime.timedelta(days=days), hour)

    walk = Walker(cast)
    walk.register(cast.officer_a, {**registration(cast, "penalty", "销售超过保质期的食品", {
        "source_description": "投诉举报", "discovered_on": start.isoformat(), "occurred_at": on(0, 9)}),
        "act_date": (start - datetime.timedelta(days=3)).isoformat()})
    walk.step(cast.leader, "file", {**penalty_data(cast, "file"), "occurred_at": on(0, 11)})
    walk.step(cast.officer_a, "investigate", {**penalty_data(cast, "investigate"), "occurred_at": on(1)})
    walk.step(cast.officer_a, "conclude", {**penalty_data(cast, "conclude", penalty_kinds=["fine"], fine_amount="3000"),
                                           "occurred_at": on(2)})
    walk.step(cast.officer_a, "prior_notice", {**penalty_data(cast, "prior_notice", proposed_penalty="罚款3000元"),
                                               "occurred_at": on(3)})
    walk.step(cast.officer_a, "statement", {"waived": True, "waiver": "本人放弃陈述、申辩", "occurred_at": on(3, 15)})
    walk.step(cast.leader, "decide", {"decision": "penalty", "opinion": "同意给予处罚", "occurred_at": on(4)})
    case = walk.step(cast.leader, "penalty_decision", {
        "penalty_kinds": ["fine"], "fine_amount": "3000", "facts": "销售超过保质期的食品",
        "evidence_reasoning": "现场检查笔录、照片相互印证", "basis_reasoning": "违反《食品安全法》第三十四条第（十）项",
        "discretion_reasoning": "初次违法，按一般情节裁量", "legal_basis": "《食品安全法》第一百二十四条第一款",
        "payment_manner": "到指定银行缴纳", "sealed": True, "occurred_at": on(5)})
    assert [d["code"] for d in case["documents"]] == ["CFJDS"]
    walk.step(cast.officer_a, "deliver", {"method": "direct", "receiver_name": "林法人", "signed_at": on(5, 15),
                                          "occurred_at": on(5, 15)})
    walk.step(cast.officer_a, "execute", {"paid_amount": "3000", "paid_on": (start + datetime.timedelta(days=10)).isoformat(),
                                          "receipt_no": "NO-7", "occurred_at": on(10)})
    walk.step(cast.leader, "close", {"summary": "罚款已缴清", "occurred_at": on(11)})
    case = walk.step(cast.officer_a2, "archive", {"pages": 30, "occurred_at": on(12)})
    assert case["status"] == "archived"
    timeline = walk.client(cast.officer_a).get(f"{BASE}{case['id']}/timeline/").json()
    assert [r["step"] for r in timeline if r["action"] in ("register", "transition")] == [
        "register", "file", "investigate", "conclude", "prior_notice", "statement", "decide", "penalty_decision",
        "deliver", "execute", "close", "archive"]


@pytest.mark.req("LAW-09")
@pytest.mark.req("REC-03")
def test_a_seizure_with_its_body_camera_video_through_the_api(cast):
    import datetime
    import random

    from django.core.files.uploadedfile import SimpleUploadedFile

    base = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) - datetime.timedelta(days=20)

    def at(minutes=0, days=0):
        return (base + datetime.timedelta(days=days, minutes=minutes)).isoformat()

    walk = Walker(cast)
    walk.register(cast.officer_a, registration(cast, "coercion_measure", "扣押过期食品", {
        "measure_kind": "seize", "items": "过期预包装食品一批", "legal_basis": "《食品安全法》第一百一十条第（四）项",
        "reasons": "涉嫌经营超过保质期的食品", "emergency": False, "occurred_at": at(0)}))
    walk.step(cast.leader, "approve", {"opinion": "approved", "occurred_at": at(30)})
    mp4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + random.Random(3).randbytes(3000)
    response = walk.client(cast.officer_a).post("/api/v1/records/evidence/", {   # the collection station's upload
        "file": SimpleUploadedFile("seizure.mp4", mp4), "title": "查封扣押执法记录仪视频", "kind": "video",
        "case_ref": walk.case["number"], "step_ref": "present", "activity": "seizure",
        "officers": f"{cast.officer_a.person.pk},{cast.officer_a2.person.pk}",
        "captured_from": at(55), "captured_to": at(100)})
    assert response.status_code == 201, response.content.decode()
    video = int(response["X-Evidence-Id"])
    onsite = [
        ("present", 60, {"place": "城关镇某某超市仓库", "credentials_shown": True}),
        ("notify_party", 65, {"party_present": True, "notice_method": "电话通知"}),
        ("inform", 70, {"content": "告知扣押的理由和依据", "rights_informed": True}),
        ("hear", 75, {"statement": "当事人称食品尚未销售"}),
        ("record", 80, {"content": "现场扣押过期食品", "party_signature": "signed", "officers_signed": True}),
        ("inventory", 85, {"rows": "某品牌饼干｜20箱｜外包装完好", "copies": 2, "copy_to_party": True}),
        ("decision", 90, {"days": 30, "custodian": "县市场监管局", "place": "县局涉案物品仓库", "delivery": "party"}),
    ]
    for target, minutes, data in onsite:
        walk.step(cast.officer_a, target, {**data, "occurred_at": at(minutes), "evidence": [video]})
    walk.step(cast.officer_a, "custody", {"occurred_at": at(120)})
    case = walk.step(cast.leader, "release", {"ground": "no_violation", "return_note": "当场退还全部食品",
                                              "occurred_at": at(days=10)})
    assert case["status"] == "closed"
