"""``serve`` put together: load the workflows, start the S3, the runner, the service, the
facade and the HTTP server; stop them in the reverse order.

Example:
    >>> with Served(ServeOptions([Path("workflows")], port=0, api_keys=["k"])) as served:
    ...     boto3.client("stepfunctions", endpoint_url=served.url).list_state_machines()
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl.core.errors import LoadError
from sfs3dsl.run.environ import restore_environ, set_environ

if TYPE_CHECKING:
    from sfs3dsl.run.definitions import Definitions
    from sfs3dsl.run.interpreter import TaskContext
    from sfs3dsl.run.local import LocalRun
    from sfs3dsl.serve.facade import Facade
    from sfs3dsl.serve.notices import Notices
    from sfs3dsl.serve.s3 import S3Server
    from sfs3dsl.serve.server import HttpServer
    from sfs3dsl.serve.service import StepFunctionsService

#: Credentials for the local S3 when the environment has none (moto checks no signature).
_FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}


@dataclass
class ServeOptions:
    paths: list[Path]
    port: int = 8083
    api_keys: list[str] = field(default_factory=list)
    clock: str = "real"
    region: str = "us-east-1"
    account: str = "123456789012"
    generated: Path = Path("generated")
    mocks: tuple[str, ...] = ()
    host: str = "127.0.0.1"
    #: On the virtual clock: real seconds a callback waits for a call before its clock
    #: jumps to its timeout or heartbeat deadline.
    callback_patience: float = 1.0


def load_all(paths: list[Path]) -> Definitions:
    """Every workflow of the modules and ASL files named or found in the folders named, as
    one set of definitions (a workflow a module starts, loaded twice, counts once)."""
    from sfs3dsl.project.load import expand
    from sfs3dsl.run.definitions import Definitions, load_definitions

    machines: dict[str, dict[str, Any]] = {}
    workflows: dict[str, Any] = {}
    origins: dict[str, Path] = {}
    for path in expand(paths):
        found = load_definitions(path)
        for name, asl in found.machines.items():
            if name in machines and machines[name] != asl:
                raise LoadError(f"{path}: workflow {name!r} is also defined, differently, in "
                                f"{origins[name]}", hint="give one of them another name")
            machines.setdefault(name, asl)
            origins.setdefault(name, path)
            if name in found.workflows:
                workflows.setdefault(name, found.workflows[name])
    if not machines:
        raise LoadError(f"{', '.join(map(str, paths))}: no workflow found",
                        hint="give workflow modules (.py), ASL files or a folder of them")
    main = next(iter(machines))
    return Definitions(main, machines, origins[main], workflows)


def _not_here(payload: Any, ctx: TaskContext) -> Any:
    """What runs a Task nothing else runs: a callback waits for its token (an SQS queue or
    an SNS topic would deliver it to a worker that calls SendTaskSuccess); anything else
    fails as calling a function that does not exist fails."""
    from sfs3dsl.run.interpreter import TaskFailure

    if ctx.token:
        return None
    lambda_call = ctx.resource.startswith(("arn:aws:states:::lambda:", "arn:aws:lambda:"))
    error = "Lambda.ResourceNotFoundException" if lambda_call else "States.TaskFailed"
    raise TaskFailure(error, f"sfs3dsl serve: nothing runs the state {ctx.state!r} "
                             f"({ctx.resource}); give it a mock: --mock {ctx.state}=@result.json")


class Served:
    """A running ``serve`` (a context manager); :attr:`url` is its endpoint."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.api_keys = list(options.api_keys) or [secrets.token_urlsafe(24)]
        self.s3: S3Server | None = None
        self.local: LocalRun | None = None
        self.service: StepFunctionsService | None = None
        self.facade: Facade | None = None
        self.notices: Notices | None = None
        self.http: HttpServer | None = None
        self.routes = 0
        self._saved_env: dict[str, str | None] = {}

    @property
    def url(self) -> str:
        if self.http is None:
            raise LoadError("serve is not started", hint="use it as a context manager")
        return self.http.url

    def __enter__(self) -> Served:
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        from sfs3dsl.run.local import LocalRun
        from sfs3dsl.run.mocks import parse_mock
        from sfs3dsl.serve.facade import Facade, load_routes
        from sfs3dsl.serve.notices import Notices
        from sfs3dsl.serve.s3 import S3Server
        from sfs3dsl.serve.server import HttpServer, Parts
        from sfs3dsl.serve.service import InProcessClient, StepFunctionsService
        from sfs3dsl_runtime import clients

        opts = self.options
        definitions = load_all(opts.paths)
        tasks = dict(parse_mock(spec) for spec in opts.mocks)
        self._set_env()
        self.s3 = S3Server(opts.host).start()
        local = LocalRun(definitions, clock=opts.clock, tasks=tasks, generated=opts.generated,
                         s3_endpoint=self.s3.url, s3=True, region=opts.region,
                         account=opts.account, fallback=_not_here)
        local.runner.callback_patience = opts.callback_patience
        self.local = local.__enter__()
        self.service = service = StepFunctionsService(local.runner)
        for name, asl in definitions.machines.items():
            service.machines.add(name, asl)
        # after LocalRun started: its side-car set its own stand-in, which this replaces
        clients.use("stepfunctions", InProcessClient(service))
        self.notices = Notices()
        service.executions.on_end(self.notices.publish_record)
        self.facade = Facade(self.api_keys)
        sidecar = local.sidecar
        for name in definitions.machines:
            arn = service.machines.arn(name)
            env = {"SFS3DSL_STATE_MACHINE_ARN": arn}
            if sidecar is not None and name in sidecar:
                env["SFS3DSL_BUCKET"] = sidecar.buckets[name]
            self.routes += load_routes(self.facade, opts.generated, name, arn, env, service)
        self.http = HttpServer(opts.host, opts.port, Parts(service, self.facade,
                                                           self.notices, self.s3)).start()

    def _set_env(self) -> None:
        values = {k: v for k, v in _FAKE_CREDENTIALS.items() if not os.environ.get(k)}
        if not os.environ.get("AWS_DEFAULT_REGION"):
            values["AWS_DEFAULT_REGION"] = self.options.region
        self._saved_env = set_environ(values)

    def stop_executions(self, timeout: float = 5.0) -> int:
        """Stop every running execution (as StopExecution); returns how many."""
        if self.service is None:
            return 0
        running = [r.handle for r in self.service.executions.running() if r.handle]
        for handle in running:
            handle.abort()
        for handle in running:
            with contextlib.suppress(Exception):  # ended with a harness error, or still busy
                handle.wait(timeout)
        return len(running)

    def __exit__(self, *exc: object) -> None:
        from sfs3dsl_runtime import clients

        try:
            if self.http is not None:
                self.http.stop()
                self.http = None
            self.stop_executions()
            if self.local is not None:
                self.local.__exit__(None, None, None)
                self.local = None
        finally:
            clients.reset()
            if self.s3 is not None:
                self.s3.stop()
                self.s3 = None
            restore_environ(self._saved_env)
            self._saved_env = {}
