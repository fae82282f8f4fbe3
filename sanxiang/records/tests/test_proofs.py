"""Proofs from the database agree with the in-memory RFC 9162 reference and verify (REC-02)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from sanxiang.records import log, merkle, proofs
from sanxiang.records.models import LogEntry, LogHead

pytestmark = pytest.mark.django_db


def _append(n):
    with transaction.atomic():
        for i in range(n):
            log.append("other", {"i": i})
    return [bytes(h) for h in LogEntry.objects.order_by("seq").values_list("leaf_hash", flat=True)]


@pytest.mark.req("REC-02")
def test_it_matches_the_reference_for_every_index_and_size():
    leaves = _append(37)
    for size in range(1, 38):
        assert proofs.root_at(size) == merkle.root(leaves[:size])
        for index in range(size):
            proof = proofs.inclusion_proof(index, size)
            assert proof["leaf_index"] == index and proof["tree_size"] == size
            assert proof["leaf_hash"] == leaves[index]
            assert proof["root"] == merkle.root(leaves[:size])
            assert proof["hashes"] == merkle.inclusion_proof(leaves[:size], index)
            merkle.verify_inclusion(proof["leaf_hash"], index, size, proof["hashes"], proof["root"])
    assert proofs.root_at(0) == merkle.EMPTY_ROOT
    assert proofs.root_at(37) == bytes(LogHead.objects.get(pk=1).root)


@pytest.mark.req("REC-02")
def test_it_gives_consistency_proofs_that_verify():
    leaves = _append(37)
    for size2 in range(1, 38):
        for size1 in range(1, size2 + 1):
            proof = proofs.consistency_proof(size1, size2)
            assert proof["hashes"] == merkle.consistency_proof(leaves[:size2], size1)
            assert proof["root1"] == merkle.root(leaves[:size1])
            assert proof["root2"] == merkle.root(leaves[:size2])
            merkle.verify_consistency(size1, size2, proof["root1"], proof["root2"], proof["hashes"])


@pytest.mark.req("REC-02")
def test_it_defaults_to_the_whole_log_and_batches(django_assert_max_num_queries):
    leaves = _append(300)
    with django_assert_max_num_queries(2):  # the size, then leaves and nodes together: never a query per node
        proof = proofs.inclusion_proof(123)
    assert proof["tree_size"] == 300
    assert proof["hashes"] == merkle.inclusion_proof(leaves, 123)
    with django_assert_max_num_queries(2):
        many = proofs.inclusion_proofs(range(0, 250, 7), 250)
    assert len(many) == len(range(0, 250, 7))


@pytest.mark.req("REC-02")
def test_it_batches_only_indexes_in_the_tree():
    leaves = _append(300)
    many = proofs.inclusion_proofs(range(0, 250, 7), 250)
    assert [p["hashes"] for p in many] == [merkle.inclusion_proof(leaves[:250], i) for i in range(0, 250, 7)]
    with pytest.raises(ValidationError):
        proofs.inclusion_proofs([1, 250], 250)


@pytest.mark.req("REC-02")
@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: proofs.inclusion_proof(5, 5), "不在大小为 5 的树中"),
        (lambda: proofs.inclusion_proof(0, 6), "超过了日志当前的条目数 5"),
        (lambda: proofs.inclusion_proof(9), "不在大小为 5 的树中"),
        (lambda: proofs.inclusion_proof(-1), "不能为负数"),
        (lambda: proofs.inclusion_proof("abc"), "不是整数"),
        (lambda: proofs.consistency_proof(0, 3), "必须大于 0"),
        (lambda: proofs.consistency_proof(4, 3), "大于目标树大小"),
        (lambda: proofs.consistency_proof(2, 6), "超过了日志当前的条目数 5"),
        (lambda: proofs.root_at(6), "超过了日志当前的条目数 5"),
    ],
)
def test_it_rejects_bad_input_clearly(call, words):
    _append(5)
    with pytest.raises(ValidationError) as caught:
        call()
    assert words in caught.value.messages[0]


@pytest.mark.req("REC-02")
def test_it_says_when_a_node_is_missing():
    _append(8)
    from sanxiang.core.append_only import installed_triggers

    triggers = [t for t in installed_triggers(connection) if t.table == "records_treenode" and t.enabled]
    with connection.cursor() as cursor:
        for t in triggers:
            if connection.vendor == "postgresql":
                cursor.execute(f'ALTER TABLE records_treenode DISABLE TRIGGER "{t.name}"')
            else:
                cursor.execute(f'DROP TRIGGER "{t.name}"')
        cursor.execute("DELETE FROM records_treenode WHERE level = 3")
    with pytest.raises(proofs.MissingNode, match="树节点"):
        proofs.inclusion_proof(2)


# --------------------------------------------------------------------------- CLI and API

import base64  # noqa: E402
import json  # noqa: E402
from io import StringIO  # noqa: E402

from django.core.management import CommandError, call_command  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.req("REC-02")
def test_the_command_prints_verified_proofs():
    leaves = _append(11)
    data = json.loads(_run("proof", "inclusion", "6", "--size", "9", "--json"))
    assert data["tree_size"] == 9 and [base64.b64decode(h) for h in data["hashes"]] == merkle.inclusion_proof(
        leaves[:9], 6)
    text = _run("proof", "inclusion", "6")
    assert "条目 6 包含在大小为 11 的树中（已验证）" in text and merkle.root(leaves).hex() in text
    data = json.loads(_run("proof", "consistency", "3", "11", "--json"))
    assert [base64.b64decode(h) for h in data["hashes"]] == merkle.consistency_proof(leaves, 3)
    assert "已验证" in _run("proof", "consistency", "3", "11")


@pytest.mark.req("REC-02")
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("inclusion", "11"), "不在大小为 11 的树中"),
        (("inclusion", "1", "--size", "12"), "超过了日志当前的条目数"),
        (("inclusion", "x"), "不是整数"),
        (("consistency", "0", "5"), "必须大于 0"),
        (("consistency", "6", "5"), "大于目标树大小"),
        (("consistency", "2", "99"), "超过了日志当前的条目数"),
    ],
)
def test_the_command_rejects_bad_input(args, words):
    _append(11)
    with pytest.raises(CommandError, match=words):
        _run("proof", *args)


@pytest.mark.req("REC-02")
def test_the_api_serves_proofs_to_any_signed_in_user(cast):
    leaves = _append(9)
    client = APIClient()
    assert client.get("/api/v1/records/proofs/inclusion/?seq=1").status_code in (401, 403)
    client.force_authenticate(cast.officer_b)
    response = client.get("/api/v1/records/proofs/inclusion/?seq=5&size=7")
    assert response.status_code == 200
    data = response.json()
    proof = [base64.b64decode(h) for h in data["hashes"]]
    merkle.verify_inclusion(base64.b64decode(data["leaf_hash"]), 5, 7, proof, base64.b64decode(data["root"]))
    assert base64.b64decode(data["root"]) == merkle.root(leaves[:7])
    assert client.get("/api/v1/records/proofs/inclusion/?seq=8").json()["tree_size"] == 9
    data = client.get("/api/v1/records/proofs/consistency/?from=3&to=9").json()
    merkle.verify_consistency(3, 9, base64.b64decode(data["root1"]), base64.b64decode(data["root2"]),
                              [base64.b64decode(h) for h in data["hashes"]])


@pytest.mark.req("REC-02")
@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("inclusion/", "缺少参数 seq"),
        ("inclusion/?seq=abc", "不是非负整数"),
        ("inclusion/?seq=-1", "不是非负整数"),
        ("inclusion/?seq=%EF%BC%91", "不是非负整数"),  # a full-width digit
        ("inclusion/?seq=9", "不在大小为 9 的树中"),
        ("inclusion/?seq=1&size=10", "超过了日志当前的条目数"),
        ("inclusion/?seq=1&size=99999999999999999999999", "超过了日志当前的条目数"),
        ("consistency/?from=3", "缺少参数 to"),
        ("consistency/?from=0&to=3", "必须大于 0"),
        ("consistency/?from=5&to=3", "大于目标树大小"),
        ("consistency/?from=1&to=10", "超过了日志当前的条目数"),
    ],
)
def test_the_api_rejects_bad_parameters(cast, url, words):
    _append(9)
    client = APIClient()
    client.force_authenticate(cast.officer_a)
    response = client.get("/api/v1/records/proofs/" + url)
    assert response.status_code == 400
    assert words in response.json()["detail"]
