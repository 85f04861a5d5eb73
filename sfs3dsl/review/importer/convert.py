"""``import``: turn an ASL document into the Python module a person would write.

Each state becomes a variable (``step_a = Task("step-a", ...)``); straight runs of ``Next``
become chains (``a >> b >> c``, long ones ``Chain.sequence(...)``); Choice rules, catches
and the other transitions are wired once every state of the machine exists, so loops and
joins need no special care. Walking a machine is iterative; only the nesting of Parallel
branches and Map processors recurses, as deep as the document nests.

Example:
    >>> print(import_definition({"StartAt": "a", "States": {"a": {"Type": "Succeed"}}},
    ...                         name="hello"))
    \"\"\"The hello workflow, imported from Amazon States Language.\"\"\"
    <BLANKLINE>
    from sfs3dsl import Succeed, Workflow
    <BLANKLINE>
    a = Succeed("a")
    <BLANKLINE>
    hello = Workflow("hello", a)
"""

from __future__ import annotations

import keyword
from collections import Counter
from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.core.errors import BuildError
from sfs3dsl.review.importer.code import (
    Atom,
    Call,
    Infix,
    ListLit,
    Methods,
    Namer,
    Node,
    Str,
    literal,
    names_in,
    render_statement,
)
from sfs3dsl.review.importer.conditions import condition
from sfs3dsl.review.importer.states import (
    StateContext,
    check_fields,
    error_list,
    keywords,
    map_keywords,
)
from sfs3dsl.review.importer.tasks import task_call
from sfs3dsl.review.importer.values import PRIVATE, payload

_TOP: Final = frozenset({"Comment", "QueryLanguage", "StartAt", "States", "TimeoutSeconds",
                         "Version"})
_SUB: Final = frozenset({"StartAt", "States", "ProcessorConfig"})
_CATCH: Final = {"ResultPath": "result_path", "Output": "output", "Assign": "assign",
                 "Comment": "comment"}
#: A straight line longer than this is written ``Chain.sequence(...)`` rather than ``>>``.
_MAX_ARROWS: Final = 4


def import_definition(asl: Mapping[str, Any], *, name: str, variable: str | None = None) -> str:
    """The text of a Python module that defines ``asl`` as ``Workflow(name, ...)``.

    Args:
        asl: the ASL document (a dict with StartAt and States).
        name: the workflow's name.
        variable: the module-level name of the workflow; derived from ``name`` if left out.

    Raises:
        BuildError: the document uses something the DSL cannot express (the message names
            the state and field).

    Example:
        >>> text = import_definition(json.loads(path.read_text()), name="process-a")
    """
    return _Importer(asl, name, variable).module()


