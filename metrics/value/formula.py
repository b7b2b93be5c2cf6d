"""Safe arithmetic over KPIs: numbers, KPI names, + - * / and parentheses, nothing else.

Formulas come from a config file a person edits, so they are parsed with `ast` and
walked node by node; `eval()` is never called. Calls, attributes, subscripts, lambdas,
comparisons and every other node are refused when the config is loaded.
"""

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_FORMULA_CHARS = 500
BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}
UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {
    ast.UAdd: operator.pos, ast.USub: operator.neg,
}


class FormulaError(ValueError):
    """A formula that is not plain arithmetic over KPI names."""


@dataclass(frozen=True)
class Formula:
    """A parsed formula and the KPI names it uses."""

    text: str
    tree: ast.expr
    names: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> "Formula":
        """Parse `text`; FormulaError says which construct is not allowed."""
        if len(text) > MAX_FORMULA_CHARS:
            raise FormulaError(f"formula longer than {MAX_FORMULA_CHARS} characters")
        try:
            tree = ast.parse(text, mode="eval").body
        except SyntaxError as exc:
            raise FormulaError(f"{text!r} is not arithmetic: {exc.msg}") from exc
        names: set[str] = set()
        for node in ast.walk(tree):
            _check(text, node, names)
        return cls(text, tree, frozenset(names))

    def evaluate(self, values: Mapping[str, float | None]) -> float | None:
        """The formula's value; None when a KPI it uses is missing or it divides by zero."""
        try:
            result = _value(self.tree, values)
        except (_Missing, ZeroDivisionError):
            return None
        return result if math.isfinite(result) else None


class _Missing(Exception):
    """A KPI the formula uses has no value."""


def _check(text: str, node: ast.AST, names: set[str]) -> None:
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        return
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
        return
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        names.add(node.id)
        return
    if isinstance(node, ast.operator | ast.unaryop | ast.expr_context):
        return  # the operator and context nodes under the nodes allowed above
    raise FormulaError(
        f"{text!r}: {type(node).__name__} is not allowed; a formula may use only numbers, "
        "KPI names, + - * / and parentheses"
    )


def _value(node: ast.expr, values: Mapping[str, float | None]) -> float:
    if isinstance(node, ast.BinOp):
        return BINARY[type(node.op)](_value(node.left, values), _value(node.right, values))
    if isinstance(node, ast.UnaryOp):
        return UNARY[type(node.op)](_value(node.operand, values))
    if isinstance(node, ast.Constant):
        return float(node.value)
    assert isinstance(node, ast.Name)  # the only node left after parse() checked the tree
    found = values.get(node.id)
    if found is None:
        raise _Missing(node.id)
    return float(found)
