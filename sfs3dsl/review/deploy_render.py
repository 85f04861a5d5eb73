"""A deployment diff as text for a terminal, Markdown for a pull request, and JSON data.

The three read alike and alike with the ASL diff's (:mod:`.diff_render`): ``+`` added, ``-``
removed, ``~`` changed, and ``!`` for a widened grant, which always comes first (text: the
``Deployment: IAM widened`` section; Markdown: an "IAM widened" list above the table; JSON:
the change's ``widened`` reason). A change found in only some of the files compared names
them (``[template.yaml]``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any, Final

from sfs3dsl.review.deploy_diff import CATEGORIES, DeployChange, DeployDiff
from sfs3dsl.review.diff import MISSING, ChangeKind
from sfs3dsl.review.diff_render import MAX_ROWS, SIGN, md_cell, section_lines
from sfs3dsl.review.handler_model import HANDLERS
from sfs3dsl.review.value_diff import changed_pair, json_text_changes, value_text

_TITLES: Final = {"iam": "IAM", "functions": "functions", "steps": "side-car steps",
                  "routes": "routes",
                  "buckets": "buckets", "api": "API", "state_machines": "state machines",
                  "notifications": "notifications", "resources": "resources"}
_LABELS: Final = {"iam": "IAM grants", "functions": "functions", "steps": "side-car steps",
                  "routes": "routes",
                  "buckets": "buckets", "api": "API settings",
                  "state_machines": "state machines", "notifications": "notifications",
                  "resources": "resources"}
_ONE: Final = {"iam": "IAM statement", "functions": "function", "steps": "side-car step",
               "routes": "route",
               "buckets": "bucket", "api": "API setting", "state_machines": "state machine",
               "notifications": "notification", "resources": "resource"}
#: The settings of a new function worth a reviewer's eye, in this order.
_FUNCTION_SUMMARY: Final = ("runtime", "memorySize", "timeout", "handler", "environment",
                            "vpc", "reservedConcurrency")


def _summary(change: DeployChange) -> str:
    """A whole thing added or removed, after its name: ``: settings``, `` -> target`` or
    `` (Type)``."""
    value = change.new if change.old is MISSING else change.old
    if change.category == "functions" and isinstance(value, dict):
        parts = []
        for name in _FUNCTION_SUMMARY:
            if name == "environment" and isinstance(value.get(name), dict):
                parts.append("environment " + " ".join(value[name]))
            elif name in value:
                shown = value[name] if isinstance(value[name], str) else \
                    value_text(value[name], 60)
                parts.append(f"{name} {shown}")
        return ": " + ", ".join(parts) if parts else ""
    if change.category == "steps" and isinstance(value, dict):
        parts = [f"calls {value.get('function')}"]
        if value.get("predicate"):
            parts.append(f"after {value['predicate']}")
        if isinstance(value.get("requires"), list):
            parts.append("reads " + (", ".join(map(str, value["requires"])) or "nothing"))
        if value.get("expose"):
            parts.append("exposes " + ", ".join(map(str, value["expose"])))
        return ": " + "; ".join(parts)
    if change.category == "routes" and isinstance(value, dict):
        access = "API key required" if value.get("private") else "public"
        return f" -> {value.get('target')} ({access})"
    if isinstance(value, dict) and isinstance(value.get("Type"), str):
        return f" ({value['Type']})"
    return ""


def _grouped(changes: Iterable[DeployChange]) -> Iterator[tuple[DeployChange, str | None,
                                                                  str | None]]:
    """Changes with the grants of one statement joined: ``(first change, actions,
    resources)``, the texts to show in place of the grant's own (None for other changes).

    A run of grants alike but for action and resource is one line when it is every action
    on every resource (a statement), else one line per resource."""
    changes = list(changes)
    i = 0
    while i < len(changes):
        head = changes[i]
        if head.grant is None:
            yield head, None, None
            i += 1
            continue
        j = i + 1
        while j < len(changes) and _alike(head, changes[j]):
            j += 1
        run = [c.grant for c in changes[i:j] if c.grant is not None]
        actions = list(dict.fromkeys(g.action for g in run))
        resources = list(dict.fromkeys(g.resource for g in run))
        if len(run) == len(actions) * len(resources):
            yield head, ", ".join(actions), ", ".join(resources)
        else:
            for resource in resources:
                first = next(c for c in changes[i:j] if c.grant and c.grant.resource == resource)
                yield first, ", ".join(g.action for g in run if g.resource == resource), None
        i = j


def _alike(a: DeployChange, b: DeployChange) -> bool:
    return a.grant is not None and b.grant is not None and \
        replace(a.grant, action="", resource="") == replace(b.grant, action="", resource="") \
        and (a.change, a.widened, a.files) == (b.change, b.widened, b.files)


def _what(change: DeployChange, actions: str | None = None, resources: str | None = None
          ) -> tuple[str, str, str]:
    """``(what, old, new)`` of one change, as plain text."""
    if change.grant is not None:
        text = change.grant.text(actions, resources)
        return change.subject, text if change.change == "removed" else "", \
            text if change.change == "added" else ""
    if change.field is not None:
        if change.change == "changed" and change.old is not MISSING \
                and change.new is not MISSING:
            old, new = changed_pair(change.old, change.new)  # long values: where they differ
        else:
            old = "" if change.old is MISSING else value_text(change.old)
            new = "" if change.new is MISSING else value_text(change.new)
        return f"{change.subject}.{change.field}", old, new
    summary = _summary(change).removeprefix(": ").strip()
    return change.subject, summary if change.change == "removed" else "", \
        summary if change.change == "added" else ""


def _json_paths(changes: Iterable[DeployChange]) -> Iterator[DeployChange]:
    """The changes as listed in text and Markdown: a setting whose two values are JSON
    text (a dashboard's body) becomes one change per JSON path that differs
    (``DashboardBody $.widgets[0].properties.period: 300 -> 60``)."""
    for change in changes:
        paths = None
        if change.field is not None and change.change == "changed":
            paths = json_text_changes(change.old, change.new)
        if not paths:
            yield change
            continue
        for path, old, new in paths:
            kind: ChangeKind = "added" if old is MISSING else \
                "removed" if new is MISSING else "changed"
            yield replace(change, change=kind, field=f"{change.field} {path}", old=old, new=new)


def _where(change: DeployChange, diff: DeployDiff) -> str:
    """`` [file]`` when a change is in only some of the deployment files that could hold
    it (the handlers hold the side-car steps and nothing else)."""
    files = tuple(f for f in diff.files if f != HANDLERS)
    if change.files in (files, (HANDLERS,)):
        return ""
    return f" [{', '.join(change.files)}]"


def _line(change: DeployChange, diff: DeployDiff, actions: str | None = None,
          resources: str | None = None) -> tuple[str, str]:
    what, old, new = _what(change, actions, resources)
    if change.grant is None and change.field is None:
        text = change.subject + _summary(change)
    elif change.change == "changed":
        text = f"{what}: {old} -> {new}"
    else:
        text = f"{what}: {old or new}"
    if change.widened:
        return "!", f"{text} (widened: {change.widened}){_where(change, diff)}"
    return SIGN[change.change], text + _where(change, diff)


def _sections(diff: DeployDiff) -> Iterator[tuple[str, list[DeployChange]]]:
    yield "IAM widened", list(diff.widened)
    for category in CATEGORIES:
        yield _TITLES[category], [c for c in diff.changes
                                  if c.category == category and not c.widened]


def _counts_text(diff: DeployDiff) -> str:
    counts = diff.counts()
    parts = [f"{counts['widened']} widened"] if counts["widened"] else []
    parts += [f"{counts[f'{cat}_{kind}']} {_LABELS[cat]} {kind}" for cat in CATEGORIES
              for kind in ("added", "removed", "changed") if counts[f"{cat}_{kind}"]]
    return ", ".join(parts)


def render_deploy_text(diff: DeployDiff, color: bool = False) -> str:
    """Text sections ``Deployment: ...``, one line per change; ``""`` when nothing changed.

    Example:
        >>> render_deploy_text(DeployDiff())
        ''
    """
    if diff.is_empty:
        return ""

    lines: list[str] = []
    for title, changes in _sections(diff):
        if changes:
            lines.extend(section_lines(
                f"Deployment: {title}",
                (_line(c, diff, a, r) for c, a, r in _grouped(_json_paths(changes))),
                color=color))
    lines.append(f"Deployment: {_counts_text(diff)} ({', '.join(diff.files)})")
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    """JSON data of a value read from YAML (a date becomes its text)."""
    return json.loads(json.dumps(value, default=str))


def change_json(change: DeployChange) -> dict[str, Any]:
    out: dict[str, Any] = {"category": change.category, "change": change.change,
                           "subject": change.subject}
    if change.field is not None:
        out["field"] = change.field
    if change.grant is not None:
        out["statement"] = change.grant.to_json()
    if change.old is not MISSING:
        out["old"] = _plain(change.old)
    if change.new is not MISSING:
        out["new"] = _plain(change.new)
    if change.widened:
        out["widened"] = change.widened
    out["files"] = list(change.files)
    return out


def render_deploy_json(diff: DeployDiff) -> dict[str, Any]:
    """The ``deployment`` entry of ``sfs3dsl diff --format json`` (absent values are left
    out, never ``null``).

    Example:
        >>> render_deploy_json(DeployDiff())["changes"]
        []
    """
    return {"files": list(diff.files), "summary": diff.counts(),
            "changes": [change_json(c) for c in diff.changes]}


def render_deploy_markdown(diff: DeployDiff) -> str:
    """A "Deployment changes" section for a pull request; ``""`` when nothing changed."""
    if diff.is_empty:
        return ""
    lines = ["### Deployment changes", "", f"Compared: {', '.join(diff.files)}.", ""]
    if diff.widened:
        lines += ["**IAM widened**", ""]
        for change, actions, resources in _grouped(diff.widened):
            what, old, new = _what(change, actions, resources)
            shown = f"{old} -> {new}" if change.change == "changed" else old or new
            lines.append(f"- {md_cell(what)}: {md_cell(shown)} ({change.widened})"
                         f"{_where(change, diff)}")
        lines.append("")
    rows = list(_grouped(_json_paths(c for c in diff.changes if not c.widened)))
    if rows:
        lines += ["| change | what | old | new |", "|---|---|---|---|"]
        for change, actions, resources in rows[:MAX_ROWS]:
            what, old, new = _what(change, actions, resources)
            kind = f"{_ONE[change.category]} {change.change}"
            if change.grant is not None and change.category == "buckets":
                kind = f"bucket policy statement {change.change}"
            elif change.field is not None:
                kind = f"{_ONE[change.category]} setting {change.change}"
            lines.append(f"| {kind}{_where(change, diff)} | {md_cell(what)} | {md_cell(old)} "
                         f"| {md_cell(new)} |")
        if len(rows) > MAX_ROWS:
            lines += ["", f"... and {len(rows) - MAX_ROWS} more changes."]
        lines.append("")
    lines.append(_counts_text(diff) + ".")
    return "\n".join(lines) + "\n"
