"""Evaluate a numeric item's formula safely: arithmetic over named parameters only."""

from __future__ import annotations

import ast
import math
import operator
from functools import lru_cache

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_FUNCTIONS = {"round": round, "min": min, "max": max, "abs": abs}
# Bounds that keep every formula cheap: round(1, -10**7) alone would hold a worker for
# seconds (Python builds 10**(10**7) to round an int), and a formula is evaluated on every
# scoring. There is no power operator.
MAX_CONSTANT = 1e9
MAX_ROUND_DIGITS = 9
MAX_NODES = 200
MAX_ARGUMENTS = 10


class FormulaError(ValueError):
    """The formula is not allowed or cannot be evaluated."""


def parse(formula: str, names: set[str]) -> ast.Expression:
    """Parse a formula and check it uses only arithmetic, allowed functions and names."""
    return _parse(formula, frozenset(names))


@lru_cache(maxsize=1024)
def _parse(formula: str, names: frozenset[str]) -> ast.Expression:
    # cached: a bank's validation evaluates each formula for hundreds of drawn parameter
    # sets, and scoring evaluates it for every attempt
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"not a valid formula: {exc.msg}") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise FormulaError(f"the formula is too long (at most {MAX_NODES} parts)")
    for node in nodes:
        if isinstance(node, ast.Name):
            if node.id not in names and node.id not in _FUNCTIONS:
                raise FormulaError(f"unknown name {node.id!r}")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
                raise FormulaError("only round, min, max and abs may be called")
            if node.keywords:
                raise FormulaError("functions take no keyword arguments")
            if node.func.id == "round" and len(node.args) == 2:
                _check_fixed_digits(node.args[1])
            if not 1 <= len(node.args) <= (2 if node.func.id == "round" else MAX_ARGUMENTS):
                raise FormulaError(f"{node.func.id} takes 1 to "
                                   f"{2 if node.func.id == 'round' else MAX_ARGUMENTS} "
                                   "arguments")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                raise FormulaError("only numbers may appear as constants")
            if abs(node.value) > MAX_CONSTANT:
                raise FormulaError(f"constants must lie within ±{MAX_CONSTANT:,.0f}")
        elif not isinstance(
            node,
            ast.Expression | ast.BinOp | ast.UnaryOp | ast.Load | ast.operator | ast.unaryop,
        ):
            raise FormulaError(f"{type(node).__name__} is not allowed in a formula")
        if isinstance(node, ast.BinOp) and type(node.op) not in _BINARY:
            raise FormulaError("only + - * / are allowed")
        if isinstance(node, ast.UnaryOp) and type(node.op) not in _UNARY:
            raise FormulaError("only unary + and - are allowed")
    return tree


def _check_fixed_digits(node: ast.expr) -> None:
    """Check round's digits once, here, when they are written as a number (-2, 300000)."""
    try:
        digits = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return  # computed from parameters: checked when evaluated
    if isinstance(digits, int | float) and not isinstance(digits, bool):
        _round([0.0, digits])


def _round(values: list[float]) -> float:
    digits = values[1] if len(values) > 1 else 0
    if digits != int(digits) or abs(digits) > MAX_ROUND_DIGITS:
        raise FormulaError(f"round takes a whole number of digits from -{MAX_ROUND_DIGITS} "
                           f"to {MAX_ROUND_DIGITS}")
    return round(float(values[0]), int(digits))


def evaluate(formula: str, params: dict[str, float]) -> float:
    """Evaluate the formula with the given parameter values."""
    tree = parse(formula, set(params))

    def walk(node: ast.AST) -> float:
        match node:
            case ast.Expression(body=body):
                return walk(body)
            case ast.Constant(value=value):
                return value
            case ast.Name(id=name):
                return params[name]
            case ast.BinOp(left=left, op=op, right=right):
                return _BINARY[type(op)](walk(left), walk(right))
            case ast.UnaryOp(op=op, operand=operand):
                return _UNARY[type(op)](walk(operand))
            case ast.Call(func=ast.Name(id=name), args=args):
                values = [walk(arg) for arg in args]
                if name == "round":
                    return _round(values)
                return _FUNCTIONS[name](*values)
        raise FormulaError(f"cannot evaluate {type(node).__name__}")

    try:
        result = float(walk(tree))
    except (ZeroDivisionError, OverflowError, TypeError, IndexError, ValueError) as exc:
        raise FormulaError(str(exc)) from None
    if not math.isfinite(result):
        raise FormulaError("the result is not a finite number")
    return result