class _Importer:
    def __init__(self, asl: Mapping[str, Any], name: str, variable: str | None) -> None:
        import sfs3dsl

        self.asl = asl
        self.name = name
        self.top_language = asl.get("QueryLanguage")
        self.namer = Namer(reserved=[*sfs3dsl.__all__, *PRIVATE])
        if variable is not None:
            if not variable.isidentifier() or keyword.iskeyword(variable):
                raise BuildError(f"variable {variable!r} is not a Python identifier",
                                 hint='pass a name such as "process_a"')
            self.variable = variable
        else:
            self.variable = self.namer.new(name, fallback="workflow")
        self.namer.reserve([self.variable])
        self.vars: dict[str, str] = {}
        self.used: set[str] = set()

    def statement(self, prefix: str, node: Node) -> list[str]:
        self.used |= names_in(node)
        return render_statement(prefix, node)

    # -- the module ----------------------------------------------------------------------
    def module(self) -> str:
        extra = sorted(set(self.asl) - _TOP)
        if extra:
            raise BuildError(f"the top-level field(s) {', '.join(extra)} cannot be expressed "
                             "with the DSL", hint="this needs a change to the sfs3dsl model")
        blocks, start = self.machine(self.asl)
        kwargs: list[tuple[str, Node]] = []
        for key, keyword_ in (("Comment", "comment"), ("TimeoutSeconds", "timeout_seconds"),
                              ("Version", "version"), ("QueryLanguage", "query_language")):
            if key in self.asl:
                kwargs.append((keyword_, literal(self.asl[key])))
        workflow = Call("Workflow", (Str(self.name), start), tuple(kwargs))
        blocks.append(self.statement(f"{self.variable} = ", workflow))
        doc = f'"""The {self.name} workflow, imported from Amazon States Language."""'
        doc = doc if '"' not in self.name and "\\" not in self.name else \
            '"""A workflow imported from Amazon States Language."""'
        body = "\n\n".join("\n".join(block) for block in blocks if block) + "\n"
        return "\n\n".join([doc, "\n".join(_import_lines(self.used)), body])

    # -- machines ------------------------------------------------------------------------
    def machine(self, machine: Mapping[str, Any]) -> tuple[list[list[str]], Node]:
        """Blocks of statements that build a machine, and the expression of its start."""
        states, start_at = machine.get("States"), machine.get("StartAt")
        if not isinstance(states, Mapping) or not isinstance(start_at, str) \
                or start_at not in states:
            raise BuildError("a machine without States, or whose StartAt is not one of them, "
                             "cannot be expressed with the DSL")
        if not all(isinstance(s, Mapping) for s in states.values()):
            raise BuildError("a state that is not a JSON object cannot be expressed with the DSL")
        _check_reachable(states, start_at)
        segments = _segments(states, start_at)
        for segment, _ in segments:
            for state_name in segment:
                self.vars[state_name] = self.namer.new(state_name)
        blocks: list[list[str]] = []
        definitions: list[str] = []
        wiring: list[str] = []
        for segment, _ in segments:
            for state_name in segment:
                sub_blocks, call = self.state(state_name, states[state_name])
                if sub_blocks:
                    blocks += [definitions, *sub_blocks]
                    definitions = []
                definitions += self.statement(f"{self.vars[state_name]} = ", call)
                wiring += self.wiring(state_name, states[state_name])
        chains = [self.chain(segment, tail) for segment, tail in segments]
        wiring += [line for chain in chains[1:] if chain for line in self.statement("", chain)]
        blocks += [definitions, wiring]
        start = chains[0] or Atom(self.vars[start_at])
        return [b for b in blocks if b], start

    def chain(self, segment: list[str], tail: str | None) -> Node | None:
        names = [self.vars[n] for n in segment] + ([self.vars[tail]] if tail else [])
        if len(names) == 1:
            return None
        atoms = tuple(Atom(n) for n in names)
        if len(names) <= _MAX_ARROWS:
            return Infix(">>", atoms)
        return Call(f"{'Chain'}.sequence", atoms)

    def sub_machine(self, machine: Any, ctx: StateContext) -> tuple[list[list[str]], Node]:
        if not isinstance(machine, Mapping) or set(machine) - _SUB:
            extra = sorted(set(machine) - _SUB) if isinstance(machine, Mapping) else machine
            raise ctx.unsupported(f"a branch or processor with {extra!r}")
        return self.machine(machine)

    # -- states --------------------------------------------------------------------------
    def context(self, name: str, state: Mapping[str, Any]) -> StateContext:
        language = state.get("QueryLanguage") or self.top_language
        return StateContext(name, language == "JSONata")

    def state(self, name: str, state: Mapping[str, Any]) -> tuple[list[list[str]], Call]:
        ctx = self.context(name, state)
        kind = check_fields(state, ctx)
        if kind == "Task":
            return [], task_call(state, ctx)
        if kind == "Parallel":
            blocks: list[list[str]] = []
            starts: list[Node] = []
            branches = state.get("Branches")
            if not isinstance(branches, list) or not branches:
                raise ctx.unsupported(f"the Branches {branches!r}")
            for index, branch in enumerate(branches, 1):
                sub_blocks, start = self.sub_machine(branch, ctx)
                blocks += _labelled(sub_blocks, f"{self.vars[name]}: branch {index}")
                starts.append(start)
            kwargs = [("branches", ListLit(tuple(starts))), *keywords(state, ctx)]
            return blocks, Call("Parallel", (Str(name),), tuple(kwargs))
        if kind == "Map":
            field = "Iterator" if "Iterator" in state else "ItemProcessor"
            if (field == "Iterator") == ("ItemProcessor" in state):
                raise ctx.unsupported("a Map without exactly one of ItemProcessor, Iterator")
            blocks, start = self.sub_machine(state[field], ctx)
            blocks = _labelled(blocks, f"{self.vars[name]}: item processor")
            return blocks, Call("Map", (Str(name),), tuple(map_keywords(state, ctx, start)))
        return [], Call(kind, (Str(name),), tuple(keywords(state, ctx)))

    def wiring(self, name: str, state: Mapping[str, Any]) -> list[str]:
        """``pick.when(...).otherwise(...)`` and ``task.catch(...)`` statements."""
        ctx = self.context(name, state)
        calls: list[Call] = []
        for rule in state.get("Choices", []) if state.get("Type") == "Choice" else []:
            calls.append(self.rule(rule, ctx))
        if "Default" in state:
            calls.append(Call("otherwise", (Atom(self.target(state["Default"], ctx)),)))
        catchers = state.get("Catch", [])
        if not isinstance(catchers, list):
            raise ctx.unsupported(f"Catch {catchers!r}")
        calls += [self.catcher(c, ctx) for c in catchers]
        if not calls:
            return []
        return self.statement("", Methods(Atom(self.vars[name]), tuple(calls)))

    def target(self, name: Any, ctx: StateContext) -> str:
        if not isinstance(name, str) or name not in self.vars:
            raise ctx.unsupported(f"a transition to {name!r}, which is not a state")
        return self.vars[name]

    def rule(self, rule: Any, ctx: StateContext) -> Call:
        if not isinstance(rule, Mapping) or "Next" not in rule:
            raise ctx.unsupported(f"the Choice rule {rule!r}")
        args = (condition(rule, top=True), Atom(self.target(rule["Next"], ctx)))
        kwargs: list[tuple[str, Node]] = []
        if "Comment" in rule:
            kwargs.append(("comment", literal(rule["Comment"])))
        if "Assign" in rule:
            kwargs.append(("assign", payload(rule["Assign"],
                                             jsonata=ctx.jsonata)))
        if "Output" in rule:
            kwargs.append(("output", payload(rule["Output"], jsonata=True)))
        return Call("when", args, tuple(kwargs))

    def catcher(self, catcher: Any, ctx: StateContext) -> Call:
        if not isinstance(catcher, Mapping) or "ErrorEquals" not in catcher \
                or "Next" not in catcher or set(catcher) - {*_CATCH, "ErrorEquals", "Next"}:
            raise ctx.unsupported(f"the catcher {catcher!r}")
        kwargs: list[tuple[str, Node]] = []
        for key, keyword_ in _CATCH.items():
            if key not in catcher:
                continue
            value = catcher[key]
            node = literal(value) if key in ("ResultPath", "Comment") else payload(
                value, jsonata=ctx.jsonata or key == "Output")
            kwargs.append((keyword_, node))
        args = (error_list(catcher["ErrorEquals"], ctx), Atom(self.target(catcher["Next"], ctx)))
        return Call("catch", args, tuple(kwargs))


