"""The state base class and the simple states: Pass, Wait, Succeed, Fail.

Each state keeps its ASL fields in ``fields`` (ASL key -> the user's value) and renders
itself with small helpers that drop what was left out. Local mistakes fail in the
constructor with the user's ``file:line``; graph mistakes are found at compile time.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.chain import Chain, Chainable
from sfs3dsl.model.expressions import UNSET, Jsonata, _Unset
from sfs3dsl.model.intrinsics import Intrinsic
from sfs3dsl.model.payload import AslObject, render_expr, render_path_field, render_payload
from sfs3dsl.model.source import caller_location
from sfs3dsl.model.values import JsonPath
from sfs3dsl.syntax.asl import JSONATA, MAX_NAME_LENGTH, MAX_WAIT_SECONDS, QUERY_LANGUAGES

if TYPE_CHECKING:
    from sfs3dsl.compile.compiler import RenderContext

QueryLanguage = Literal["JSONPath", "JSONata"]

_PATH_FIELDS = frozenset({
    "InputPath", "OutputPath", "ResultPath", "ItemsPath", "SecondsPath", "TimestampPath",
    "ErrorPath", "CausePath", "TimeoutSecondsPath", "HeartbeatSecondsPath",
    "MaxConcurrencyPath", "ToleratedFailurePercentagePath", "ToleratedFailureCountPath",
})
_TEMPLATE_FIELDS = frozenset({"Parameters", "ResultSelector", "ItemSelector", "Arguments",
                              "Output", "Assign", "Credentials"})
_FORBIDDEN_NAME_CHARS = frozenset("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r"
                                  "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
                                  "\x1b\x1c\x1d\x1e\x1f\x7f")


class State(Chainable):
    """Base of the eight state types.

    Args:
        name: the state's name; left out, the compiler names it after its type or resource.
        comment: the ASL ``Comment``.
        query_language: ``"JSONPath"`` or ``"JSONata"`` for this state only.
    """

    type: ClassVar[str] = ""
    terminal: ClassVar[bool] = False  # Succeed, Fail: nothing follows
    #: Only ever moves to ``next_state`` and holds no machines: the compiler's walk takes
    #: a shortcut for these (set for each class from what it overrides).
    plain: ClassVar[bool] = True
    #: Renders fields that need the context (``render_extra`` is overridden).
    extra: ClassVar[bool] = False
    #: Renders ``Next`` or ``End`` (not Succeed, Fail or Choice).
    continues: ClassVar[bool] = True
    #: Defined in this package (as all its bases are) with an ``__init__`` of its own:
    #: what called ``State.__init__`` is one of those ``__init__`` methods, a frame
    #: ``caller_location`` need not look at. Not for State itself, nor a user's subclass.
    ours: ClassVar[bool] = False
    __slots__ = ("fields", "name", "next_state", "query_language", "walk_mark", "where")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.plain = (cls.successors is State.successors
                     and cls.sub_machines is State.sub_machines)
        cls.extra = cls.render_extra is not State.render_extra
        cls.continues = not cls.terminal and cls.type != "Choice"
        cls.ours = cls.__module__.startswith("sfs3dsl.") and cls.__init__ is not State.__init__

    def __init__(self, name: str | None, *, comment: str | None,
                 query_language: QueryLanguage | None) -> None:
        self.where = caller_location(1 if self.ours else 0)
        if name is not None and not (type(name) is str and 0 < len(name) <= MAX_NAME_LENGTH
                                     and name.isprintable()):
            _check_name(name, self.where)  # says what is wrong (or lets a rare name pass)
        self.name = name
        if query_language is not None and query_language not in QUERY_LANGUAGES:
            raise BuildError(f"query_language {query_language!r} is not one of "
                             f"{list(QUERY_LANGUAGES)}", state=name, where=self.where,
                             hint='use "JSONPath" or "JSONata"')
        self.query_language = query_language
        self.next_state: State | None = None
        self.fields: dict[str, Any] = {}
        #: the compiler's mark for a state its walk has met (``compile.compiler._discover``);
        #: a name no user subclass is likely to give a field of its own
        self.walk_mark = 0
        if comment is not None:
            self.fields["Comment"] = comment

    # -- chaining ------------------------------------------------------------------------
    @property
    def start_state(self) -> State:
        return self

    @property
    def end_states(self) -> Sequence[State]:
        return () if self.terminal else (self,)

    @property
    def closed_by(self) -> State:
        return self  # Chainable's answer (the start state), one property call sooner

    def continue_to(self, target: State) -> None:
        """Set this state's Next; a second, different Next is a mistake."""
        if self.terminal:
            raise BuildError(f"a {self.type} state ends the workflow; nothing can follow it",
                             state=self.label, where=self.where,
                             hint=f"remove the state after {self.label!r} or use a Pass")
        if self.next_state is not None and self.next_state is not target:
            raise BuildError(f"already continues to {self.next_state.label!r}; "
                             f"cannot also continue to {target.label!r}",
                             state=self.label, where=self.where,
                             hint="use a Choice to branch, or a Parallel to run both")
        self.next_state = target

    @property
    def label(self) -> str:
        """The name, or ``<Type>`` for a state the compiler will name."""
        return self.name if self.name is not None else f"<{self.type}>"

    # -- fields --------------------------------------------------------------------------
    def _set(self, key: str, value: Any) -> None:
        if value is not UNSET:
            self.fields[key] = value

    def _set_io(self, *, input_path: Any = UNSET, output_path: Any = UNSET,
                output: Any = UNSET, assign: Mapping[str, Any] | None = None) -> None:
        fields = self.fields
        if input_path is not UNSET:
            fields["InputPath"] = input_path
        if output_path is not UNSET:
            fields["OutputPath"] = output_path
        if output is not UNSET:
            fields["Output"] = output
        if assign is not None:
            fields["Assign"] = assign

    def _fail(self, message: str, hint: str) -> BuildError:
        return BuildError(message, state=self.label, where=self.where, hint=hint)

    # -- graph ---------------------------------------------------------------------------
    def successors(self) -> Iterator[State]:
        """States this one can move to within its own machine."""
        if self.next_state is not None:
            yield self.next_state

    def sub_machines(self) -> Sequence[Chainable]:
        """Branches of a Parallel, the processor of a Map."""
        return ()

    # -- rendering -----------------------------------------------------------------------
    def is_jsonata(self, ctx: RenderContext) -> bool:
        return (self.query_language or ctx.query_language) == JSONATA

    def render(self, ctx: RenderContext) -> dict[str, Any]:
        """The state's ASL dict. Called once for every state compiled, so the class flags
        (``extra``, ``continues``) stand in for calls and comparisons made each time."""
        language = self.query_language
        if language is None:
            jsonata = ctx.query_language == JSONATA
            out: dict[str, Any] = {"Type": self.type}
        else:
            jsonata = language == JSONATA
            out = {"Type": self.type, "QueryLanguage": language}
        for key, value in self.fields.items():
            # Every field renders a str as it is, and an int unless it is a path field
            # (which refuses it): no call for the commonest values.
            if type(value) is str or (type(value) is int and key not in _PATH_FIELDS):
                out[key] = value
                continue
            try:
                if type(value) is dict and key in _TEMPLATE_FIELDS:  # _render_field's
                    out[key] = render_payload(value, jsonata=jsonata, field=key)  # answer
                else:
                    out[key] = _render_field(key, value, jsonata=jsonata)
            except BuildError as exc:  # a payload mistake: say which state, and where
                if exc.where is not None:
                    raise
                raise BuildError(exc.message, state=self.label, where=self.where,
                                 hint=exc.hint) from None
        if self.extra:
            self.render_extra(out, ctx, jsonata)
        if self.continues:
            target = self.next_state
            if target is None:
                out["End"] = True
            else:
                out["Next"] = ctx.name_of(target)
        return out

    def render_extra(self, out: dict[str, Any], ctx: RenderContext, jsonata: bool) -> None:
        """Add fields that need the context (targets, branches); none by default."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.label!r})"


def _render_field(key: str, value: Any, *, jsonata: bool) -> Any:
    if isinstance(value, AslObject):
        return value.render(jsonata=jsonata)
    if key in _PATH_FIELDS:
        return str(value) if isinstance(value, Intrinsic) else render_path_field(value, key)
    if key in _TEMPLATE_FIELDS:
        return render_payload(value, jsonata=jsonata, field=key)
    if key == "Result":
        return _static(value)
    return render_expr(value)


def _fixed(value: Any) -> bool:
    """True when ``value`` is plain dicts, lists, str, numbers, bools and None: the usual
    Result, checked without the paths :func:`_static` builds to name a mistake."""
    kind = type(value)
    if kind is dict:
        return all(map(_fixed, value.values()))
    if kind is list:
        return all(map(_fixed, value))
    return kind is str or kind is int or kind is float or kind is bool or value is None


def _static(value: Any) -> Any:
    """A Pass ``Result``: fixed JSON, so a run-time value in it is a mistake."""
    if _fixed(value):
        return render_payload(value, jsonata=False, field="Result")
    stack: list[tuple[str, Any]] = [("Result", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, JsonPath | Intrinsic | Jsonata):
            raise BuildError(f"{where} holds the run-time value {item}, but Result is fixed "
                             "JSON", hint="use parameters= (JSONPath) or output= (JSONata) to "
                             "compute values from the input")
        if isinstance(item, Mapping):
            stack.extend((f"{where}.{k}", v) for k, v in item.items())
        elif isinstance(item, list | tuple):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(item))
    return render_payload(value, jsonata=False, field="Result")


def _check_name(name: object, where: str) -> None:
    if not isinstance(name, str) or not name:
        raise BuildError(f"a state name must be a non-empty str, got {name!r}", where=where,
                         hint='pass a name such as "step-a"')
    if len(name) > MAX_NAME_LENGTH:
        raise BuildError(f"the name is {len(name)} characters long; AWS allows "
                         f"{MAX_NAME_LENGTH}", state=name[:40] + "...", where=where,
                         hint="shorten the name")
    bad = [] if name.isprintable() else sorted({c for c in name if c in _FORBIDDEN_NAME_CHARS})
    if bad:
        raise BuildError(f"the name contains control characters {bad!r}", state=name,
                         where=where, hint="use printable characters only")


def split_dynamic(value: Any, key: str, path_key: str) -> tuple[str, Any]:
    """A JsonPath or intrinsic value goes to the ``...Path`` field, anything else stays."""
    if isinstance(value, JsonPath | Intrinsic):
        return path_key, str(value)
    return key, value


class Pass(State):
    """Passes its input on, optionally with a fixed ``result`` or a payload template."""

    type = "Pass"
    __slots__ = ()

    def __init__(self, name: str | None = None, *, result: Any = UNSET,
                 parameters: Any = UNSET, input_path: Any = UNSET, result_path: Any = UNSET,
                 output_path: Any = UNSET, output: Any = UNSET,
                 assign: Mapping[str, Any] | None = None, comment: str | None = None,
                 query_language: QueryLanguage | None = None) -> None:
        State.__init__(self, name, comment=comment, query_language=query_language)
        # The calls are skipped when nothing is given: a line of 100,000 bare Pass states
        # is built here.
        if input_path is not UNSET or output_path is not UNSET or output is not UNSET \
                or assign is not None:
            self._set_io(input_path=input_path, output_path=output_path, output=output,
                         assign=assign)
        if parameters is not UNSET or result is not UNSET or result_path is not UNSET:
            self._set("Parameters", parameters)
            self._set("Result", result)
            self._set("ResultPath", result_path)


class Wait(State):
    """Waits for ``seconds`` or until ``timestamp``; a JsonPath makes it ``SecondsPath`` /
    ``TimestampPath``, a Jsonata expression is evaluated at run time.

    Example:
        >>> Wait("pause", seconds=5)
        >>> Wait("until", timestamp=JsonPath("$.timestamp"))
    """

    type = "Wait"
    __slots__ = ()

    def __init__(self, name: str | None = None, *, seconds: Any = UNSET,
                 timestamp: Any = UNSET, input_path: Any = UNSET, output_path: Any = UNSET,
                 output: Any = UNSET, assign: Mapping[str, Any] | None = None,
                 comment: str | None = None,
                 query_language: QueryLanguage | None = None) -> None:
        super().__init__(name, comment=comment, query_language=query_language)
        if (seconds is UNSET) is (timestamp is UNSET):  # neither or both
            raise self._fail("a Wait needs exactly one of seconds or timestamp",
                             hint="pass seconds=10, or timestamp=JsonPath('$.when')")
        if not isinstance(seconds, _Unset):
            if isinstance(seconds, bool) or (isinstance(seconds, int | float) and not (
                    isinstance(seconds, int) and 0 <= seconds <= MAX_WAIT_SECONDS)):
                raise self._fail(f"seconds={seconds!r} is not a whole number from 0 to "
                                 f"{MAX_WAIT_SECONDS:,}", hint="pass an int such as 5")
            key, value = split_dynamic(seconds, "Seconds", "SecondsPath")
        else:
            if isinstance(timestamp, _dt.datetime):
                if timestamp.tzinfo is None:
                    raise self._fail("the timestamp has no time zone",
                                     hint="pass datetime(..., tzinfo=timezone.utc)")
                timestamp = timestamp.isoformat().replace("+00:00", "Z")
            key, value = split_dynamic(timestamp, "Timestamp", "TimestampPath")
        self.fields[key] = value
        if input_path is not UNSET or output_path is not UNSET or output is not UNSET \
                or assign is not None:  # (no call when none is given)
            self._set_io(input_path=input_path, output_path=output_path, output=output,
                         assign=assign)


class Succeed(State):
    """Ends the execution (or its branch) successfully."""

    type = "Succeed"
    terminal = True
    __slots__ = ()

    def __init__(self, name: str | None = None, *, input_path: Any = UNSET,
                 output_path: Any = UNSET, output: Any = UNSET, comment: str | None = None,
                 query_language: QueryLanguage | None = None) -> None:
        super().__init__(name, comment=comment, query_language=query_language)
        self._set_io(input_path=input_path, output_path=output_path, output=output)


class Fail(State):
    """Ends the execution with an error; a JsonPath or intrinsic makes it ErrorPath/CausePath.

    Example:
        >>> Fail("Boom", error="Flaky.Failed", cause=JsonPath("$.Cause"))
    """

    type = "Fail"
    terminal = True
    __slots__ = ()

    def __init__(self, name: str | None = None, *, error: Any = UNSET, cause: Any = UNSET,
                 comment: str | None = None,
                 query_language: QueryLanguage | None = None) -> None:
        super().__init__(name, comment=comment, query_language=query_language)
        if not isinstance(error, _Unset):
            key, value = split_dynamic(error, "Error", "ErrorPath")
            self.fields[key] = value
        if not isinstance(cause, _Unset):
            key, value = split_dynamic(cause, "Cause", "CausePath")
            self.fields[key] = value


__all__ = ["Chain", "Fail", "Pass", "State", "Succeed", "Wait"]
