"""Flowcharts of ASL documents: Mermaid structure, DOT through Graphviz, conditions, scale."""

from __future__ import annotations

import copy
import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from corpus import real_world_definitions

from sfs3dsl.core.errors import Sfs3dslError
from sfs3dsl.review.diff import diff_definitions
from sfs3dsl.review.diff_render import diff_mermaid
from sfs3dsl.review.graph import (
    build_graph,
    condition_text,
    graph_to_dot,
    graph_to_mermaid,
    mermaid_escape,
    node_label,
    render_image,
    to_dot,
    to_mermaid,
)

Doc = dict[str, Any]
INSTALL_HINT = "run scripts/install-graph-tools.sh"

#: Names that Mermaid or DOT would misread if they were written raw.
TRICKY_NAMES = ['say "hi"', "a[b]{c}(d)", "#1; two", "end", "subgraph", "graph", "A-->B",
                "%% not a comment", "back\\slash \\N", "<b>bold</b> & co", "pipe|pipe",
                "tick`tock", "{{x}}", "o", "x", "ünïcödé ❤ 日本", "node", "edge", "digraph"]


def tricky() -> Doc:
    """A line through every tricky name, with a Choice, a Catch and a Parallel on the way."""
    names = TRICKY_NAMES
    doc: Doc = {"StartAt": names[0], "States": {}}
    for here, there in itertools.pairwise(names):
        doc["States"][here] = {"Type": "Pass", "Next": there}
    doc["States"][names[-1]] = {
        "Type": "Choice",
        "Choices": [{"Variable": '$["we\\"ird"]', "StringEquals": 'a"b;c#d', "Next": names[0]},
                    {"Condition": "{% $states.input.n > 5 and $contains($x, '|') %}",
                     "Next": "Fork"}],
        "Default": "end"}
    doc["States"]["Fork"] = {
        "Type": "Parallel", "End": True,
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "end"}],
        "Branches": [{"StartAt": "end", "States": {"end": {"Type": "Succeed"}}}]}
    return doc


CORPUS = [name for name, _ in real_world_definitions()]
_DEFINITIONS = dict(real_world_definitions())


def _load(name: str) -> Doc:
    """A private copy of one real-world definition (the corpus cache is shared)."""
    doc: Doc = copy.deepcopy(_DEFINITIONS[name])
    return doc


# --- a strict reading of our Mermaid --------------------------------------------------------

_ID = r"[a-z]\d+"
_LABEL = r'(?:[^"#;<>&|`%\n]|#\d+;|<br>)*'
_SHAPES = [("(((", ")))"), ("([", "])"), ("[[", "]]"), ("{{", "}}"), ("[/", "/]"),
           ("((", "))"), ("[", "]"), ("(", ")"), ("{", "}"), (">", "]")]
_NODE = re.compile(
    rf"(?P<id>{_ID})(?P<open>[\[({{>/]+)\"(?P<label>{_LABEL})\"(?P<close>[\])}}/]+)")
_SUBGRAPH = re.compile(rf'subgraph (?P<id>{_ID}) \["(?P<label>{_LABEL})"\]')
_EDGE = re.compile(
    rf'(?P<src>{_ID}) (?:-->|-\.->|==>)(?:\|"(?P<label>{_LABEL})"\|)? (?P<dst>{_ID})')
_CLASSDEF = re.compile(r"classDef (?P<name>[a-z]+) [a-z-]+:[^;\s,]+(?:,[a-z-]+:[^;,]+)*")
_CLASS = re.compile(rf"class (?P<ids>{_ID}(?:,{_ID})*) (?P<name>[a-z]+)")
_KEYWORDS = {"end", "subgraph", "graph", "flowchart", "class", "classDef", "style", "click",
             "linkStyle", "direction", "default"}


