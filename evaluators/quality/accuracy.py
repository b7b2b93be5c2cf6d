"""Accuracy per app × model × task: the share correct and the mean score, with intervals.

Where a task has calls graded by a human and by the LLM judge, also the share correct
from the judge's grades corrected by the humans' (prediction-powered, PPI++), stored as
`correct_ratio_corrected` with `details.method = "prediction_powered"`.
"""

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Table, case, func, select

from evaluators.quality.estimates import Estimate, mean_from_sums, share
from evaluators.results import replace_results, result_row
from evaluators.stats.prediction_powered import corrected_share
from evaluators.windows import Window
from metrics.store.tables import AccuracySample, Grader

EVALUATOR = "accuracy"
SCORE_RANGE = (0.0, 1.0)
CORRECTED = "correct_ratio_corrected"
# The normal interval of the correction rests on the human grades: fewer pairs than this
# and it is not worth stating (the plain share correct still is).
MIN_PAIRS = 20
_samples: Table = AccuracySample.__table__  # type: ignore[attr-defined]


def evaluate_accuracy(connection: Connection, window: Window, *, target: float) -> int:
    """Store `correct_ratio` and `score_mean` for every task graded in `window`.

    `detected` means below target: the upper bound of the 95% interval is under
    `target`. At the default target of 0.9, four right answers out of five page nobody
    (Wilson upper bound 0.964) and three out of five do (0.882), as do 430 out of 500.
    """
    score = _samples.c.score
    query = (
        select(
            _samples.c.app, _samples.c.model, _samples.c.task,
            func.count(_samples.c.correct),
            func.coalesce(func.sum(case((_samples.c.correct, 1), else_=0)), 0),
            func.count(score),
            func.coalesce(func.sum(score), 0.0),
            func.coalesce(func.sum(score * score), 0.0),
        )
        .where(_samples.c.timestamp >= window.start, _samples.c.timestamp < window.end)
        .group_by(_samples.c.app, _samples.c.model, _samples.c.task)
    )
    rows = []
    for app, model, task, graded, correct, scored, total, squares in connection.execute(query):
        subject = {"app": app, "model": model, "subject": task}
        if graded:
            rows.append(_row(window, subject, "correct_ratio", share(correct, graded), target))
        if scored:
            estimate = mean_from_sums(scored, total, squares, SCORE_RANGE)
            rows.append(_row(window, subject, "score_mean", estimate, target))
    rows.extend(_corrected_rows(connection, window, target))
    return replace_results(connection, EVALUATOR, window, rows)


Task = tuple[str, str, str]


def judge_and_human_grades(
    connection: Connection, window: Window
) -> dict[Task, dict[str, dict[str, float]]]:
    """Per task, grader (`human` or `judge`) and call: its latest `correct` grade, 0 or 1."""
    c = _samples.c
    query = (
        select(c.app, c.model, c.task, c.grader, c.inference_id, c.correct)
        .where(c.timestamp >= window.start, c.timestamp < window.end,
               c.correct.is_not(None), c.inference_id.is_not(None),
               c.grader.in_([Grader.human.value, Grader.judge.value]))
        .order_by(c.timestamp, c.id)
    )
    grades: dict[Task, dict[str, dict[str, float]]] = defaultdict(
        lambda: {Grader.human.value: {}, Grader.judge.value: {}}
    )
    for app, model, task, grader, call, correct in connection.execute(query):
        grades[(app, model, task)][str(grader)][call] = float(correct)
    return grades


def _corrected_rows(connection: Connection, window: Window, target: float) -> list[dict]:
    """The prediction-powered share correct of each task with enough paired grades."""
    rows = []
    for (app, model, task), by_grader in sorted(judge_and_human_grades(connection, window).items()):
        human, judge = by_grader[Grader.human.value], by_grader[Grader.judge.value]
        paired = sorted(human.keys() & judge.keys())
        judge_only = [grade for call, grade in judge.items() if call not in human]
        if len(paired) < MIN_PAIRS or not judge_only:
            continue
        share = corrected_share([human[call] for call in paired],
                                [judge[call] for call in paired], judge_only)
        estimate = Estimate(share.value, share.lower, share.upper, len(paired) + len(judge_only))
        row = _row(window, {"app": app, "model": model, "subject": task}, CORRECTED, estimate,
                   target)
        row["details"] = {
            "method": "prediction_powered", "n_human": len(paired),
            "n_judge": len(paired) + len(judge_only), "lambda": share.lam,
            "interval": [share.lower, share.upper],
            "human_only": sum(human[call] for call in paired) / len(paired),
            "judge_only": sum(judge.values()) / len(judge),
        }
        rows.append(row)
    return rows


def _row(
    window: Window, subject: dict[str, str], statistic: str, estimate: Estimate, target: float
) -> dict[str, Any]:
    return result_row(
        EVALUATOR, window, **subject, statistic=statistic, value=estimate.value,
        lower=estimate.lower, upper=estimate.upper, threshold=target,
        detected=estimate.below(target), sample_count=estimate.count,
    )
