"""An ASL document as a small :class:`Graph`: nodes, edges with their labels (Choice rules as
short text), and nested clusters for Parallel branches and Map processors.

Node and cluster ids are generated (``s0``, ``m0``, ``c0``), never taken from state names. Every
walk is iterative: nested machines go through a work queue, so a line of 100,000 states needs
no recursion at all.
"""

import json
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol

from sfs3dsl.core.gcpause import gc_paused
from sfs3dsl.syntax.asl import COMPARISONS

EdgeKind = Literal["next", "default", "choice", "catch", "branch", "start", "end", "ghost"]
ImageFormat = Literal["svg", "png"]

#: Longest edge label before it is cut with an ellipsis.
MAX_LABEL: Final = 60

#: Longest suffix first: ``LessThanEquals`` must not be read as ``Equals``.
_OPERATORS: Final = (
    ("GreaterThanEquals", ">="), ("LessThanEquals", "<="), ("GreaterThan", ">"),
    ("LessThan", "<"), ("Equals", "=="), ("Matches", "matches"),
)
_TYPE_TESTS: Final = {
    "IsNull": "null", "IsPresent": "present", "IsNumeric": "numeric",
    "IsString": "string", "IsBoolean": "boolean", "IsTimestamp": "timestamp",
}
_NESTING_LIMIT: Final = 50


@dataclass(slots=True)
class Node:
    """A box in the picture: a state, a start or end marker, or a missing target."""

    id: str
    name: str
    kind: str
    path: str | None = None
    css: str | None = None


def state_path(machine: str, name: str) -> str:
    """Path of state ``name`` in the machine at path ``machine`` ("" for the top)."""
    return f"{machine}.States.{name}" if machine else f"States.{name}"


@dataclass(frozen=True, slots=True)
class Edge:
    """An arrow between two node ids."""

    src: str
    dst: str
    kind: EdgeKind
    label: str = ""


@dataclass(slots=True)
class Cluster:
    """A nested box: a Parallel state, one of its branches, or a Map processor."""

    id: str
    label: str
    members: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Scope:
    """One machine (the document, a branch, a processor): its names and markers."""

    path: str
    cluster: str | None
    start: str
    names: dict[str, str] = field(default_factory=dict)
    end: str | None = None