def check_mermaid(text: str) -> dict[str, str]:
    """Fail unless every line is one we mean to write; returns node id -> decoded label."""
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    nodes: dict[str, str] = {}
    clusters: set[str] = set()
    depth, edges, defined, used = 0, 0, set(), set()
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        where = f"line {number}: {raw!r}"
        if m := _NODE.fullmatch(line):
            assert (m["open"], m["close"]) in _SHAPES, where
            assert m["id"] not in nodes and m["id"] not in clusters, where
            assert edges == 0, f"node declared after an edge, {where}"
            nodes[m["id"]] = m["label"]
        elif m := _SUBGRAPH.fullmatch(line):
            assert m["id"] not in nodes and m["id"] not in clusters, where
            clusters.add(m["id"])
            depth += 1
        elif line == "end":
            depth -= 1
            assert depth >= 0, f"'end' without subgraph, {where}"
        elif m := _EDGE.fullmatch(line):
            assert depth == 0, where
            assert m["src"] in nodes and m["dst"] in nodes, f"undeclared node, {where}"
            edges += 1
        elif m := _CLASSDEF.fullmatch(line):
            defined.add(m["name"])
        elif m := _CLASS.fullmatch(line):
            assert all(i in nodes for i in m["ids"].split(",")), where
            used.add(m["name"])
        else:
            pytest.fail(f"unexpected Mermaid, {where}")
    assert depth == 0, "unbalanced subgraphs"
    assert used <= defined
    assert not (set(nodes) | clusters) & _KEYWORDS
    return {k: _decode(v) for k, v in nodes.items()}


def _decode(label: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), label).replace("<br>", "\n")


def _count_states(doc: Any) -> int:
    total, stack = 0, [doc]
    while stack:
        machine = stack.pop()
        for state in (machine.get("States") or {}).values():
            total += 1
            if isinstance(state, dict):
                stack.extend(b for b in state.get("Branches") or [] if isinstance(b, dict))
                stack.extend(state[k] for k in ("ItemProcessor", "Iterator")
                             if isinstance(state.get(k), dict))
    return total


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS)
def test_corpus_mermaid_is_strictly_well_formed(path: str) -> None:
    doc = _load(path)
    labels = check_mermaid(to_mermaid(doc))
    states = [k for k in labels if k.startswith("s") and not labels[k].endswith("(missing)")]
    assert len(states) == _count_states(doc)


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS)
def test_corpus_diff_chart_is_strictly_well_formed(path: str) -> None:
    old = _load(path)
    new = copy.deepcopy(old)
    removed = next(iter(new["States"]))
    del new["States"][removed]
    new["States"]["Added"] = {"Type": "Pass", "End": True}
    labels = check_mermaid(diff_mermaid(diff_definitions(old, new), new))
    assert any(label.startswith(f"{removed} (removed)\n") for label in labels.values())


def test_tricky_names_are_escaped_and_come_back_unchanged() -> None:
    doc = tricky()
    labels = check_mermaid(to_mermaid(doc))
    graph = build_graph(doc)
    assert labels == {n.id: node_label(n) for n in graph.nodes.values()}
    assert {n.name for n in graph.nodes.values() if n.kind == "Pass"} == set(TRICKY_NAMES[:-1])


@pytest.mark.parametrize(("text", "escaped"), [
    ('say "hi"', "say #34;hi#34;"),
    ("#1; two", "#35;1#59; two"),
    ("<b>&</b>", "#60;b#62;#38;#60;/b#62;"),
    ("a|b`c%d", "a#124;b#96;c#37;d"),
    ("line\nbreak", "line<br>break"),
    ("ünï ❤", "ünï ❤"),
])
def test_mermaid_escape(text: str, escaped: str) -> None:
    assert mermaid_escape(text) == escaped


# --- conditions -----------------------------------------------------------------------------

@pytest.mark.parametrize(("rule", "text"), [
    ({"Variable": "$.inputNum", "NumericEquals": 1}, "$.inputNum == 1"),
    ({"And": [{"Variable": "$.x", "NumericGreaterThan": 5},
              {"Variable": "$.y", "IsPresent": True}]}, "$.x > 5 and $.y is present"),
    ({"Variable": "$.s", "StringEquals": "a"}, '$.s == "a"'),
    ({"Variable": "$.a", "StringEqualsPath": "$.b"}, "$.a == $.b"),
    ({"Variable": "$.n", "NumericLessThanEquals": 2.5}, "$.n <= 2.5"),
    ({"Variable": "$.t", "TimestampGreaterThanEqualsPath": "$.u"}, "$.t >= $.u"),
    ({"Variable": "$.n", "NumericLessThan": 0}, "$.n < 0"),
    ({"Variable": "$.y", "IsPresent": False}, "$.y is not present"),
    ({"Variable": "$.y", "IsNull": True}, "$.y is null"),
    ({"Variable": "$.b", "BooleanEquals": True}, "$.b == true"),
    ({"Variable": "$.f", "StringMatches": "log-*.txt"}, '$.f matches "log-*.txt"'),
    ({"Or": [{"And": [{"Variable": "$.a", "IsString": True},
                      {"Variable": "$.b", "IsNumeric": True}]},
             {"Variable": "$.c", "IsBoolean": False}]},
     "($.a is string and $.b is numeric) or $.c is not boolean"),
    ({"Not": {"Variable": "$.x", "NumericEquals": 1}}, "not ($.x == 1)"),
    ({"Condition": "{% $states.input.x  >\n 5 %}"}, "$states.input.x > 5"),
    ({"Next": "A"}, "?"),
    ("not a rule", "?"),
])
def test_condition_text(rule: Any, text: str) -> None:
    assert condition_text(rule) == text


