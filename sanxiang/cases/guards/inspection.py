"""Conditions of the inspection flow (行政检查的流转条件): random or targeted inspection; violation found or not."""

from __future__ import annotations

from . import guard


def _task(ctx) -> dict:
    record = ctx.last("task")
    return (record.data if record is not None else {}) or {}


def _result(ctx) -> str:
    record = ctx.last("result")
    return ((record.data if record is not None else {}) or {}).get("result", "")


@guard("random_inspection")
def random_inspection(ctx):
    if not _task(ctx).get("draw_id"):
        return "本检查任务没有关联双随机抽取，不属于双随机抽查"
    return None


@guard("targeted_inspection")
def targeted_inspection(ctx):
    if _task(ctx).get("draw_id"):
        return "本检查任务来自双随机抽取，须先记录随机抽取的检查对象和检查人员"
    return None


@guard("violation_found")
def violation_found(ctx):
    if _result(ctx) != "violation":
        return "检查结果不是“发现涉嫌违法行为”，不能转入行政处罚程序"
    return None


@guard("no_violation")
def no_violation(ctx):
    if _result(ctx) not in ("no_problem", "corrected"):
        return "检查发现涉嫌违法行为的，须先转入行政处罚程序再公示"
    return None
