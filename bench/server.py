"""The server under test: gunicorn on a free local port, and what its workers use."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "newsroom" / "gunicorn.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port: int) -> tuple[list[str], str]:
    bind = f"127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application", "--bind", bind]
    if GUNICORN_CONFIG.exists():
        return [*command, "-c", str(GUNICORN_CONFIG)], f"-c {GUNICORN_CONFIG.relative_to(ROOT)}"
    workers = 2 * (os.cpu_count() or 1) + 1
    # No access log: gunicorn writes none unless told to.
    return [*command, f"--workers={workers}"], f"--workers={workers} (no config file)"


@dataclass(frozen=True)
class Server:
    port: int
    pid: int
    # The gunicorn options, as the report states them.
    how: str


@contextmanager
def serving(env: dict, log_file: Path) -> Iterator[Server]:
    """gunicorn with this environment, answering on a free port; stopped on leaving."""
    port = free_port()
    command, how = gunicorn_command(port)
    with log_file.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - a fixed program with our own arguments
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_ready(process, port, log_file)
        yield Server(port=port, pid=process.pid, how=how)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def get(port: int, path: str, headers: dict | None = None, timeout: float = 30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        connection.close()


def wait_ready(server: subprocess.Popen, port: int, log_file: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited; its log:\n{log_file.read_text()[-3000:]}")
        try:
            if get(port, "/readyz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"/readyz did not answer 200 in {seconds:.0f} s; see {log_file}")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_memory_mib(pid: int) -> float | None:
    """The process's peak resident set (VmHWM), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def workers_memory(master: int) -> dict:
    """The peak resident sets of the master's workers, largest and mean, in MiB."""
    memory = [m for m in map(peak_memory_mib, worker_pids(master)) if m]
    return {
        "workers": len(memory),
        "max_mib": round(max(memory), 1) if memory else None,
        "mean_mib": round(sum(memory) / len(memory), 1) if memory else None,
    }


def settle(port: int, seconds: float = 60) -> None:
    """Wait until the workers have served what the last run left queued.

    wrk stops at its deadline, but gunicorn still answers the requests already
    sent; the next measurement must not pay for them.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        get(port, "/healthz")
        if time.monotonic() - started < 0.25:
            return