def test_long_conditions_are_shortened_on_the_edge() -> None:
    long = "{% " + " and ".join(f"$states.input.field{i} = {i}" for i in range(10)) + " %}"
    doc = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Condition": long, "Next": "D"}], "Default": "D"},
        "D": {"Type": "Succeed"}}}
    label = next(e.label for e in build_graph(doc).edges if e.kind == "choice")
    assert len(label) == 60 and label.endswith("\u2026")
    assert label.startswith("$states.input.field0 = 0 and")


# --- what the pictures say ------------------------------------------------------------------

SHAPES: Doc = {"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:lambda:x", "Next": "P",
          "Catch": [{"ErrorEquals": ["States.TaskFailed", "States.Timeout"], "Next": "F"}]},
    "P": {"Type": "Pass", "Next": "C"},
    "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "W"}],
          "Default": "Gone"},
    "W": {"Type": "Wait", "Seconds": 1, "Next": "Par"},
    "Par": {"Type": "Parallel", "Next": "M", "Branches": [
        {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": True}}},
        {"StartAt": "B2", "States": {"B2": {"Type": "Pass", "End": True}}}]},
    "M": {"Type": "Map", "Next": "S", "ItemProcessor": {
        "StartAt": "I", "States": {"I": {"Type": "Task", "Resource": "arn:x", "End": True}}}},
    "S": {"Type": "Succeed"},
    "F": {"Type": "Fail", "Error": "E"},
}}


def test_mermaid_shapes_edges_markers_and_subgraphs() -> None:
    text = to_mermaid(SHAPES)
    check_mermaid(text)
    for fragment in ['s1["T<br>Task"]', 's2("P<br>Pass")', 's3{"C<br>Choice"}',
                     's4>"W<br>Wait"]', 's5[["Par<br>Parallel"]]', 's6{{"M<br>Map"}}',
                     's7(["S<br>Succeed"])', 's8(["F<br>Fail"])', 'm0(("Start"))',
                     '(((\"End\")))', '[/"Gone<br>(missing)"/]',
                     'subgraph c0 ["Par (Parallel)"]', 'subgraph c1 ["branch 1"]',
                     'subgraph c3 ["M (Map)"]',
                     "m0 --> s1", "s1 --> s2",
                     's1 -.->|"States.TaskFailed, States.Timeout"| s8',
                     's3 -->|"$.n == 1"| s4', 's3 -->|"Default"| s9',
                     's5 ==>|"branch 1"| m', 's6 ==>|"items"| m']:
        assert fragment in text, fragment


def test_dot_shapes_edges_markers_and_clusters() -> None:
    text = to_dot(SHAPES)
    for fragment in ['s1 [label="T\\nTask", shape=box', 's3 [label="C\\nChoice", shape=diamond',
                     's4 [label="W\\nWait", shape=parallelogram', "shape=box3d", "shape=tab",
                     's8 [label="F\\nFail", shape=octagon', "shape=doublecircle",
                     "subgraph cluster_c0 {", 'label="Par (Parallel)"', "subgraph cluster_c1 {",
                     'label="M (Map)"', "m0 -> s1",
                     's1 -> s8 [label="States.TaskFailed, States.Timeout", style=dashed',
                     's3 -> s4 [label="$.n == 1"]', 's3 -> s9 [label="Default"]']:
        assert fragment in text, fragment
    assert text.count("{") == text.count("}")


GOLDEN = Path(__file__).parent / "data" / "graph"


@pytest.mark.parametrize(("draw", "golden"), [(to_dot, "shapes.dot"),
                                               (to_mermaid, "shapes.mmd")])
def test_whole_text_is_pinned(draw: Any, golden: str) -> None:
    """Every byte of both formats, as printed before they were written while walking."""
    assert draw(SHAPES) == (GOLDEN / golden).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["shapes", "tricky", *CORPUS])