@dataclass(slots=True)
class Graph:
    """Everything a writer needs; built by :func:`build_graph`."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    clusters: dict[str, Cluster] = field(default_factory=dict)
    top_nodes: list[str] = field(default_factory=list)
    top_clusters: list[str] = field(default_factory=list)
    scopes: dict[str, Scope] = field(default_factory=dict)

    def add_node(self, prefix: str, name: str, kind: str, cluster: str | None,
                 machine: str | None = None) -> str:
        node_id = f"{prefix}{len(self.nodes)}"
        path = None if machine is None else state_path(machine, name)
        self.nodes[node_id] = Node(node_id, name, kind, path)
        (self.clusters[cluster].members if cluster else self.top_nodes).append(node_id)
        return node_id

    def add_cluster(self, label: str, parent: str | None) -> str:
        cluster_id = f"c{len(self.clusters)}"
        self.clusters[cluster_id] = Cluster(cluster_id, label)
        (self.clusters[parent].children if parent else self.top_clusters).append(cluster_id)
        return cluster_id

    def add_edge(self, src: str, dst: str, kind: EdgeKind, label: str = "") -> None:
        self.edges.append(Edge(src, dst, kind, label))

    def add_scope(self, scope: Scope) -> None:
        self.scopes[scope.path] = scope


class Sink(Protocol):
    """What the builder draws into: a :class:`Graph` (kept, for the diff colouring and
    tests), or a text writer (:class:`~.drawing.Drawing`) that prints each node and edge as it
    comes and keeps no graph at all. Both get the same calls in the same order, so the
    text of a document drawn directly equals the text of its :class:`Graph` printed."""

    def add_node(self, prefix: str, name: str, kind: str, cluster: str | None,
                 machine: str | None = None) -> str: ...

    def add_cluster(self, label: str, parent: str | None) -> str: ...

    def add_edge(self, src: str, dst: str, kind: EdgeKind, label: str = "") -> None: ...

    def add_scope(self, scope: Scope) -> None: ...


# --- conditions -----------------------------------------------------------------------------

def _shorten(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _operand(key: str, value: Any) -> str:
    if key.endswith("Path") and isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _comparison(rule: Mapping[str, Any]) -> str | None:
    variable = str(rule.get("Variable", "?"))
    for key, value in rule.items():
        if key not in COMPARISONS:
            continue
        if key in _TYPE_TESTS:
            negation = "" if value is True else "not "
            return f"{variable} is {negation}{_TYPE_TESTS[key]}"
        base = key.removesuffix("Path")
        op = next((sym for suffix, sym in _OPERATORS if base.endswith(suffix)), "?")
        return f"{variable} {op} {_operand(key, value)}"
    return None


def condition_text(rule: Any, depth: int = 0) -> str:
    """Say a Choice rule in short form, e.g. ``$.x > 5 and $.y is present``.

    Example:
        >>> condition_text({"Variable": "$.inputNum", "NumericEquals": 1})
        '$.inputNum == 1'
    """
    if not isinstance(rule, Mapping) or depth > _NESTING_LIMIT:
        return "?"
    if isinstance(rule.get("Condition"), str):
        text = rule["Condition"].strip()
        if text.startswith("{%") and text.endswith("%}"):
            text = text[2:-2]
        return " ".join(text.split())
    for key, word in (("And", " and "), ("Or", " or ")):
        if isinstance(rule.get(key), list):
            parts = [condition_text(r, depth + 1) for r in rule[key]]
            return word.join(f"({p})" if _compound(r) else p for p, r in zip(parts, rule[key],
                                                                             strict=True))
    if "Not" in rule:
        inner = condition_text(rule["Not"], depth + 1)
        return f"not ({inner})" if _compound(rule["Not"]) or " " in inner else f"not {inner}"
    return _comparison(rule) or "?"


def _compound(rule: Any) -> bool:
    return isinstance(rule, Mapping) and ("And" in rule or "Or" in rule)


# --- building the graph ---------------------------------------------------------------------

def _targets(state: Mapping[str, Any]) -> Iterator[tuple[EdgeKind, str, Any]]:
    """Every transition of one state: (kind, label, target name)."""
    choices = state.get("Choices")
    if isinstance(choices, list):
        for rule in choices:
            if isinstance(rule, Mapping) and "Next" in rule:
                yield "choice", _shorten(condition_text(rule)), rule["Next"]
    if "Default" in state:
        yield "default", "Default", state["Default"]
    if "Next" in state:
        yield "next", "", state["Next"]
    catches = state.get("Catch")
    if isinstance(catches, list):
        for catcher in catches:
            if isinstance(catcher, Mapping) and "Next" in catcher:
                errors = catcher.get("ErrorEquals")
                names = ", ".join(map(str, errors)) if isinstance(errors, list) else "?"
                yield "catch", _shorten(names), catcher["Next"]


def _children(state: Mapping[str, Any], path: str) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """Nested machines of a Parallel or Map: (label, machine path, machine)."""
    branches = state.get("Branches")
    if isinstance(branches, list):
        for i, branch in enumerate(branches):
            if isinstance(branch, Mapping):
                yield f"branch {i + 1}", f"{path}.Branches[{i}]", branch
    for key in ("ItemProcessor", "Iterator"):
        processor = state.get(key)
        if isinstance(processor, Mapping):
            yield "items", f"{path}.{key}", processor


def _has_children(state: Mapping[str, Any]) -> bool:
    return "Branches" in state or "ItemProcessor" in state or "Iterator" in state


def _is_terminal(state: Mapping[str, Any]) -> bool:
    return state.get("End") is True or state.get("Type") in ("Succeed", "Fail")


@gc_paused
def build_graph(asl: Mapping[str, Any]) -> Graph:
    """Turn an ASL document into nodes, edges and clusters (iteratively)."""
    graph = Graph()
    draw(asl, graph)
    return graph


def draw(asl: Mapping[str, Any], sink: Sink) -> None:
    """Walk an ASL document and draw its nodes, edges and clusters into ``sink``."""
    root = Scope("", None, sink.add_node("m", "Start", "start", None))
    queue: deque[tuple[Mapping[str, Any], Scope]] = deque([(asl, root)])
    while queue:
        machine, scope = queue.popleft()
        sink.add_scope(scope)
        _add_machine(sink, machine, scope, queue)


def _add_machine(sink: Sink, machine: Mapping[str, Any], scope: Scope,
                 queue: deque[tuple[Mapping[str, Any], Scope]]) -> None:
    states = machine.get("States")
    states = states if isinstance(states, Mapping) else {}
    for name, state in states.items():
        kind = str(state.get("Type", "?")) if isinstance(state, Mapping) else "?"
        scope.names[name] = sink.add_node("s", str(name), kind, scope.cluster, scope.path)
    start_at = machine.get("StartAt")
    if start_at is not None:
        sink.add_edge(scope.start, _lookup(sink, scope, start_at), "start")
    for name, state in states.items():
        if not isinstance(state, Mapping):
            continue
        node_id = scope.names[name]
        for kind, label, target in _targets(state):
            sink.add_edge(node_id, _lookup(sink, scope, target), kind, label)
        if _is_terminal(state):
            sink.add_edge(node_id, _end_marker(sink, scope), "end")
        if not _has_children(state):
            continue
        children = list(_children(state, state_path(scope.path, name)))
        if not children:
            continue
        box = sink.add_cluster(f"{name} ({state.get('Type', '?')})", scope.cluster)
        for label, child_path, child in children:
            inner = sink.add_cluster(label, box) if len(children) > 1 else box
            start = sink.add_node("m", "Start", "start", inner)
            sink.add_edge(node_id, start, "branch", label)
            queue.append((child, Scope(child_path, inner, start)))


def _end_marker(sink: Sink, scope: Scope) -> str:
    if scope.end is None:
        scope.end = sink.add_node("m", "End", "end", scope.cluster)
    return scope.end


def _lookup(sink: Sink, scope: Scope, target: Any) -> str:
    """The node of a target name; a dangling name gets a 'missing' node of its own."""
    key = target if isinstance(target, str) else json.dumps(target)
    found = scope.names.get(key)
    if found is None:
        found = sink.add_node("s", key, "missing", scope.cluster)
        scope.names[key] = found
    return found


def add_ghost(graph: Graph, scope_path: str, name: str, kind: str,
              targets: Iterable[str]) -> str:
    """Draw a state that no longer exists (a removed state) inside its old scope.

    The ghost gets dotted edges to those of its old targets that still exist; a scope that
    is gone too puts the ghost at the top level.
    """
    scope = graph.scopes.get(scope_path) or graph.scopes[""]
    ghost = graph.add_node("g", name, kind, scope.cluster, scope_path)
    for target in targets:
        if target in scope.names:
            graph.add_edge(ghost, scope.names[target], "ghost")
    return ghost


def node_label(node: Node) -> str:
    """Text shown in a node: the name, and the type on a second line for states."""
    return label_text(node.name, node.kind)


def label_text(name: str, kind: str) -> str:
    """Text shown in a node named ``name`` of kind ``kind`` (see :func:`node_label`)."""
    if kind in ("start", "end"):
        return name
    if kind == "missing":
        return f"{name}\n(missing)"
    return f"{name}\n{kind}"