def _labelled(blocks: list[list[str]], label: str) -> list[list[str]]:
    """Head a sub-machine's statements with a comment saying whose they are."""
    if not blocks:
        return blocks
    return [[f"# {label}", *blocks[0]], *blocks[1:]]


def _transitions(state: Mapping[str, Any]) -> list[Any]:
    out = [state.get("Next"), state.get("Default")]
    for key in ("Choices", "Catch"):
        items = state.get(key)
        if isinstance(items, list):
            out += [item.get("Next") for item in items if isinstance(item, Mapping)]
    return [t for t in out if t is not None]


def _check_reachable(states: Mapping[str, Any], start_at: str) -> None:
    seen = {start_at}
    todo = [start_at]
    while todo:
        for target in _transitions(states[todo.pop()]):
            if not isinstance(target, str) or target not in states:
                raise BuildError(f"a transition to {target!r}, which is not a state of its "
                                 "machine, cannot be expressed with the DSL")
            if target not in seen:
                seen.add(target)
                todo.append(target)
    unreachable = [n for n in states if n not in seen]
    if unreachable:
        raise BuildError(f"state(s) {', '.join(map(repr, unreachable))} cannot be reached "
                         "from StartAt, and a workflow compiles only the states it reaches",
                         state=unreachable[0], hint="remove the state or link it")


def _segments(states: Mapping[str, Any], start_at: str) -> list[tuple[list[str], str | None]]:
    """Straight runs of ``Next``, StartAt's first: (states, the state the run goes on to)."""
    preds: Counter[str] = Counter()
    for state in states.values():
        if isinstance(state.get("Next"), str):
            preds[state["Next"]] += 1
    heads = [start_at] + [n for n in states if n != start_at and preds[n] != 1]
    placed: set[str] = set()
    out: list[tuple[list[str], str | None]] = []
    for head in heads + list(states):  # then loops whose every state has one predecessor
        if head in placed:
            continue
        run, tail = [head], None
        placed.add(head)
        while True:
            following = states[run[-1]].get("Next")
            if not isinstance(following, str) or following not in states:
                break
            if following in placed or preds[following] != 1:
                tail = following
                break
            run.append(following)
            placed.add(following)
        out.append((run, tail))
    return out


def _import_lines(used: set[str]) -> list[str]:
    """``from sfs3dsl import ...`` for the names the statements use."""
    import sfs3dsl

    public = sorted(used & set(sfs3dsl.__all__), key=_import_key)
    lines = _from_import("sfs3dsl", public)
    for module in sorted({PRIVATE[n] for n in used if n in PRIVATE}):
        lines += _from_import(module, sorted(n for n in used if PRIVATE.get(n) == module))
    return lines


def _import_key(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, Classes, functions; case-insensitive."""
    group = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return group, name.lower()


def _from_import(module: str, names: list[str]) -> list[str]:
    if not names:
        return []
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 100:
        return [line]
    return [f"from {module} import ("] + [f"    {n}," for n in names] + [")"]


__all__ = ["import_definition"]
