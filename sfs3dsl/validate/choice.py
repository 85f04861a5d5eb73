"""Choice states: the rules (walked iteratively, however deep And/Or/Not nest) and Default.

Read for speed (see ``sfs3dsl.validate``): what a rule's field names say (wrong fields,
wrong shape, its operator) is worked out once per rule shape (_verdict), and _rules_quiet
tells right rules apart without making their paths; _jsonpath_rules reports, and runs only
when something may be wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.core.bounded import remember
from sfs3dsl.syntax.asl import COMPARISONS, JSONPATH
from sfs3dsl.validate.paths import path_error
from sfs3dsl.validate.report import State, finds_anything
from sfs3dsl.validate.values import TIMESTAMP, describe, is_jsonata

_BOOLEAN: Final = ("And", "Or", "Not")
_JSONPATH_RULE: Final = frozenset({"Comment", "Variable", *_BOOLEAN, *COMPARISONS})
_TOP_ONLY: Final = frozenset({"Next", "Assign"})
_JSONATA_RULE: Final = frozenset({"Comment", "Condition", "Next", "Assign", "Output"})


def check_choice(state: State) -> None:
    """Check Choices and Default of a Choice state."""
    choices = state.body.get("Choices")
    if "Choices" in state.body:
        if not isinstance(choices, list) or not choices:
            state.problem("empty-choices", "Choices",
                          f'"Choices" must be a non-empty array of rules, not '
                          f"{describe(choices) if choices != [] else 'an empty array'}",
                          'add a rule such as {"Variable": "$.x", "NumericEquals": 1, '
                          '"Next": "S"}')
        elif state.jsonata or not _rules_quiet(choices):
            for i, rule in enumerate(choices):
                if state.jsonata:
                    _jsonata_rule(state, f"Choices[{i}]", rule)
                else:
                    _jsonpath_rules(state, f"Choices[{i}]", rule)
    default = state.body.get("Default")
    if "Default" in state.body and not isinstance(default, str):
        state.problem("wrong-type", "Default",
                      f'field "Default" must be a state name, not {describe(default)}',
                      "name the default state as a string")
    if "Default" not in state.body:
        state.problem("choice-without-default", "",
                      'the Choice state has no "Default"; an input no rule matches fails the '
                      "execution with States.NoChoiceMatched",
                      'add "Default": "<state>"', severity="warning")


def _jsonata_rule(state: State, where: str, rule: Any) -> None:
    if type(rule) is not dict and not isinstance(rule, Mapping):
        state.problem("wrong-type", where, f"a choice rule must be an object, not "
                      f"{describe(rule)}", 'write {"Condition": "{% ... %}", "Next": "S"}')
        return
    for key in rule:
        if key not in _JSONATA_RULE:
            state.problem("wrong-query-language" if key in _JSONPATH_RULE else "unknown-field",
                          f"{where}.{key}", f'field "{key}" is not allowed in a JSONata '
                          "choice rule", 'use "Condition": "{% ... %}"')
    condition = rule.get("Condition")
    if not (isinstance(condition, bool) or is_jsonata(condition)):
        state.problem("missing-field" if condition is None else "wrong-type",
                      f"{where}.Condition",
                      'a JSONata choice rule needs "Condition" holding a {% ... %} expression',
                      'write "Condition": "{% $states.input.x > 1 %}"')
    if not isinstance(rule.get("Next"), str):
        state.problem("missing-field", f"{where}.Next", 'a choice rule needs "Next"',
                      'add "Next": "<state>"')


def _jsonpath_rules(state: State, where: str, rule: Any) -> None:
    stack: list[tuple[str, Any, bool]] = [(where, rule, True)]
    while stack:
        path, node, top = stack.pop()
        if type(node) is not dict and not isinstance(node, Mapping):
            state.problem("wrong-type", path, f"a choice rule must be an object, not "
                          f"{describe(node)}", 'write {"Variable": "$.x", "IsPresent": true}')
            continue
        fields_wrong, shape_wrong, op = _verdict(node, top)
        if fields_wrong:
            _rule_fields(state, path, node, top)
        if top and not isinstance(node.get("Next"), str):
            state.problem("missing-field", f"{path}.Next", 'a choice rule needs "Next"',
                          'add "Next": "<state>"')
        if shape_wrong:
            _rule_shape(state, path, node)
        elif op is not None:
            _comparison(state, path, node, op)
        for key in ("And", "Or"):
            items = node.get(key)
            if key in node and (not isinstance(items, list) or not items):
                state.problem("wrong-type", f"{path}.{key}", f'"{key}" must be a non-empty '
                              f"array of rules, not {describe(items)}", "list the rules")
            elif isinstance(items, list):
                stack.extend((f"{path}.{key}[{i}]", r, False) for i, r in enumerate(items))
        if "Not" in node:
            stack.append((f"{path}.Not", node["Not"], False))


def _rules_quiet(choices: list[Any]) -> bool:
    """True when _jsonpath_rules would find nothing in these rules: what it visits, visited
    without making the path of each rule (made only when reporting). Anything unusual
    answers False, and _jsonpath_rules decides."""
    stack = [(rule, True) for rule in choices]
    while stack:
        node, top = stack.pop()
        if type(node) is not dict:
            return False
        fields_wrong, shape_wrong, op = _verdict(node, top)
        if fields_wrong or shape_wrong or (top and type(node.get("Next")) is not str):
            return False
        if op is not None:
            variable, operand = node.get("Variable"), node[op]
            if type(variable) is not str or path_error(
                    variable, nullable=False, reference=True, intrinsic=False,
                    input_root=False) is not None:
                return False
            if op.endswith("Path"):
                if type(operand) is not str or path_error(
                        operand, nullable=False, reference=True, intrinsic=False,
                        input_root=False) is not None:
                    return False
            elif _operand_error(COMPARISONS[op], op, operand) is not None:
                return False
        for key in ("And", "Or"):
            if key in node:
                items = node[key]
                if type(items) is not list or not items:
                    return False
                stack.extend((rule, False) for rule in items)
        if "Not" in node:
            stack.append((node["Not"], False))
    return True


#: What _rule_fields and _rule_shape find, which depends only on the field names of a rule
#: and whether it is a top-level rule: (a field is wrong, the shape is wrong, the
#: comparison operator). Kept per (top-level, field names in order), so that a rule of a
#: known shape costs one look-up instead of both checks.
_VERDICTS: dict[tuple[Any, ...], tuple[bool, bool, str | None]] = {}
_MAX_VERDICTS: Final = 1024


def _verdict(node: Mapping[Any, Any], top: bool) -> tuple[bool, bool, str | None]:
    key = (top, *node)
    found = _VERDICTS.get(key)
    if found is None:
        body: dict[Any, Any] = dict.fromkeys(node)
        fields_wrong = finds_anything(lambda s: _rule_fields(s, "", body, top), body, JSONPATH)
        ops: list[str | None] = []
        shape_wrong = finds_anything(lambda s: ops.append(_rule_shape(s, "", body)), body,
                                     JSONPATH)
        op = None if shape_wrong else ops[0]
        found = remember(_VERDICTS, key, (fields_wrong, shape_wrong, op), _MAX_VERDICTS)
    return found


def _rule_fields(state: State, path: str, node: Mapping[str, Any], top: bool) -> None:
    """The field names of a rule: reads nothing else (see _verdict)."""
    for key in node:
        if key in _TOP_ONLY and not top:
            state.problem("nested-rule-field", f"{path}.{key}",
                          f'a nested choice rule may not have "{key}"',
                          f'move "{key}" to the top-level rule')
        elif key in ("Condition", "Output"):
            state.problem("wrong-query-language", f"{path}.{key}",
                          f'field "{key}" is JSONata-only, but this state uses JSONPath',
                          'use "Variable" with a comparison, or set "QueryLanguage": '
                          '"JSONata"')
        elif key not in _JSONPATH_RULE and key not in _TOP_ONLY:
            state.problem("unknown-field", f"{path}.{key}",
                          f'unknown field "{key}" in a choice rule',
                          "use a comparison operator such as StringEquals or NumericLessThan")


def _rule_shape(state: State, path: str, node: Mapping[str, Any]) -> str | None:
    """Report a rule without exactly one comparison (or Variable beside And/Or/Not); return
    its comparison operator when it has exactly one. Reads only the field names (see
    _verdict)."""
    booleans = [k for k in _BOOLEAN if k in node]
    comparisons = [k for k in node if k in COMPARISONS]
    found = booleans + comparisons
    if not found:
        state.problem("no-comparison", path,
                      "the choice rule has no comparison: it needs \"Variable\" with one "
                      'comparison operator, or "And", "Or" or "Not"',
                      'add e.g. "StringEquals": "x" next to "Variable"')
        return None
    if len(found) > 1:
        listed = ", ".join(f'"{k}"' for k in found)
        state.problem("two-comparisons", path,
                      f"the choice rule has more than one comparison: [{listed}]",
                      "split it into separate rules, or combine them with \"And\"")
        return None
    if booleans:
        if "Variable" in node:
            state.problem("variable-without-comparison", f"{path}.Variable",
                          f'"Variable" cannot be used with "{booleans[0]}"',
                          'move "Variable" into the nested rules')
        return None
    return comparisons[0]


def _comparison(state: State, path: str, node: Mapping[str, Any], op: str) -> None:
    variable = node.get("Variable")
    if "Variable" not in node:
        state.problem("missing-field", f"{path}.Variable",
                      f'the comparison "{op}" needs a "Variable"',
                      'add "Variable": "$.field"')
    else:
        why = path_error(variable, nullable=False, reference=True, intrinsic=False,
                         input_root=False)
        if why:
            state.problem("bad-path", f"{path}.Variable", f'field "Variable" {why}',
                          'write a reference path such as "$.status"')
    operand = node[op]
    if op.endswith("Path"):
        why = path_error(operand, nullable=False, reference=True, intrinsic=False,
                         input_root=False)
        if why:
            state.problem("bad-path", f"{path}.{op}", f'field "{op}" {why}',
                          'write a reference path such as "$.limit"')
        return
    expected = _operand_error(COMPARISONS[op], op, operand)
    if expected:
        state.problem("wrong-operand-type", f"{path}.{op}",
                      f'"{op}" needs {expected}, not {describe(operand)}',
                      f'write "{op}" with {expected}')


def _operand_error(kind: str, op: str, operand: Any) -> str | None:
    if kind == "Numeric":
        ok = isinstance(operand, (int, float)) and not isinstance(operand, bool)
        return None if ok else "a number"
    if kind in ("Boolean", "Type"):
        return None if isinstance(operand, bool) else "true or false"
    if kind == "Timestamp":
        ok = isinstance(operand, str) and TIMESTAMP.match(operand) is not None
        return None if ok else "an RFC 3339 timestamp string"
    return None if isinstance(operand, str) else "a string"
