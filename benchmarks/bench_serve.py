"""``sfs3dsl serve`` against moto in server mode, through boto3, on the same definition.

Run: ``python benchmarks/bench_serve.py`` (``--quick`` for fewer, smaller rounds).

What runs: three servers, each in a process of its own, on 127.0.0.1:

* ``sfs3dsl serve`` (its CLI, real clock);
* moto's server (``python -m moto.server``) with ``execute_state_machine`` on, so it runs
  the machine rather than answering a canned result;
* a stub (``_stub_sfn.py``) that answers StartExecution and DescribeExecution with canned
  bodies at once: the ceiling the boto3 clients themselves impose.

The same 3-state Pass machine is created on each, anew for every round. A round starts
and awaits ``count`` executions from 4 client processes (one boto3 client each: boto3 is
plain Python, and clients sharing one interpreter would share its GIL); each client starts
an execution, calls DescribeExecution at once and then every 2 ms until it has left
RUNNING, then starts the next. Rounds of the three servers alternate, the order rotating
each round; medians of the rounds are compared. Every loop is bounded.

Figures (``_report.report``; the exit code is 1 when a target is missed):

* ``serve_executions_per_s``: executions per second through boto3, serve / moto, target
  20x (issue 13). Wall time of the round on the benchmark's clock; the servers' own
  clocks (startDate of the first, stopDate of the last execution) are printed beside it.
* ``serve_boto3_ceiling``: the stub's executions per second / moto's, same target. No
  server can let these clients go faster than a server that does no work; when this ratio
  is under 20x, so is serve's, whatever serve does. The clients' own CPU seconds per
  execution and the rate 2 cores would give if the clients had them to themselves are
  printed too.
* ``serve_server_cpu``: CPU seconds (user + system, all threads, from
  ``/proc/<pid>/stat``) the server process spent per execution in a round, moto / serve,
  target 20x: the server's own cost, which the client ceiling does not cap. It includes
  the HTTP handling of every call of the execution (one start, the describes).
* ``serve_latency``: StartExecution to the first DescribeExecution that says SUCCEEDED,
  polling without pause, one execution at a time from one client: moto's median / serve's,
  target 1x (issue 13 asks for the figure, not a ratio: 1x means no slower than moto). The
  execution's own duration on each server's clock (stopDate - startDate; serve's dates
  have millisecond resolution) is printed beside it.

What this machine allows (measured; figures in benchmarks/README.md): boto3 costs its
clients ~1.7-1.9 ms of CPU per execution (a start and a describe), so against the stub 4
client processes reach ~400-500 executions/s while they share the 2 cores with a server
and other work, and could reach at most ~1,100-1,200/s with both cores to themselves.
moto runs ~55-110/s. The executions/s ratio is therefore capped at ~5-9x here, for any
server: the 20x target is not reachable through Python boto3 clients on this machine, and
this benchmark reports it as missed rather than measuring something else. serve's rate
equals the stub's within noise. The server-CPU ratio is the measure of serve's own speed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from _report import report
from _serve_load import (
    Server,
    create_machine,
    latencies,
    run_executions,
    start_moto,
    start_serve,
    start_stub,
)

TARGET = 20.0
CLIENTS = 4
CORES = 2


def _round(pool: ProcessPoolExecutor, server: Server, machine: str, count: int
           ) -> dict[str, float]:
    per_client = [count // CLIENTS + (i < count % CLIENTS) for i in range(CLIENTS)]
    cpu = server.cpu()
    start = time.perf_counter()
    results = list(pool.map(run_executions, [server.url] * CLIENTS, [machine] * CLIENTS,
                            per_client))
    wall = time.perf_counter() - start
    server_cpu = server.cpu() - cpu
    statuses: dict[str, int] = {}
    for result in results:
        for status, n in result["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    if statuses != {"SUCCEEDED": count}:
        raise RuntimeError(f"{server.name}: not all succeeded: {statuses}")
    first = min(result["first_start"] for result in results)
    last = max(result["last_stop"] for result in results)
    return {"rate": count / wall, "own_rate": count / max(last - first, 1e-3),
            "server_cpu": server_cpu / count,
            "client_cpu": sum(r["cpu"] for r in results) / count,
            "calls": sum(r["calls"] for r in results) / count}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    # enough executions per round that the CPU readings (10 ms ticks) are precise
    rounds, count, waits = (3, 400, 10) if args.quick else (7, 800, 20)
    servers: list[Server] = []
    try:
        with ProcessPoolExecutor(CLIENTS) as pool:
            servers = [start_serve(), start_moto(), start_stub()]
            machines = {s.name: pool.submit(create_machine, s.url).result() for s in servers}
            for server in servers:  # warm-up: every worker's client connects to each
                _round(pool, server, machines[server.name], 8 * CLIENTS)
            rows: dict[str, list[dict[str, float]]] = {s.name: [] for s in servers}
            lat: dict[str, dict[str, list[float]]] = {
                s.name: {"walls": [], "server": []} for s in servers[:2]}
            for r in range(rounds):
                for server in servers[r % 3:] + servers[:r % 3]:
                    # a new machine each round: moto finds an execution by walking its
                    # machine's list, so every round starts from the same state
                    machine = pool.submit(create_machine, server.url).result()
                    rows[server.name].append(_round(pool, server, machine, count))
                    if server.name in lat:
                        found = pool.submit(latencies, server.url, machine, waits).result()
                        for key in ("walls", "server"):
                            lat[server.name][key].extend(found[key])
    finally:
        for server in servers:
            server.stop()
    return _print(rows, lat, rounds, count)


def _print(rows: dict[str, list[dict[str, float]]], lat: dict[str, dict[str, list[float]]],
           rounds: int, count: int) -> int:
    def med(name: str, key: str) -> float:
        return statistics.median(row[key] for row in rows[name])

    print(f"{rounds} interleaved rounds of {count} executions of a 3-state Pass machine, "
          f"{CLIENTS} boto3 client processes, {CORES}-core machine; medians:")
    for name in rows:
        own = "canned dates" if name == "stub" else f"{med(name, 'own_rate'):.0f}"
        print(f"  {name:5}: {med(name, 'rate'):6.0f} executions/s (on its own clock: {own}), "
              f"server CPU {med(name, 'server_cpu') * 1e3:.3f}"
              f" ms/execution, client CPU {med(name, 'client_cpu') * 1e3:.2f} ms/execution, "
              f"{med(name, 'calls'):.2f} calls/execution")
    stub_client = med("stub", "client_cpu")
    print(f"  boto3 ceiling: clients cost {stub_client * 1e3:.2f} ms CPU per execution "
          f"against the stub; with {CORES} cores to themselves they could drive at most "
          f"{CORES / stub_client:.0f} executions/s = "
          f"{CORES / stub_client / med('moto', 'rate'):.1f}x moto")
    for name in lat:
        print(f"  latency {name:5}: StartExecution -> SUCCEEDED DescribeExecution median "
              f"{statistics.median(lat[name]['walls']) * 1e3:.2f} ms; the execution on the "
              f"server's clock {statistics.median(lat[name]['server']) * 1e3:.1f} ms")
    what = f"3-state Pass machine, {count} executions x {rounds} rounds, {CLIENTS} boto3 " \
           f"client processes"
    ok = [
        report("serve_executions_per_s", med("serve", "rate") / med("moto", "rate"),
               target=TARGET, better="higher", peer="moto server",
               what=f"executions/s through boto3 (start + describe until done), {what}"),
        report("serve_boto3_ceiling", med("stub", "rate") / med("moto", "rate"),
               target=TARGET, better="higher", peer="moto server",
               what=f"executions/s through boto3 against a canned-answer stub: the most "
                    f"any server allows these clients, {what}"),
        report("serve_server_cpu", med("moto", "server_cpu") / med("serve", "server_cpu"),
               target=TARGET, better="higher", peer="moto server",
               what=f"server process CPU seconds per execution (/proc stat), {what}"),
        report("serve_latency", statistics.median(lat["moto"]["walls"]) /
               statistics.median(lat["serve"]["walls"]), target=1.0, better="higher",
               peer="moto server", what="StartExecution to SUCCEEDED DescribeExecution, one "
                                        "at a time, polling without pause"),
    ]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())

