"""The case pages speak English when the user picks English with the language switch, Chinese otherwise."""

from django.test import Client
from django.urls import reverse

from sanxiang.cases.testing import register


def client_for(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:  # the way _language.html switches: a POST to set_language (kept in the language cookie)
        client.post(reverse("set_language"), {"language": language, "next": reverse("cases:list")})
    return client


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_and_register_pages_are_chinese_by_default(cast):
    client = client_for(cast.officer_a)
    listing = page(client, reverse("cases:list"))
    assert 'lang="zh-hans"' in listing
    for text in ("<h1>执法案件</h1>", "<th>案件编号</th>", "登记案件", "没有符合条件的案件"):
        assert text in listing
    assert "Enforcement cases" not in listing
    choose = page(client, reverse("cases:register"))
    assert "<h1>登记案件</h1>" in choose and "第一步：选择执法程序" in choose
    form = page(client, reverse("cases:register"), flow="penalty")
    assert "<h2>案件信息</h2>" in form and "增加当事人" in form and "案由" in form


def test_the_list_register_and_case_pages_are_english_when_chosen(cast):
    case = register(cast, title="销售过期食品")
    client = client_for(cast.officer_a, "en")
    listing = page(client, reverse("cases:list"))
    assert 'lang="en"' in listing
    for text in ("<h1>Enforcement cases</h1>", "<th>Case number</th>", "<th>Next deadline</th>", "Register a case",
                 "1 case"):
        assert text in listing
    assert "执法案件" not in listing and "案件编号" not in listing
    choose = page(client, reverse("cases:register"))
    assert "<h1>Register a case</h1>" in choose and "Step 1: choose the enforcement procedure" in choose
    form = page(client, reverse("cases:register"), flow="penalty")
    for text in ("<h2>Case details</h2>", "<h2>Case officers</h2>", "Add a party", "Cause of action", "Lead officer"):
        assert text in form
    detail = page(client, reverse("cases:detail", args=[case.pk]))
    for text in ("<h2>Case details</h2>", "<h2>Deadlines</h2>", "<h2>Case record</h2>", "Current step: "):
        assert text in detail
    assert "销售过期食品" in detail  # the case's own data stays as entered
