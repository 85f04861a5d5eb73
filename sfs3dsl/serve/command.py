"""``sfs3dsl serve``: start :class:`~sfs3dsl.serve.app.Served`, say where it listens, and
serve until Ctrl-C (or SIGTERM), then stop the executions still running and exit 0."""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Callable
from typing import Any

from sfs3dsl.serve.app import Served, ServeOptions

Echo = Callable[[str], None]


def serve(options: ServeOptions, echo: Echo, *, ready: threading.Event | None = None,
          stop: threading.Event | None = None) -> int:
    """Serve until ``stop`` is set, Ctrl-C or SIGTERM; returns the exit code (0)."""
    stop = stop or threading.Event()
    with Served(options) as served:
        assert served.service is not None
        url = served.url
        machines = served.service.machines.all()
        echo(f"sfs3dsl serve: listening on {url} ({options.clock} clock); "
             f"{len(machines)} state machine(s), {served.routes} API route(s)")
        for machine in machines:
            echo(f"  {machine.arn}")
        keys = ", ".join(served.api_keys)
        echo(f"  API key (x-api-key): {keys}")
        echo(f"  AWS CLI: aws stepfunctions list-state-machines --endpoint-url {url}")
        echo(f"  S3:      aws s3 ls --endpoint-url {url}")
        echo(f"  notices: GET {url}/notices?topic=<workflow>&after=0&wait=20")
        echo("press Ctrl-C to stop")
        previous = _on_sigterm(stop)
        # Everything loaded so far (moto, botocore, the workflows) lives as long as the
        # server: out of the collector's generations, a full collection no longer walks it
        # again and again under load (a few per cent of serve's CPU per execution in
        # benchmarks/bench_serve.py). Undone below: serve() may run inside a test process.
        gc.freeze()
        # Each execution leaves a few dozen containers that live as long as the server
        # (its record and history): a young generation of 700 meant a collection every
        # few executions, each walking the survivors again. Fewer, larger ones halve the
        # collector's CPU under load (benchmarks/bench_serve.py); restored below.
        thresholds = gc.get_threshold()
        gc.set_threshold(10_000, *thresholds[1:])
        if ready is not None:
            ready.set()
        try:
            while not stop.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            gc.unfreeze()
            gc.set_threshold(*thresholds)
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        stopped = served.stop_executions()
        echo(f"sfs3dsl serve: stopped ({stopped} running execution(s) aborted)")
    return 0


def _on_sigterm(stop: threading.Event) -> Any:
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, lambda *_: stop.set())
