"""Parla's benchmark suite: the driver.

    python bench/run.py [--quick] [--only relay,f100,f100room,f100rooms,f1000,c10k,durability,client]
                        [--servers parla,threaded,asyncio] [--no-save] [--profile]

Builds nothing itself (``make bench`` builds bench/build/loadgen and bench/build/relay
first), starts each server pinned to core 0 and the C load generator pinned to core 1,
runs the scenarios, appends one JSON line to bench/results/results.jsonl and prints a
table with Parla's figures as ratios to the two Python baselines. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import (
    ASYNCIO,
    BENCH,
    BUILD,
    IRC_KINDS,
    KINDS,
    LOADGEN,
    LOADGEN_CPU,
    PARLA,
    PARLA_REF,
    PYTHON,
    RELAY,
    RELAY_KIND,
    ROOT,
    SERVER_CPU,
    THREADED,
    RunningServer,
    ServerError,
    ServerKind,
    installed,
    running,
    taskset,
)

RESULTS = BENCH / "results" / "results.jsonl"
Json = dict[str, Any]

DEFAULT_KINDS = (PARLA, *([PARLA_REF] if PARLA_REF else []), THREADED, ASYNCIO, *IRC_KINDS)
"""The servers a run compares; the C IRC servers only where they are installed (and the
reference tree's Parla when PARLA_REF_TREE names one)."""
BASELINE_KEYS = tuple(k.key for k in DEFAULT_KINDS)
"""The table's columns, in this order (Parla first)."""

OTHERS_WARN_PCT = 15.0
"""CPU (percent of one core) that other programs may take during a run before it is flagged."""

SLO_P99_MS = 100.0
"""A rate is *sustained* when p99 latency stays under this and nothing is lost."""


# --- configuration ---------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    quick: bool
    f100_rates: tuple[int, ...]
    f100_seconds: float
    f100_drain_s: float
    f100_rooms_rates: tuple[int, ...]
    ceiling_rates: tuple[int, ...]
    ceiling_seconds: float
    f1000_seconds: float
    f1000_rounds: int
    c10k_clients: int
    c10k_parla_timeout_s: float
    c10k_baseline_timeout_s: float
    durability_seconds: float
    durability_rate: int
    store_seconds: float
    client_messages: int = 10_000


FULL = Plan(
    quick=False,
    f100_rates=(1000, 2000, 5000, 10000, 15000, 20000, 25000, 30000, 35000, 40000, 50000),
    f100_seconds=5.0,
    f100_drain_s=5.0,
    f100_rooms_rates=(5000, 10000, 15000, 20000, 25000, 30000, 40000, 50000, 60000),
    ceiling_rates=(30000, 40000, 50000, 60000),
    ceiling_seconds=3.0,
    f1000_seconds=5.0,
    f1000_rounds=3,
    c10k_clients=10_000,
    c10k_parla_timeout_s=120.0,
    c10k_baseline_timeout_s=40.0,
    durability_seconds=5.0,
    durability_rate=2000,
    store_seconds=0.5,
)
QUICK = Plan(
    quick=True,
    f100_rates=(1000, 5000, 10000, 20000, 50000),
    f100_seconds=2.0,
    f100_drain_s=3.0,
    f100_rooms_rates=(5000, 20000, 40000),
    ceiling_rates=(40000,),
    ceiling_seconds=2.0,
    f1000_seconds=3.0,
    f1000_rounds=1,
    c10k_clients=2000,
    c10k_parla_timeout_s=30.0,
    c10k_baseline_timeout_s=8.0,
    durability_seconds=2.0,
    durability_rate=2000,
    store_seconds=0.2,
)

SCENARIOS = ("relay", "f100", "f100room", "f100rooms", "f1000", "c10k", "durability", "client")


# --- running the generator --------------------------------------------------------


def loadgen(
    server: RunningServer,
    *,
    clients: int,
    senders: int,
    rate: float,
    duration: float | None = None,
    count: int | None = None,
    presence: bool = True,
    inflight: int = 200,
    drain_s: float = 5.0,
    register_s: float = 60.0,
    presence_s: float = 60.0,
    quiet_s: float = 2.0,
    settle_ms: int = 200,
    text_size: int = 64,
    skip_send_on_timeout: bool = False,
    rooms: int = 0,
) -> Json:
    argv = [
        str(LOADGEN),
        "--port",
        str(server.port),
        "--clients",
        str(clients),
        "--senders",
        str(senders),
        "--rate",
        str(rate),
        "--inflight",
        str(min(inflight, server.kind.max_inflight or inflight)),
        "--presence",
        "expect" if presence else "none",
        "--drain-timeout-s",
        str(drain_s),
        "--register-timeout-s",
        str(register_s),
        "--presence-timeout-s",
        str(presence_s),
        "--quiet-s",
        str(quiet_s),
        "--settle-ms",
        str(settle_ms),
        "--text-size",
        str(text_size),
        "--server-pid",
        str(server.pid),
    ]
    if skip_send_on_timeout:
        argv.append("--skip-send-on-timeout")
    if rooms:
        argv += ["--rooms", str(rooms)]
    if server.kind.irc:
        argv += ["--proto", "irc"]
    if count is not None:
        argv += ["--count", str(count)]
    else:
        argv += ["--duration", str(duration if duration is not None else 5.0)]
    budget = register_s + presence_s + (duration or 0) + (count or 0) / rate + drain_s + 60
    proc = subprocess.run(
        taskset(LOADGEN_CPU, argv), capture_output=True, text=True, timeout=budget, check=False
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"loadgen failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    result: Json = json.loads(proc.stdout)
    if proc.stderr.strip():
        result["stderr"] = proc.stderr.strip()[-300:]
    return result


def compact(r: Json) -> Json:
    """What a results line keeps of one generator run."""
    keep = (
        "status",
        "registered",
        "closed_by_server",
        "register_s",
        "presence_s",
        "joined",
        "joined_expected",
        "receivers",
        "sent",
        "accepted",
        "echoes",
        "rejected",
        "deliveries",
        "expected_deliveries",
        "lost_deliveries",
        "left_send_queue",
        "errors",
        "pings",
        "send_s",
        "elapsed_s",
        "sent_msgs_per_s",
        "deliveries_per_s",
        "complete_messages",
    )
    out: Json = {k: r[k] for k in keep if k in r}
    out["rate"] = r["config"]["rate"]
    out["clients"] = r["config"]["clients"]
    out["senders"] = r["config"]["senders"]
    if r["config"].get("rooms"):
        out["rooms"] = r["config"]["rooms"]
    for name in ("latency_ms", "broadcast_ms", "send_lag_ms"):
        h = r.get(name, {})
        out[name] = {k: h[k] for k in ("n", "p50", "p90", "p99", "max") if k in h}
    out["server"] = r["server"]
    out["loadgen"] = r["loadgen"]
    out["other_cpu_pct"] = r.get("other_cpu_pct")
    out["attempts"] = r.get("attempts", 1)
    return out


def clean(r: Json) -> bool:
    """Nothing lost, nothing refused, nobody dropped, and p99 under the SLO."""
    p99 = r.get("latency_ms", {}).get("p99")
    return (
        r["status"] == "ok"
        and r["lost_deliveries"] == 0
        and r["rejected"] == 0
        and r["closed_by_server"] == 0
        and p99 is not None
        and p99 < SLO_P99_MS
    )


def say(text: str) -> None:
    print(text, flush=True)


def describe(r: Json) -> str:
    lat = r.get("latency_ms", {})
    srv = r.get("server", {})
    return (
        f"{r['status']:<16} {r['deliveries_per_s'] / 1e3:9.1f}k deliv/s  p50 {lat.get('p50', -1):8.2f}"
        f"  p99 {lat.get('p99', -1):8.2f}  max {lat.get('max', -1):8.2f} ms  lost {r['lost_deliveries']}"
        f"  server cpu {srv.get('cpu_pct', -1):.0f}%"
        + (
            f"  [others: {r['other_cpu_pct']:.0f}% cpu]"
            if (r.get("other_cpu_pct") or 0) > OTHERS_WARN_PCT
            else ""
        )
    )


def machine_busy_s() -> float:
    """CPU-seconds the whole machine has been busy (user, nice, system, steal; as the generator counts)."""
    try:
        fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    return (sum(fields[:3]) + fields[7]) / os.sysconf("SC_CLK_TCK")


def busy_cores(interval: float = 0.5) -> float:
    """How many cores' worth of CPU the whole machine used over ``interval`` seconds."""
    b0, t0 = machine_busy_s(), time.monotonic()
    time.sleep(interval)
    return (machine_busy_s() - b0) / (time.monotonic() - t0)


WAITED = {"quiet_s": 0.0, "retries": 0}
"""Time spent waiting for other programs to go idle, and runs made again: the run's overhead."""


def wait_quiet(max_wait: float) -> None:
    """Wait (up to ``max_wait`` s) until other programs leave the machine idle."""
    t0 = time.monotonic()
    deadline = t0 + max_wait
    while time.monotonic() < deadline and busy_cores() * 100 > OTHERS_WARN_PCT:
        time.sleep(0.5)
    WAITED["quiet_s"] += time.monotonic() - t0


QUIET_WAIT_S = 20.0


def step(
    kind: ServerKind, *, data_base: Path | None = None, store: str = "sqlite", retries: int = 1, **kw: Any
) -> Json:
    """One generator run against a fresh ``kind``; run again (``retries`` times) if others disturbed it."""
    r: Json = {}
    for attempt in range(1 + retries):
        wait_quiet(QUIET_WAIT_S)
        with tempfile.TemporaryDirectory(dir=data_base, prefix="parla-bench-") as data:
            with running(kind, data_dir=Path(data), store=store) as server:
                r = loadgen(server, **kw)
            db = list(Path(data).glob("history.sqlite3*"))
            if db:
                r["db_bytes"] = sum(p.stat().st_size for p in db)
        r["attempts"] = attempt + 1
        if (r.get("other_cpu_pct") or 0) <= OTHERS_WARN_PCT:
            break
        if attempt < retries:
            WAITED["retries"] += 1
    return r


# --- scenarios -----------------------------------------------------------------------


class _Sweep:
    """One server's rising sweep, a rate at a time; :func:`sweep_in_turn` drives several."""

    def __init__(
        self, kind: ServerKind, seconds: float, drain_s: float, clients: int, senders: int, rooms: int = 0
    ) -> None:
        self.kind = kind
        self._rooms = rooms
        self.steps: list[Json] = []
        self.misses = 0
        self._seconds = seconds
        self._drain_s = drain_s
        self._clients = clients
        self._senders = senders

    @property
    def stopped(self) -> bool:
        return self.misses >= 2

    def run(self, rate: int, note: str = "") -> Json:
        r = step(
            self.kind,
            clients=self._clients,
            senders=self._senders,
            rate=rate,
            duration=self._seconds,
            drain_s=self._drain_s,
            quiet_s=self._drain_s,  # an overloaded server may go silent for seconds: the deadline decides
            presence=self.kind is not RELAY_KIND,
            rooms=self._rooms,
        )
        say(f"  {self.kind.key:<9} {rate:>6}/s  {describe(r)}{note}")
        self.steps.append(compact(r))
        self.misses = 0 if clean(r) else self.misses + 1
        return r

    def finish(self, rates: tuple[int, ...], probe_max: bool) -> Json:
        steps = self.steps
        if probe_max and steps[-1]["rate"] < rates[-1]:
            self.run(rates[-1], "  (capacity probe)")
        if probe_max and not clean(steps[0]):
            rate = rates[0]
            for _ in range(2):
                rate //= 2
                if clean(self.run(rate, "  (below the sweep)")):
                    break
        sustained = [s for s in steps if clean(s)]
        best = max(sustained, key=lambda s: s["rate"]) if sustained else None
        top = max(steps, key=lambda s: s["deliveries_per_s"])
        return {
            "steps": steps,
            "sustained_msgs_per_s": best["rate"] if best else 0,
            "sustained_p99_ms": best["latency_ms"].get("p99") if best else None,
            "capacity_deliveries_per_s": round(top["deliveries_per_s"]),
            "capacity_at_rate": top["rate"],
        }


def sweep_in_turn(
    kinds: list[ServerKind],
    rates: tuple[int, ...],
    seconds: float,
    drain_s: float,
    *,
    clients: int = 100,
    senders: int = 10,
    probe_max: bool = True,
    rooms: int = 0,
) -> dict[str, Json]:
    """Each server's rising sweep (fresh server per rate), the servers taking each rate in turn.

    A server stops after two unclean rates in a row, then probes the top rate once.
    When even the lowest rate is unclean, halves it (twice at most), so that a slow
    server still gets a sustained figure rather than "below the lowest rate".

    In turn, not one whole sweep after another: on this machine the same step's p99
    went from 15 ms to 870 ms within ten minutes (other tenants of the host, invisible
    from inside), so servers compared at one rate are measured a minute apart, not
    five: the drift then falls on all of them alike, as in F1000's rounds.
    """
    sweeps = [_Sweep(kind, seconds, drain_s, clients, senders, rooms) for kind in kinds]
    for rate in rates:
        for one in sweeps:
            if not one.stopped:
                one.run(rate)
    return {one.kind.key: one.finish(rates, probe_max) for one in sweeps}


def scenario_relay(plan: Plan) -> Json:
    say("relay: the generator's ceiling against the trivial C relay (100 clients, 10 senders)")
    ceiling = sweep_in_turn([RELAY_KIND], plan.ceiling_rates, plan.ceiling_seconds, 3.0, probe_max=False)[
        RELAY_KIND.key
    ]
    floor = step(
        RELAY_KIND, clients=100, senders=10, rate=1000, duration=plan.ceiling_seconds, presence=False
    )
    say(f"  floor     {1000:>6}/s  {describe(floor)}  (noise floor: the machine's own latency)")
    clean_steps = [s for s in ceiling["steps"] if clean(s)]
    return {
        "ceiling": ceiling,
        "clean_ceiling_deliveries_per_s": round(max((s["deliveries_per_s"] for s in clean_steps), default=0)),
        "floor": compact(floor),
    }


def scenario_f100(plan: Plan, kinds: list[ServerKind]) -> Json:
    say(
        f"F100: 100 clients, 10 senders, {plan.f100_seconds:g} s per rate, fresh server per rate,"
        " the servers taking each rate in turn"
    )
    return sweep_in_turn(kinds, plan.f100_rates, plan.f100_seconds, plan.f100_drain_s)


F100_ROOMS = 10
"""F100 spread over rooms: the 100 clients in 10 rooms of 10 (client i in room r<i mod 10>,
channel #r<i mod 10> on IRC), one sender in each: every message reaches its room's 10."""


def scenario_f100room(plan: Plan, kinds: list[ServerKind]) -> Json:
    """F100 with every client in one room besides general, and every message said there:
    a message to a room of 100 should cost what a broadcast to 100 users costs (F100)."""
    say(
        f"F100 in one room: 100 clients in room r0 (channel #r0), 10 senders there,"
        f" {plan.f100_seconds:g} s per rate, the servers taking each rate in turn"
    )
    return sweep_in_turn(kinds, plan.f100_rates, plan.f100_seconds, plan.f100_drain_s, rooms=1)


def scenario_f100rooms(plan: Plan, kinds: list[ServerKind]) -> Json:
    say(
        f"F100 over rooms: 100 clients in {F100_ROOMS} rooms of 10, a sender in each,"
        f" {plan.f100_seconds:g} s per rate, the servers taking each rate in turn"
    )
    return sweep_in_turn(kinds, plan.f100_rooms_rates, plan.f100_seconds, plan.f100_drain_s, rooms=F100_ROOMS)


def scenario_f1000(plan: Plan, kinds: list[ServerKind]) -> Json:
    """Every server ``f1000_rounds`` times, the rounds interleaved; each keeps its median round.

    One 5 s run is 500 messages, so its p99 is decided by the slowest five fan-outs, and
    on this machine the same 1000 writes take 7 ms or 14 ms depending on what the kernel
    and the host are doing at the time (the servers spend 70-90 % of the run in the
    kernel's TCP path). Single runs swapped the servers' order from run to run; rounds
    taken in turn see the same drift, and the median round of each is what compares.
    """
    rounds = plan.f1000_rounds
    say(
        f"F1000: 1000 clients, 1 sender at 100 msgs/s for {plan.f1000_seconds:g} s"
        + (f"; {rounds} rounds, servers in turn, each keeps its median round by p99" if rounds > 1 else "")
    )
    runs: dict[str, list[Json]] = {kind.key: [] for kind in kinds}
    for n in range(rounds):
        for kind in kinds:
            r = step(kind, clients=1000, senders=1, rate=100, duration=plan.f1000_seconds, drain_s=10.0)
            label = f"{kind.key:<9}" + (f" #{n + 1}" if rounds > 1 else "")
            say(f"  {label} registered+presence {r['presence_s']:.2f} s  {describe(r)}")
            runs[kind.key].append(compact(r))
    return {key: median_round(rs) for key, rs in runs.items()}


def median_round(rounds: list[Json]) -> Json:
    """The median round by p99, a failed one counting as the worst (the lower middle of an
    even count), with every round's figures.

    A round that lost deliveries, had clients dropped or did not finish ranks behind
    every complete one whatever its p99: a failure is never what a server is judged by
    unless most of its rounds failed.
    """

    def worst_first_failed(r: Json) -> tuple[bool, float]:
        complete = r.get("status") == "ok" and not r.get("lost_deliveries") and not r.get("closed_by_server")
        p99 = r.get("latency_ms", {}).get("p99")
        return (not complete, float("inf") if p99 is None else p99)

    ordered = sorted(rounds, key=worst_first_failed)
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    if len(rounds) > 1:
        chosen["rounds"] = [
            {"p50": r.get("latency_ms", {}).get("p50"), "p99": r.get("latency_ms", {}).get("p99"),
             "max": r.get("latency_ms", {}).get("max"), "presence_s": r.get("presence_s"),
             "status": r.get("status"), "lost_deliveries": r.get("lost_deliveries"),
             "closed_by_server": r.get("closed_by_server")}
            for r in rounds
        ]  # fmt: skip
    return chosen


def scenario_c10k(plan: Plan, kinds: list[ServerKind]) -> Json:
    n = plan.c10k_clients
    say(f"C10K: {n} clients in one room, presence on; then 5 broadcasts to all, 0.5 s apart")
    out: Json = {"clients": n}
    for kind in kinds:
        cap = plan.c10k_parla_timeout_s if kind in (PARLA, PARLA_REF) else plan.c10k_baseline_timeout_s
        r = step(
            kind,
            clients=n,
            senders=1,
            rate=2,
            count=5,
            inflight=200,
            register_s=cap,
            presence_s=cap,
            drain_s=10.0,
            quiet_s=5.0,
            settle_ms=500,
            skip_send_on_timeout=True,
            retries=0,  # too long to run twice: a disturbed run is flagged instead
        )
        srv = r["server"]
        complete = r["status"] == "ok" and r["registered"] == n
        per_conn = (
            (srv["rss_kb_registered"] - srv["rss_kb_idle"]) * 1024 / max(1, r["registered"])
            if srv["rss_kb_registered"] > 0
            else None
        )
        row = compact(r)
        row.update(
            {
                "complete": complete,
                "cap_s": cap,
                "all_present_s": r["presence_s"] if complete else None,
                "bytes_per_connection": round(per_conn) if per_conn is not None else None,
                "rss_mb_registered": round(srv["rss_kb_registered"] / 1024, 1),
                "broadcast_all_ms_max": r["broadcast_ms"].get("max") if complete else None,
                "broadcast_all_ms_p50": r["broadcast_ms"].get("p50") if complete else None,
                "registered_by_s": r.get("registered_by_s", []),
            }
        )
        out[kind.key] = row
        shown = (
            f"{r['presence_s']:.2f} s"
            if complete
            else f"incomplete after {cap:g} s ({r['registered']} registered)"
        )
        say(
            f"  {kind.key:<9} all registered+presence: {shown}  RSS {row['rss_mb_registered']} MB"
            f" ({row['bytes_per_connection']} B/conn)  broadcast to all max {r['broadcast_ms'].get('max')} ms"
        )
    return out


def scenario_durability(plan: Plan) -> Json:
    say("durability: storing every message (SQLite on disk vs /dev/shm vs in memory; and SqliteStore.append)")
    out: Json = {}
    disk_base = Path(tempfile.gettempdir())
    variants: list[tuple[str, Path | None, str]] = [("sqlite_disk", disk_base, "sqlite")]
    if Path("/dev/shm").is_dir():
        variants.append(("sqlite_shm", Path("/dev/shm"), "sqlite"))
    variants.append(("memory", None, "memory"))
    for name, base, store in variants:
        r = step(
            PARLA,
            data_base=base,
            store=store,
            clients=10,
            senders=10,
            rate=plan.durability_rate,
            duration=plan.durability_seconds,
            drain_s=5.0,
        )
        row = compact(r)
        row["server_cpu_us_per_msg"] = round(r["server"]["cpu_s"] / max(1, r["accepted"]) * 1e6, 1)
        row["db_bytes"] = r.get("db_bytes", 0)
        out[name] = row
        say(
            f"  {name:<12} {plan.durability_rate}/s x {plan.durability_seconds:g} s to 10 clients:"
            f" server CPU {row['server_cpu_us_per_msg']} us/msg  {describe(r)}"
        )
    if "memory" in out:
        for name in ("sqlite_disk", "sqlite_shm"):
            if name in out:
                out[f"{name}_cost_us_per_msg"] = round(
                    out[name]["server_cpu_us_per_msg"] - out["memory"]["server_cpu_us_per_msg"], 1
                )
    dirs = [str(disk_base)] + (["/dev/shm"] if Path("/dev/shm").is_dir() else [])
    argv = [PYTHON, str(BENCH / "store_bench.py"), "--seconds", str(plan.store_seconds)]
    for d in dirs:
        argv += ["--dir", d]
    proc = subprocess.run(
        taskset(SERVER_CPU, argv), capture_output=True, text=True, timeout=300, check=True, cwd=ROOT
    )
    micro = json.loads(proc.stdout)
    out["append_us_per_msg"] = {
        "disk" if k == str(disk_base) else "shm" if k == "/dev/shm" else k: v for k, v in micro.items()
    }
    for k, v in out["append_us_per_msg"].items():
        say(f"  SqliteStore.append {k:<6} us/msg by batch size: {v}")
    return out


def children_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def scenario_client(plan: Plan) -> Json:
    say(f"client: the real chat window (offscreen), {plan.client_messages} messages in one burst")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result: Json = {}
    for attempt in range(2):
        wait_quiet(QUIET_WAIT_S)
        busy0, own0, t0 = machine_busy_s(), children_cpu_s(), time.monotonic()
        argv = [
            PYTHON,
            str(BENCH / "client_bench.py"),
            "--messages",
            str(plan.client_messages),
            "--launched-at",
            repr(time.time()),
        ]
        proc = subprocess.run(
            taskset(SERVER_CPU, argv),
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
            cwd=ROOT,
            check=False,
        )
        if proc.returncode != 0 or not proc.stdout.strip():
            say(f"  client benchmark failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")
            return {"error": proc.stderr.strip()[-800:] or f"exit {proc.returncode}"}
        others = (machine_busy_s() - busy0) - (children_cpu_s() - own0)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["other_cpu_pct"] = round(max(0.0, 100 * others / (time.monotonic() - t0)), 1)
        result["attempts"] = attempt + 1
        if result["other_cpu_pct"] <= OTHERS_WARN_PCT:
            break
    flag = (
        f"  [others: {result['other_cpu_pct']:.0f}% cpu]" if result["other_cpu_pct"] > OTHERS_WARN_PCT else ""
    )
    say(
        f"  window shown {result['window_shown_ms']} ms after launch;"
        f" burst shown in {result['burst_shown_ms']} ms;"
        f" longest stall {result['longest_stall_ms']} ms;"
        f" RSS {result['rss_mb_before']} -> {result['rss_mb_after']} MB{flag}"
    )
    return result


# --- profile ---------------------------------------------------------------------------


_LINE_NO = re.compile(r":\d+\)$")


def profile(rate: int, seconds: float, native: bool) -> None:
    """py-spy on the real server under F100 load; prints the hottest functions."""
    spy = shutil.which("py-spy") or str(Path(PYTHON).parent / "py-spy")
    if not Path(spy).exists():
        sys.exit("py-spy is not installed: .venv/bin/pip install py-spy")
    BUILD.mkdir(exist_ok=True)
    raw = BUILD / "profile.folded"
    svg = BUILD / "profile.svg"
    with running(PARLA) as server:
        spies = [
            subprocess.Popen(
                [
                    spy,
                    "record",
                    "--pid",
                    str(server.pid),
                    "--rate",
                    "200",
                    *(["--native"] if native else ["--nonblocking"]),
                    "--format",
                    fmt,
                    "-o",
                    str(path),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for fmt, path in (("raw", raw), ("flamegraph", svg))
        ]
        time.sleep(1.0)
        r = loadgen(server, clients=100, senders=10, rate=rate, duration=seconds, drain_s=5.0)
        for p in spies:
            p.send_signal(2)
        for p in spies:
            p.wait(30)
    say(f"profiled F100 at {rate}/s: {describe(r)}")
    say(f"flame graph: {svg}; folded stacks: {raw}")
    self_time: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue  # py-spy writes a torn line now and then (a frame read mid-update)
        count = int(n)
        total += count
        # "func (file.py:123)" -> "func (file.py)": a function's lines are one entry
        frames = [_LINE_NO.sub(")", f) for f in stack.split(";")]
        leaf = frames[-1]
        self_time[leaf] = self_time.get(leaf, 0) + count
        for f in set(frames):
            inclusive[f] = inclusive.get(f, 0) + count
    say(f"{total} samples; top self time:")
    for f, c in sorted(self_time.items(), key=lambda kv: -kv[1])[:20]:
        say(f"  {100 * c / total:5.1f}%  {f}")
    say("top inclusive time:")
    for f, c in sorted(inclusive.items(), key=lambda kv: -kv[1])[:25]:
        say(f"  {100 * c / total:5.1f}%  {f}")


# --- the table ---------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    values: dict[str, float | None]
    higher_is_better: bool
    unit: str = ""
    target: str = ""
    verdict: str = ""
    censored: dict[str, float] = field(default_factory=dict)  # kind -> cap: "worse than cap"


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if abs(v) >= 1e6:
        return f"{v / 1e6:.2f}M"
    if abs(v) >= 1e4:
        return f"{v / 1e3:.1f}k"
    if abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"


def _cell(row: Row, key: str) -> str:
    if key in row.censored:
        return (">" if not row.higher_is_better else "<") + _fmt(row.censored[key], row.unit)
    return _fmt(row.values.get(key), row.unit)


def _ratio(row: Row, base: str) -> str:
    p, b = row.values.get("parla"), row.values.get(base)
    if base in row.censored:
        b = row.censored[base]
        bound = True
    else:
        bound = False
    if "parla" in row.censored or p is None or b is None or p == 0 or b == 0:
        return "-"
    r = p / b if row.higher_is_better else b / p
    return (">" if bound else "") + f"{r:.2f}x"


def build_rows(res: Json) -> list[Row]:
    rows: list[Row] = []
    f100 = res.get("f100", {})
    if f100:
        best_base = max(
            (f100[k]["sustained_msgs_per_s"] for k in ("threaded", "asyncio") if k in f100), default=0
        )
        p = f100.get("parla", {})
        sus = p.get("sustained_msgs_per_s")
        lowest = min((st["rate"] for v in f100.values() for st in v["steps"]), default=0)
        best_irc = max((f100[k.key]["sustained_msgs_per_s"] for k in IRC_KINDS if k.key in f100), default=0)
        verdict = ""
        if sus is not None:
            verdict = "MEETS" if sus >= 10000 and sus >= 3 * best_base and sus >= best_irc else "MISSES"
        rows.append(
            Row(
                "F100 sustained msgs/s (p99<100ms, 0 lost)",
                {k: v["sustained_msgs_per_s"] for k, v in f100.items()},
                True,
                target=">= 10k, >= 3x best Python baseline" + (", >= the IRC servers" if best_irc else ""),
                verdict=verdict,
                # below the lowest rate tried: shown as "<lowest"
                censored={k: float(lowest) for k, v in f100.items() if not v["sustained_msgs_per_s"]},
            )
        )
        cap = p.get("capacity_deliveries_per_s")
        rows.append(
            Row(
                "F100 capacity deliveries/s (any rate)",
                {k: v["capacity_deliveries_per_s"] for k, v in f100.items()},
                True,
                target=">= 1.5M",
                verdict="" if cap is None else "MEETS" if cap >= 1.5e6 else "MISSES",
            )
        )

        def at(kind: str, rate: int, metric: str) -> float | None:
            for s in f100.get(kind, {}).get("steps", []):
                if s["rate"] == rate:
                    value: float | None = s["latency_ms"].get(metric)
                    return value
            return None

        rows.append(Row("F100 p99 ms at 1000 msgs/s", {k: at(k, 1000, "p99") for k in f100}, False))
    room = res.get("f100room", {})
    if room:
        rows.append(
            Row(
                "F100 in one room sustained msgs/s",
                {k: v["sustained_msgs_per_s"] for k, v in room.items()},
                True,
            )
        )
        rows.append(
            Row(
                "F100 in one room capacity deliveries/s",
                {k: v["capacity_deliveries_per_s"] for k, v in room.items()},
                True,
                target="as F100 (general)",
            )
        )
    rooms = res.get("f100rooms", {})
    if rooms:
        lowest = min((st["rate"] for v in rooms.values() for st in v["steps"]), default=0)
        best_irc = max((rooms[k.key]["sustained_msgs_per_s"] for k in IRC_KINDS if k.key in rooms), default=0)
        sus = rooms.get("parla", {}).get("sustained_msgs_per_s")
        rows.append(
            Row(
                "F100 over 10 rooms sustained msgs/s",
                {k: v["sustained_msgs_per_s"] for k, v in rooms.items()},
                True,
                target=">= the IRC servers" if best_irc else "",
                verdict="" if sus is None or not best_irc else "MEETS" if sus >= best_irc else "MISSES",
                censored={k: float(lowest) for k, v in rooms.items() if not v["sustained_msgs_per_s"]},
            )
        )
        rows.append(
            Row(
                "F100 over 10 rooms capacity deliveries/s",
                {k: v["capacity_deliveries_per_s"] for k, v in rooms.items()},
                True,
            )
        )
    f1000 = res.get("f1000", {})
    if f1000:
        rows.append(
            Row(
                "F1000 p50 ms (1 sender, 100 msgs/s; median round)",
                {k: v["latency_ms"].get("p50") for k, v in f1000.items()},
                False,
            )
        )
        p99 = f1000.get("parla", {}).get("latency_ms", {}).get("p99")
        irc_p99 = [f1000[k.key]["latency_ms"].get("p99") for k in IRC_KINDS if k.key in f1000]
        irc_best = min((v for v in irc_p99 if v is not None), default=None)
        if irc_best is not None:
            # the issue's own target: no worse than the C IRC servers in the same run
            target, met = "<= the best IRC server", p99 is not None and p99 <= irc_best
        else:
            target, met = "low (< 50 ms, our reading)", p99 is not None and p99 < 50
        rows.append(
            Row(
                "F1000 p99 ms",
                {k: v["latency_ms"].get("p99") for k, v in f1000.items()},
                False,
                target=target,
                verdict="" if p99 is None else "MEETS" if met else "MISSES",
            )
        )
        rows.append(
            Row("F1000 register 1000 + presence s", {k: v["presence_s"] for k, v in f1000.items()}, False)
        )
    c10k = res.get("c10k", {})
    kinds = [k for k in BASELINE_KEYS if k in c10k]
    if kinds:
        n = c10k["clients"]
        label = "C10K" if n == 10_000 else f"C{n} (quick)"
        cens = {k: c10k[k]["cap_s"] for k in kinds if not c10k[k]["complete"]}
        pres = c10k.get("parla", {}).get("all_present_s")
        rows.append(
            Row(
                f"{label} all registered + presence s",
                {k: c10k[k]["all_present_s"] for k in kinds},
                False,
                target="< 10 s",
                censored=cens,
                verdict=""
                if "parla" not in c10k
                else "MEETS"
                if pres is not None and pres < 10
                else "MISSES",
            )
        )
        base_cap = int(min((c10k[k]["cap_s"] for k in kinds if k != "parla"), default=0))
        if base_cap:

            def registered_at(kind: str, second: int) -> float | None:
                row = c10k[kind]
                if "registered_by_s" not in row:
                    return None  # a results line from before the generator kept a timeline
                timeline = row["registered_by_s"]
                if len(timeline) >= second:
                    return float(timeline[second - 1])
                return float(row["registered"])  # it finished (or stopped) before then

            rows.append(
                Row(
                    f"{label} clients registered in the first {base_cap} s",
                    {k: registered_at(k, base_cap) for k in kinds},
                    True,
                )
            )
        bc = c10k.get("parla", {}).get("broadcast_all_ms_max")
        rows.append(
            Row(
                f"{label} one broadcast to all ms (max of 5)",
                {k: c10k[k]["broadcast_all_ms_max"] for k in kinds},
                False,
                target="< 200 ms",
                verdict="" if "parla" not in c10k else "MEETS" if bc is not None and bc < 200 else "MISSES",
            )
        )
        bpc = c10k.get("parla", {}).get("bytes_per_connection")
        rows.append(
            Row(
                f"{label} server bytes per connection",
                {k: c10k[k]["bytes_per_connection"] for k in kinds},
                False,
                target="< 16 KB",
                verdict="" if bpc is None else "MEETS" if bpc < 16 * 1024 else "MISSES",
            )
        )
        rows.append(Row(f"{label} server RSS MB", {k: c10k[k]["rss_mb_registered"] for k in kinds}, False))
    return rows


def disturbed(res: Json) -> list[str]:
    """Runs that other programs disturbed even after a second try."""
    out: list[str] = []

    def check(where: str, r: Json) -> None:
        if (r.get("other_cpu_pct") or 0) > OTHERS_WARN_PCT:
            out.append(f"{where} ({r['other_cpu_pct']:.0f}%)")

    for scenario, label in (("f100", "F100"), ("f100room", "F100 room"), ("f100rooms", "F100 rooms")):
        for kind, sw in res.get(scenario, {}).items():
            for st in sw["steps"]:
                check(f"{label} {kind} {st['rate']:g}/s", st)
    for name in ("f1000", "c10k", "durability"):
        for kind, r in res.get(name, {}).items():
            if isinstance(r, dict) and "other_cpu_pct" in r:
                check(f"{name} {kind}", r)
    if isinstance(res.get("client"), dict):
        check("client", res["client"])
    return out


def round_p99(r: Json) -> str:
    """A round's p99 for the footer, or what went wrong in it."""
    if r.get("status") != "ok" or r.get("lost_deliveries") or r.get("closed_by_server"):
        return f"{r.get('status')} ({r.get('lost_deliveries')} lost)"
    return str(r.get("p99"))


def print_table(res: Json) -> None:
    rows = build_rows(res)
    say("")
    if rows:
        w = 48
        present = [k for k in BASELINE_KEYS if any(k in row.values for row in rows)]
        bases = [k for k in present if k != "parla"]
        ratio_heads = " ".join(f"{'vs ' + k[:4] + '.':>9}" for k in bases)
        cols = " ".join(f"{k:>9}" for k in present) + " " + ratio_heads
        head = f"{'metric':<{w}} {cols}  target"
        say(head)
        say("-" * (len(head) + 30))
        for row in rows:
            cells = " ".join(f"{_cell(row, k):>9}" for k in present)
            ratios = " ".join(f"{_ratio(row, k):>9}" for k in bases)
            say(f"{row.label:<{w}} {cells} {ratios}  {row.target} {row.verdict}".rstrip())
        say(
            "ratios: how many times better Parla is (x > 1: Parla better;"
            " '>' where the baseline hit the time cap)"
        )
    relay = res.get("relay")
    if relay:
        fl = relay["floor"]["latency_ms"]
        say(
            f"generator ceiling (C relay, clean: 0 lost, p99 < 100 ms): "
            f"{relay['clean_ceiling_deliveries_per_s'] / 1e6:.2f}M deliveries/s; highest seen "
            f"{relay['ceiling']['capacity_deliveries_per_s'] / 1e6:.2f}M/s;"
            " noise floor at 100k deliveries/s: "
            f"p50 {fl.get('p50')} ms, p99 {fl.get('p99')} ms"
        )
    f1000 = res.get("f1000", {})
    by_round = {k: v["rounds"] for k, v in f1000.items() if isinstance(v, dict) and "rounds" in v}
    if by_round:
        say(
            "F1000 p99 ms by round: "
            + "; ".join(f"{k} " + " / ".join(round_p99(r) for r in rs) for k, rs in by_round.items())
        )
    dur = res.get("durability")
    if dur:
        parts = [
            f"{k} {dur[k]['server_cpu_us_per_msg']} us/msg"
            for k in ("sqlite_disk", "sqlite_shm", "memory")
            if k in dur
        ]
        say(
            "durability (server CPU per message, 10 clients): "
            + ", ".join(parts)
            + (
                f"; storing costs {dur['sqlite_disk_cost_us_per_msg']} us/msg on disk"
                if "sqlite_disk_cost_us_per_msg" in dur
                else ""
            )
        )
        for k, v in dur.get("append_us_per_msg", {}).items():
            say(
                f"  SqliteStore.append on {k}: us/msg at batch 1/10/100/1000: "
                + " / ".join(str(v.get(b)) for b in ("1", "10", "100", "1000"))
            )
    noisy = disturbed(res)
    if noisy:
        say(f"disturbed by other programs (CPU of one core they took): {', '.join(noisy)}")
    cl = res.get("client")
    if cl and "error" not in cl:
        shown, stall = cl["burst_shown_ms"], cl["longest_stall_ms"]
        say(
            f"client: window shown {cl['window_shown_ms']} ms after launch;"
            f" {cl['messages']} messages shown in "
            f"{shown} ms (target < 2000: {'MEETS' if shown < 2000 else 'MISSES'}); longest stall {stall} ms "
            f"(target <= 100: {'MEETS' if stall <= 100 else 'MISSES'}); RSS {cl['rss_mb_before']} -> "
            f"{cl['rss_mb_after']} MB"
        )
    elif cl:
        say(f"client: failed: {cl['error'][:200]}")


# --- machine and bookkeeping ---------------------------------------------------------


def machine() -> Json:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError, ValueError):
        mem_kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    pyside = ""
    with contextlib.suppress(ImportError):
        import PySide6

        pyside = PySide6.__version__
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "mem_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pyside6": pyside,
        "server_cpu": SERVER_CPU,
        "loadgen_cpu": LOADGEN_CPU,
        "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
    }


def git() -> Json:
    def out(*args: str) -> str:
        proc = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, check=False)
        return proc.stdout.strip()

    return {
        "commit": out("rev-parse", "--short", "HEAD"),
        "dirty": bool(out("status", "--porcelain", "--", "chat_server_app", "chat_client_app", "shared")),
    }


def raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


@contextlib.contextmanager
def timed(label: str, res: Json) -> Iterator[None]:
    t = time.monotonic()
    yield
    res.setdefault("scenario_seconds", {})[label] = round(time.monotonic() - t, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Parla's benchmark suite (see bench/README.md)")
    parser.add_argument("--quick", action="store_true", help="a reduced sweep (about 2 minutes)")
    parser.add_argument("--only", default=",".join(SCENARIOS), help=f"comma list of {', '.join(SCENARIOS)}")
    parser.add_argument(
        "--servers",
        default=",".join(k.key for k in DEFAULT_KINDS if installed(k)),
        help="comma list of parla, threaded, asyncio, ngircd, inspircd (default: those installed)",
    )
    parser.add_argument("--no-save", action="store_true", help="do not append to bench/results/results.jsonl")
    parser.add_argument(
        "--profile", action="store_true", help="instead of the suite: py-spy the real server under F100 load"
    )
    parser.add_argument("--profile-rate", type=int, default=5000, help="msgs/s of the profiled F100 run")
    parser.add_argument(
        "--profile-native",
        action="store_true",
        help="also sample Qt's C++ frames and syscalls (pauses the server at each sample: slower)",
    )
    parser.add_argument("--profile-seconds", type=float, default=10.0)
    parser.add_argument(
        "--report", action="store_true", help="print the table of the last line of results.jsonl; run nothing"
    )
    args = parser.parse_args(argv)
    if args.report:
        lines = RESULTS.read_text().splitlines() if RESULTS.exists() else []
        if not lines:
            sys.exit(f"{RESULTS} holds no run yet")
        last: Json = json.loads(lines[-1])
        m = last["machine"]
        say(
            f"run of {last['started']} ({'quick' if last['quick'] else 'full'}),"
            f" commit {last['git']['commit']}"
            f"{' + local changes' if last['git']['dirty'] else ''}, on {m['nproc']} x {m['cpu_model']},"
            f" Python {m['python']}, PySide6 {m['pyside6']}"
        )
        print_table(last)
        return 0

    for tool in (LOADGEN, RELAY):
        if not tool.exists():
            sys.exit(f"{tool} is missing: run `make -C bench` (or `make bench`)")
    raise_nofile()
    if args.profile:
        profile(args.profile_rate, args.profile_seconds, args.profile_native)
        return 0
    plan = QUICK if args.quick else FULL
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        sys.exit(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    names = [k.strip() for k in args.servers.split(",") if k.strip()]
    if any(k not in KINDS or KINDS[k] not in DEFAULT_KINDS for k in names):
        sys.exit(f"--servers takes {', '.join(k.key for k in DEFAULT_KINDS)}")
    kinds = [KINDS[k] for k in names]
    missing = [k.key for k in kinds if not installed(k)]
    if missing:
        sys.exit(f"not installed: {', '.join(missing)} (apt-get install {' '.join(missing)})")

    res: Json = {
        "schema": 1,
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": plan.quick,
        "git": git(),
        "machine": machine(),
    }
    m = res["machine"]
    say(
        f"Parla bench ({'quick' if plan.quick else 'full'}) on {m['nproc']} x {m['cpu_model']},"
        f" Python {m['python']},"
        f" PySide6 {m['pyside6']}; server on core {SERVER_CPU}, generator on core {LOADGEN_CPU}"
    )
    absent = [k.key for k in IRC_KINDS if not installed(k)]
    if absent:
        say(f"not compared: {', '.join(absent)} (not installed: apt-get install {' '.join(absent)})")
    t0 = time.monotonic()
    steps: dict[str, Callable[[], Json]] = {
        "relay": lambda: scenario_relay(plan),
        "f100": lambda: scenario_f100(plan, kinds),
        "f100room": lambda: scenario_f100room(plan, kinds),
        "f100rooms": lambda: scenario_f100rooms(plan, kinds),
        "f1000": lambda: scenario_f1000(plan, kinds),
        "c10k": lambda: scenario_c10k(plan, kinds),
        "durability": lambda: scenario_durability(plan),
        "client": lambda: scenario_client(plan),
    }
    for name in SCENARIOS:
        if name not in only:
            continue
        with timed(name, res):
            try:
                res[name] = steps[name]()
            except (RuntimeError, ServerError, subprocess.SubprocessError, OSError) as exc:
                say(f"  {name} failed: {exc}")
                res[name + "_error"] = str(exc)
    res["duration_s"] = round(time.monotonic() - t0, 1)
    res["waited_for_quiet_s"] = round(WAITED["quiet_s"], 1)
    res["runs_repeated"] = WAITED["retries"]
    print_table(res)
    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a") as f:
            f.write(json.dumps(res, separators=(",", ":")) + "\n")
        say(f"appended to {RESULTS.relative_to(ROOT)}")
    say(
        f"took {res['duration_s']:.0f} s, of which {res['waited_for_quiet_s']:.0f} s waiting for other"
        f" programs to go idle; {res['runs_repeated']} run(s) made again because others disturbed them"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
