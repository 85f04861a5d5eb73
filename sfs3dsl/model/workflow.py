"""A workflow: a named state machine, the unit that is compiled, validated and run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sfs3dsl.core.errors import BuildError, DeploymentOptionError
from sfs3dsl.model.chain import Chainable, as_chainable
from sfs3dsl.model.source import caller_location
from sfs3dsl.model.states import QueryLanguage
from sfs3dsl.syntax.asl import MAX_NAME_LENGTH, QUERY_LANGUAGES, is_forbidden_in_machine_name

if TYPE_CHECKING:
    from sfs3dsl.compile.compiler import Compiled
    from sfs3dsl.core.problems import Problem
    from sfs3dsl.model.serverless import ServerlessOptions



class Workflow:
    """A state machine: a name, a definition (a state or chain) and top-level options.

    Example:
        >>> wf = Workflow("hello", Pass("a") >> Succeed("done"), timeout_seconds=60)
        >>> wf.to_json()  # the ASL, deterministic
    """

    __slots__ = ("comment", "definition", "deployment", "name", "query_language",
                 "timeout_seconds", "version", "where")

    def __init__(self, name: str, definition: Chainable, *, comment: str | None = None,
                 timeout_seconds: int | None = None, version: str | None = None,
                 query_language: QueryLanguage | None = None,
                 deployment: ServerlessOptions | None = None) -> None:
        self.where = caller_location()
        if not isinstance(name, str) or not name or len(name) > MAX_NAME_LENGTH:
            raise BuildError(f"workflow name {name!r} must be 1 to {MAX_NAME_LENGTH} "
                             "characters", where=self.where, hint='use a name like "process-a"')
        bad = next((c for c in name if is_forbidden_in_machine_name(c)), None)
        if bad is not None:
            raise BuildError(f"workflow name {name!r} contains {bad!r}, which AWS "
                             "does not allow in a state machine name", where=self.where,
                             hint="use letters, digits, '-' and '_'")
        if query_language is not None and query_language not in QUERY_LANGUAGES:
            raise BuildError(f"query_language {query_language!r} is not one of "
                             f"{list(QUERY_LANGUAGES)}", where=self.where,
                             hint='use "JSONPath" or "JSONata"')
        if timeout_seconds is not None and (isinstance(timeout_seconds, bool) or not
                                            isinstance(timeout_seconds, int)
                                            or timeout_seconds <= 0):
            raise BuildError(f"timeout_seconds must be a positive int, got {timeout_seconds!r}",
                             where=self.where, hint="pass timeout_seconds=3600")
        self.name = name
        self.definition = as_chainable(definition, f"Workflow {name!r} definition", self.where)
        self.comment = comment
        self.timeout_seconds = timeout_seconds
        self.version = version
        self.query_language = query_language
        # how it is deployed (serverless.yml and SAM); a side-car's ``serverless=`` otherwise
        self.deployment = deployment
        if deployment is not None:
            from sfs3dsl.model.serverless import ServerlessOptions

            if not isinstance(deployment, ServerlessOptions):
                raise DeploymentOptionError(
                    f"workflow {name!r}: deployment={deployment!r} is not a ServerlessOptions",
                    where=self.where, hint="pass deployment=ServerlessOptions(...)")
            deployment.check(name)

    def compile(self, *, validate: bool = True) -> Compiled:
        """Compile to ASL (see :func:`sfs3dsl.compile_workflow`)."""
        from sfs3dsl.compile.compiler import compile_workflow

        return compile_workflow(self, validate=validate)

    def to_asl(self) -> dict[str, Any]:
        """The ASL document as a dict."""
        return self.compile().asl

    def to_json(self) -> str:
        """The ASL document as deterministic JSON text."""
        return self.compile().to_json()

    def validate(self) -> list[Problem]:
        """Every problem (errors and warnings) of this workflow, with ``file:line``."""
        from sfs3dsl.compile.compiler import compile_workflow
        from sfs3dsl.core.errors import ValidationError

        try:
            return compile_workflow(self, raise_errors=False).problems
        except ValidationError as exc:  # a state shared by two machines: nothing rendered
            return exc.problems

    def __repr__(self) -> str:
        return f"Workflow({self.name!r})"
