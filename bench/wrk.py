"""Running wrk with bench/report.lua, and reading what it prints."""

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).with_name("report.lua")
MARK = "BENCH_JSON "


class WrkOutputError(ValueError):
    pass


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    # Answers outside 2xx/3xx, and socket errors (connect, read, write, timeout).
    bad_status: int
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.bad_status + self.socket_errors


def parse(output: str) -> Result:
    """The result line report.lua's done() prints, among wrk's own lines."""
    lines = [line for line in output.splitlines() if line.startswith(MARK)]
    if not lines:
        raise WrkOutputError(f"wrk printed no {MARK.strip()} line:\n{output[-2000:]}")
    try:
        data = json.loads(lines[-1][len(MARK) :])
        latency, errors = data["latency_us"], data["errors"]
        return Result(
            requests=int(data["requests"]),
            seconds=data["duration_us"] / 1_000_000,
            requests_per_second=float(data["requests_per_second"]),
            p50_ms=latency["p50"] / 1000,
            p90_ms=latency["p90"] / 1000,
            p99_ms=latency["p99"] / 1000,
            max_ms=latency["max"] / 1000,
            bad_status=int(errors["status"]),
            socket_errors=sum(int(errors[k]) for k in ("connect", "read", "write", "timeout")),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise WrkOutputError(f"unreadable result line: {lines[-1]!r}") from error


def run(
    *,
    base_url: str,
    paths_file: Path | None,
    connections: int,
    threads: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    think_ms: int = 0,
) -> Result:
    """One wrk run; with `think_ms`, each connection pauses that long before each request."""
    command = [
        "wrk",
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        f"--script={LUA_SCRIPT}",
    ]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    command += [base_url, "--", str(paths_file or "")]
    env = {**os.environ, "BENCH_THINK_MS": str(think_ms)}
    completed = subprocess.run(  # noqa: S603 - a fixed program with our own arguments
        command, capture_output=True, text=True, timeout=seconds + 60, check=False, env=env
    )
    if completed.returncode != 0:
        raise WrkOutputError(f"wrk failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return parse(completed.stdout)
