"""Evaluate a numeric item's formula safely: arithmetic over named parameters only."""

from __future__ import annotations

import ast
import math
import operator

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_FUNCTIONS = {"round": round, "min": min, "max": max, "abs": abs}


class FormulaError(ValueError):
    """The formula is not allowed or cannot be evaluated."""


def parse(formula: str, names: set[str]) -> ast.Expression:
    """Parse a formula and check it uses only arithmetic, allowed functions and names."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"not a valid formula: {exc.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in names and node.id not in _FUNCTIONS:
                raise FormulaError(f"unknown name {node.id!r}")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
                raise FormulaError("only round, min, max and abs may be called")
            if node.keywords:
                raise FormulaError("functions take no keyword arguments")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                raise FormulaError("only numbers may appear as constants")
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
                    return round(values[0], int(values[1]) if len(values) > 1 else 0)
                return _FUNCTIONS[name](*values)
        raise FormulaError(f"cannot evaluate {type(node).__name__}")

    try:
        result = float(walk(tree))
    except (ZeroDivisionError, OverflowError, TypeError, IndexError) as exc:
        raise FormulaError(str(exc)) from None
    if not math.isfinite(result):
        raise FormulaError("the result is not a finite number")
    return result
