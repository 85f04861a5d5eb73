"""Renderers of a :class:`~sfs3dsl.review.diff.Diff`: terminal text, JSON, and a PR comment.

Example:
    >>> print(render_text(diff_definitions(old, new), color=False))
    States
      R States.B -> States.B2 (Pass; 1 reference followed)
    ...
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from sfs3dsl.review.diff import MISSING, Diff, FieldChange, Transition
from sfs3dsl.review.graph import add_ghost, build_graph, graph_to_mermaid
from sfs3dsl.review.value_diff import MAX_VALUE, changed_pair, value_text

__all__ = ["MAX_ROWS", "MAX_VALUE", "diff_mermaid", "md_cell", "render_json",
           "render_markdown", "render_text", "value_text"]

#: Rows of the per-change table of a PR comment; the rest are counted, not listed.
MAX_ROWS: Final = 200
#: Mermaid refuses diagrams longer than this by default (``maxTextSize``).
MERMAID_MAX_TEXT: Final = 50_000

#: The colour of each line sign (``!``: a deployment change that widens access) and of
#: section titles, in both the ASL and the deployment diff.
_ANSI: Final = {"+": "\x1b[32m", "-": "\x1b[31m", "~": "\x1b[33m", "R": "\x1b[36m",
                "!": "\x1b[1;31m", "head": "\x1b[1m"}
_RESET: Final = "\x1b[0m"
SIGN: Final = {"added": "+", "removed": "-", "changed": "~"}


def section_lines(title: str, rows: Iterable[tuple[str, str]], *, color: bool) -> list[str]:
    """A text section: its title, then one indented ``<sign> <text>`` line per row,
    coloured by sign when ``color``."""
    if not color:
        return [title, *(f"  {sign} {text}" for sign, text in rows)]
    return [f"{_ANSI['head']}{title}{_RESET}",
            *(f"{_ANSI[sign]}  {sign} {text}{_RESET}" for sign, text in rows)]
_LABELS: Final = {
    "states_added": "states added", "states_removed": "states removed",
    "states_renamed": "states renamed", "fields_changed": "fields changed",
    "top_level_changed": "top-level fields changed",
    "transitions_added": "transitions added", "transitions_removed": "transitions removed",
}


def _field_line(change: FieldChange) -> tuple[str, str]:
    sign = SIGN[change.kind]
    if change.kind == "added":
        return sign, f"{change.path}: {value_text(change.new)}"
    if change.kind == "removed":
        return sign, f"{change.path}: {value_text(change.old)}"
    old, new = changed_pair(change.old, change.new)  # long values: where they differ
    return sign, f"{change.path}: {old} -> {new}"


def _sections(diff: Diff) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    yield "Top level", [_field_line(c) for c in diff.top_level]
    states = [("-", f"{s.path} ({s.type})") for s in diff.removed]
    states += [("+", f"{s.path} ({s.type})") for s in diff.added]
    for r in diff.renamed:
        refs = len(r.references)
        states.append(("R", f"{r.old_path} -> {r.new_path} ({r.type}; {refs} reference"
                            f"{'' if refs == 1 else 's'} followed)"))
    yield "States", states
    yield "Fields", [_field_line(c) for c in diff.changed]
    yield "Transitions", ([("-", f"{t.path} -> {t.target}") for t in diff.transitions_removed]
                          + [("+", f"{t.path} -> {t.target}") for t in diff.transitions_added])


def render_text(diff: Diff, color: bool = False) -> str:
    """A diff for a terminal: one line per change, ANSI colours only when ``color``.

    Example:
        >>> render_text(Diff())
        'No changes.\\n'
    """
    if diff.is_empty:
        return "No changes.\n"

    lines: list[str] = []
    for title, rows in _sections(diff):
        if rows:
            lines.extend(section_lines(title, rows, color=color))
    counts = diff.counts()
    lines.append(", ".join(f"{n} {_LABELS[k]}" for k, n in counts.items() if n))
    return "\n".join(lines) + "\n"


def _field_json(change: FieldChange) -> dict[str, Any]:
    out: dict[str, Any] = {"path": change.path, "state": change.state, "change": change.kind}
    if change.old is not MISSING:
        out["old"] = change.old
    if change.new is not MISSING:
        out["new"] = change.new
    return out


def _transition_json(t: Transition) -> dict[str, Any]:
    return {"path": t.path, "state": t.state, "via": t.via, "target": t.target}


def render_json(diff: Diff) -> dict[str, Any]:
    """A diff as plain JSON data (absent values are left out, never ``null``).

    Example:
        >>> render_json(Diff())["summary"]["states_added"]
        0
    """
    return {
        "summary": diff.counts(),
        "top_level": [_field_json(c) for c in diff.top_level],
        "added": [{"path": s.path, "name": s.name, "type": s.type} for s in diff.added],
        "removed": [{"path": s.path, "name": s.name, "type": s.type} for s in diff.removed],
        "renamed": [{"old_path": r.old_path, "new_path": r.new_path, "old_name": r.old_name,
                     "new_name": r.new_name, "type": r.type,
                     "references": list(r.references)} for r in diff.renamed],
        "changed": [_field_json(c) for c in diff.changed],
        "transitions_added": [_transition_json(t) for t in diff.transitions_added],
        "transitions_removed": [_transition_json(t) for t in diff.transitions_removed],
    }


# --- Markdown -------------------------------------------------------------------------------

def md_cell(text: str) -> str:
    """A table cell as inline code; pipes escaped, line breaks flattened."""
    if not text:
        return ""
    text = " ".join(text.split()).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _rows(diff: Diff) -> Iterator[tuple[str, str, str, str]]:
    for c in diff.top_level:
        yield _change_row(c)
    for s in diff.removed:
        yield "state removed", s.path, s.type, ""
    for s in diff.added:
        yield "state added", s.path, "", s.type
    for r in diff.renamed:
        yield "state renamed", r.new_path, r.old_name, r.new_name
    for c in diff.changed:
        yield _change_row(c)
    for t in diff.transitions_removed:
        yield "transition removed", t.path, t.target, ""
    for t in diff.transitions_added:
        yield "transition added", t.path, "", t.target


def _change_row(c: FieldChange) -> tuple[str, str, str, str]:
    if c.kind == "changed":
        old, new = changed_pair(c.old, c.new)
    else:
        old = "" if c.old is MISSING else value_text(c.old)
        new = "" if c.new is MISSING else value_text(c.new)
    return f"field {c.kind}", c.path, old, new


def diff_mermaid(diff: Diff, new_definition: Mapping[str, Any]) -> str:
    """A Mermaid flowchart of the new definition with the diff's states styled.

    Added, renamed and changed states get the classes ``added``, ``renamed`` and
    ``changed``; removed states come back as dashed ghost nodes (class ``removed``) with
    dotted edges to their old targets.
    """
    graph = build_graph(new_definition)
    by_path = {node.path: node for node in graph.nodes.values() if node.path}
    for path in diff.changed_states:
        if path in by_path:
            by_path[path].css = "changed"
    for r in diff.renamed:
        if r.new_path in by_path:
            node = by_path[r.new_path]
            node.css, node.name = "renamed", f"{r.new_name} (was {r.old_name})"
    for s in diff.added:
        if s.path in by_path:
            by_path[s.path].css = "added"
    for s in diff.removed:
        ghost = add_ghost(graph, s.scope, f"{s.name} (removed)", s.type, s.targets)
        graph.nodes[ghost].css = "removed"
    return graph_to_mermaid(graph)


def render_markdown(diff: Diff, new_definition: Mapping[str, Any]) -> str:
    """A pull-request comment: a summary table, a per-change table and a Mermaid flowchart.

    Example:
        >>> text = render_markdown(diff_definitions(old, new), new)
        >>> "```mermaid" in text
        True
    """
    lines = ["### State machine changes", ""]
    if diff.is_empty:
        lines += ["No semantic changes.", ""]
    lines += ["| change | count |", "|---|---:|"]
    lines += [f"| {_LABELS[k]} | {n} |" for k, n in diff.counts().items()]
    rows = list(_rows(diff))
    if rows:
        lines += ["", "| change | path | old | new |", "|---|---|---|---|"]
        lines += [f"| {kind} | {md_cell(path)} | {md_cell(old)} | {md_cell(new)} |"
                  for kind, path, old, new in rows[:MAX_ROWS]]
        if len(rows) > MAX_ROWS:
            lines.append(f"\n... and {len(rows) - MAX_ROWS} more changes.")
    chart = diff_mermaid(diff, new_definition)
    lines.append("")
    if len(chart) > MERMAID_MAX_TEXT:
        lines.append(f"_Flowchart left out: {len(chart):,} characters is more than Mermaid "
                     f"draws by default ({MERMAID_MAX_TEXT:,})._")
    else:
        lines += ["```mermaid", chart.rstrip("\n"), "```", "",
                  "Green: added. Dashed grey: removed. Blue: renamed. Yellow: changed."]
    return "\n".join(lines) + "\n"
