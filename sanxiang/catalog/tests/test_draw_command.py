"""``sanxiang draw replay`` (PUB-05): a stored draw, or a downloaded inputs file, computed again."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sanxiang.catalog import draw as algorithm
from sanxiang.catalog import inspections
from sanxiang.catalog.models import Draw
from sanxiang.catalog.tests.test_draw_services import world  # noqa: F401 — the shared fixture

pytestmark = pytest.mark.req("PUB-05")

SANXIANG = Path(sys.executable).with_name("sanxiang")


def replay(*args):
    out = StringIO()
    call_command("draw", "replay", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def drawn(world):  # noqa: F811
    return inspections.perform(world.head, inspections.announce(world.head, item_version=world.item, title="一季度抽查"))


def test_replay_of_a_stored_draw_says_it_agrees_with_the_digests(drawn):
    out = replay(str(drawn.pk))
    assert "一致" in out and drawn.inputs_digest in out and drawn.result_digest in out and drawn.seed in out


def test_replay_names_the_difference_and_exits_1(drawn):
    changed = {**drawn.result, "assignments": drawn.result["assignments"][:1]}
    Draw.objects.filter(pk=drawn.pk).update(result=changed)
    with pytest.raises(CommandError) as failed:
        replay(str(drawn.pk))
    assert failed.value.returncode == 1
    message = str(failed.value)
    assert message.startswith("不一致：") and "结果在抽取后被改动过" in message and "第2户：保存的为 （无）" in message


def test_replay_of_an_announced_draw_exits_1_there_is_nothing_to_compare(world):  # noqa: F811
    announced = inspections.announce(world.head, item_version=world.item, title="抽查")
    with pytest.raises(CommandError, match="尚未进行") as failed:
        replay(str(announced.pk))
    assert failed.value.returncode == 1


@pytest.mark.parametrize("draw_id", ["999999", "abc"])
def test_an_unknown_draw_exits_2(db, draw_id):
    with pytest.raises(CommandError, match="没有编号为") as failed:
        replay(draw_id)
    assert failed.value.returncode == 2


def test_replay_from_the_published_file_prints_the_result(drawn, tmp_path):
    path = tmp_path / "inputs.json"
    path.write_bytes(inspections.inputs_file(drawn))
    out = replay("--file", str(path), "--result-digest", drawn.result_digest)
    assert drawn.inputs_digest in out and drawn.result_digest in out and "一致" in out
    for row in drawn.result["assignments"]:
        assert row["subject"]["uscc"] in out
    as_json = replay("--file", str(path), "--json")
    assert as_json.strip().encode("utf-8") == algorithm.canonical(drawn.result)


def _script(*args):
    """The console script itself, as a citizen would run it (no database is needed for --file)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sanxiang.settings"}
    return subprocess.run([str(SANXIANG), "draw", "replay", *args], capture_output=True, text=True, env=env, timeout=120)


def test_the_console_script_exit_codes_for_a_file(drawn, tmp_path):
    path = tmp_path / "draw-inputs.json"
    path.write_bytes(inspections.inputs_file(drawn))
    ok = _script("--file", str(path), "--result-digest", drawn.result_digest)
    assert ok.returncode == 0, ok.stderr
    assert drawn.result_digest in ok.stdout
    differs = _script("--file", str(path), "--result-digest", "0" * 64)
    assert differs.returncode == 1 and "不一致" in differs.stderr
    missing = _script("--file", str(tmp_path / "none.json"))
    assert missing.returncode == 2 and "无法读取" in missing.stderr
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    bad = _script("--file", str(tmp_path / "bad.json"))
    assert bad.returncode == 2 and "不是有效的 UTF-8 JSON" in bad.stderr


def test_a_file_that_cannot_be_drawn_exits_1(tmp_path, db):
    inputs = algorithm.make_inputs(seed="s", ratio_percent="50", inspectors_per_object=2,
                                   subjects=[{"id": 1, "uscc": "A1", "name": "甲"}],
                                   inspectors=[{"person_id": 1, "name": "张", "certificate": "C1"}], conflicts=[])
    path = tmp_path / "inputs.json"
    path.write_bytes(algorithm.canonical(inputs))
    with pytest.raises(CommandError, match="抽取失败：具备执法资格的检查人员只有1名") as failed:
        replay("--file", str(path))
    assert failed.value.returncode == 1


def test_an_id_and_a_file_together_are_refused(db, tmp_path):
    with pytest.raises(CommandError) as failed:
        replay("1", "--file", str(tmp_path / "x.json"))
    assert failed.value.returncode == 2