def test_drawing_while_walking_equals_printing_the_graph(name: str) -> None:
    doc = SHAPES if name == "shapes" else tricky() if name == "tricky" else _DEFINITIONS[name]
    graph = build_graph(doc)
    assert to_dot(doc) == graph_to_dot(graph)
    assert to_mermaid(doc) == graph_to_mermaid(graph)


def test_every_terminal_state_reaches_an_end_marker() -> None:
    graph = build_graph(SHAPES)
    ends = {e.src for e in graph.edges if e.kind == "end"}
    terminal = {graph.scopes[""].names[n] for n in ("S", "F")}
    terminal |= {graph.scopes["States.Par.Branches[0]"].names["B1"],
                 graph.scopes["States.M.ItemProcessor"].names["I"]}
    assert terminal <= ends


def test_a_line_of_100000_states_needs_no_recursion() -> None:
    names = [f"S{i}" for i in range(100_000)]
    doc: Doc = {"StartAt": names[0], "States": {
        n: {"Type": "Pass", "Next": names[i + 1]} for i, n in enumerate(names[:-1])}}
    doc["States"][names[-1]] = {"Type": "Succeed"}
    mermaid = to_mermaid(doc)
    dot = to_dot(doc)
    assert mermaid.count(" --> ") == dot.count(" -> ") == 100_001


# --- Graphviz -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dot() -> str:
    found = shutil.which("dot")
    if found is None:
        pytest.fail(f"Graphviz 'dot' is not installed; {INSTALL_HINT}")
    return found


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS)
def test_corpus_dot_renders_with_graphviz(dot: str, path: str) -> None:
    result = subprocess.run([dot, "-Tsvg"], input=to_dot(_load(path)).encode(),
                            capture_output=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    assert b"<svg" in result.stdout


def test_tricky_names_survive_graphviz(dot: str) -> None:
    svg = render_image(tricky(), "svg").decode()
    texts = {re.sub(r"&#(\d+);", lambda m: chr(int(m[1])), t).replace("&lt;", "<")
             .replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
             for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)}
    assert set(TRICKY_NAMES) <= texts


def test_render_image_png(dot: str) -> None:
    assert render_image(SHAPES, "png").startswith(b"\x89PNG\r\n\x1a\n")


def test_render_image_rejects_an_unknown_format() -> None:
    with pytest.raises(Sfs3dslError, match="unknown image format 'gif'"):
        render_image(SHAPES, "gif")  # type: ignore[arg-type]


def test_render_image_without_graphviz_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(Sfs3dslError, match="apt-get install graphviz"):
        render_image(SHAPES, "svg")


# --- mermaid-cli (opt-in: SFS3DSL_MERMAID=1) ------------------------------------------------

def _mermaid_dir() -> Path:
    tools = os.environ.get("SFS3DSL_TOOLS")
    base = Path(tools).expanduser() if tools else Path.home() / ".cache" / "sfs3dsl-tools"
    return base / "mermaid"


@pytest.mark.oracle
@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("SFS3DSL_MERMAID") != "1",
                    reason=f"mermaid-cli is opt-in: SFS3DSL_MERMAID=1 {INSTALL_HINT}")
def test_mermaid_cli_renders_every_corpus_chart(tmp_path: Path) -> None:
    folder = _mermaid_dir()
    mmdc = folder / "node_modules" / ".bin" / "mmdc"
    if not mmdc.exists():
        pytest.fail(f"mermaid-cli is not installed at {mmdc}; SFS3DSL_MERMAID=1 {INSTALL_HINT}")
    charts = [(name, to_mermaid(_load(name))) for name in CORPUS]
    charts.append(("tricky names", to_mermaid(tricky())))
    new = tricky()
    del new["States"]["o"]
    new["States"]["x"]["Comment"] = "changed"
    charts.append(("tricky diff", diff_mermaid(diff_definitions(tricky(), new), new)))
    source = tmp_path / "charts.md"
    source.write_text("\n".join(f"```mermaid\n{chart}```\n" for _, chart in charts),
                      encoding="utf-8")
    result = subprocess.run(
        [str(mmdc), "-p", str(folder / "puppeteer.json"), "-i", str(source),
         "-o", str(tmp_path / "out.md")], capture_output=True, text=True, check=False,
        timeout=600)
    done = len(list(tmp_path.glob("out-*.svg")))
    failed = charts[done][0] if done < len(charts) else "?"
    assert result.returncode == 0, f"chart {done + 1} ({failed}): {result.stderr[-3000:]}"
    assert done == len(charts)
