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
    with django_assert_max_num_queries(3):  # head, leaves, nodes: never a query per node
        proof = proofs.inclusion_proof(123)
    assert proof["tree_size"] == 300
    assert proof["hashes"] == merkle.inclusion_proof(leaves, 123)
    with django_assert_max_num_queries(3):
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
