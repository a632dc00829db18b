"""The benchmark's figures as a Markdown report."""

from bench.endpoints import BASELINE, SWEEP_CONNECTIONS

SWEEP_METHOD = (
    "wrk2 is not packaged in Debian, so no fixed request rate: a closed-loop connection sweep "
    f"on the warm article ({', '.join(map(str, SWEEP_CONNECTIONS))} connections, stopping "
    "once more connections add no throughput); the step, "
    "up to the peak, whose throughput is nearest 70% of the sweep's peak stands for "
    "'70% of peak', and its p99 is compared with the p50 of the 1-connection step"
)


def latency_point(sweep: list[dict]) -> dict:
    """From a connection sweep, the step nearest 70% of peak throughput, against one connection.

    Each step has `connections`, `requests_per_second`, `p50_ms` and `p99_ms`.
    """
    single = min(sweep, key=lambda step: step["connections"])
    peak = max(sweep, key=lambda step: step["requests_per_second"])
    goal = 0.7 * peak["requests_per_second"]
    # Only the rising side: past the peak the server is overloaded, not at 70% of it.
    rising = [step for step in sweep if step["connections"] <= peak["connections"]]
    chosen = min(
        rising,
        key=lambda step: (abs(step["requests_per_second"] - goal), step["connections"]),
    )
    ratio = chosen["p99_ms"] / single["p50_ms"] if single["p50_ms"] else None
    if peak is single:
        # Nothing below the peak to compare: the machine was saturated at one connection.
        ratio = None
    return {
        "method": SWEEP_METHOD,
        "sweep": sweep,
        "p50_one_connection_ms": single["p50_ms"],
        "peak_requests_per_second": peak["requests_per_second"],
        "peak_connections": peak["connections"],
        "at_70_percent_connections": chosen["connections"],
        "at_70_percent_requests_per_second": chosen["requests_per_second"],
        "at_70_percent_p99_ms": chosen["p99_ms"],
        "ratio": round(ratio, 2) if ratio is not None else None,
    }


def ratios(endpoints: dict) -> None:
    """Each measured page's req/s over the baseline's, from the same run, in place."""
    baseline = endpoints.get(BASELINE.key, {}).get("requests_per_second")
    for entry in endpoints.values():
        rps = entry.get("requests_per_second")
        entry["ratio"] = round(rps / baseline, 3) if rps is not None and baseline else None
        target = entry.get("target")
        entry["met"] = (
            None if target is None or entry["ratio"] is None else entry["ratio"] >= target
        )


def invalid(report: dict) -> list[str]:
    """What makes a run's figures wrong: error answers, socket errors, pages never served."""
    problems = []
    sweep = [
        {**step, "name": f"warm article sweep at {step['connections']} connections"}
        for step in report["latency"].get("sweep", [])
    ]
    for entry in [*report["endpoints"].values(), *sweep]:
        if not entry.get("available", True):
            continue
        errors = entry["bad_status"] + entry["socket_errors"]
        if errors:
            problems.append(
                f"{entry['name']}: {entry['bad_status']} answers outside 2xx/3xx, "
                f"{entry['socket_errors']} socket errors"
            )
        if not entry["requests"]:
            problems.append(f"{entry['name']}: no request completed (lengthen --duration)")
    return problems


def _verdict(met) -> str:
    return "" if met is None else ("met" if met else "**missed**")


def markdown(report: dict) -> str:
    endpoints = report["endpoints"]
    ratios(endpoints)
    machine, data, run = report["machine"], report["dataset"], report["run"]
    counts = data["counts"]
    built = "reused from an earlier run" if data["reused"] else "built"
    lines = [
        f"# Newsroom benchmark, {report['started_at']}",
        "",
        f"- Machine: {machine['cores']} cores, Python {machine['python']}, "
        f"{machine['database']}, {machine['wrk']}; load average "
        f"{machine['load_average_at_start']} at start, {machine['load_average_at_end']} at end",
        f"- Dataset ({built}; build took {data['build_seconds']} s): {counts['articles']} "
        f"articles, {counts['sections']} sections, {counts['tags']} tags "
        f"({counts['tagged_items']} taggings), {counts['approved_comments']} approved and "
        f"{counts['pending_comments']} pending comments, {counts['ratings']} published ratings, "
        f"one lead image with {counts['renditions']} renditions shared by all articles",
        f"- Server: gunicorn {report['server']['gunicorn']}, {report['server']['workers']} "
        "workers, debug off",
        f"- Load: wrk, {run['seconds_per_endpoint']:g} s per endpoint, "
        f"{run['connections']} connections, {run['wrk_threads']} thread(s)",
        "",
    ]
    problems = invalid(report)
    if problems:
        lines += ["> **ERRORS: this run is not valid.** " + "; ".join(problems) + ".", ""]
    lines += [
        "| endpoint | path | req/s | p50 ms | p99 ms | ratio to /healthz | target | "
        "non-2xx/3xx | socket errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for entry in endpoints.values():
        target = f">= {entry['target']} {_verdict(entry['met'])}".strip() if entry["target"] else ""
        path = f"`{entry['path']}`"
        if entry.get("paths", 1) > 1:
            path += f" and {entry['paths'] - 1} more"
        if not entry.get("available"):
            lines.append(f"| {entry['name']} | {path} | {entry['note']} | | | | {target} | | |")
            continue
        lines.append(
            f"| {entry['name']} | {path} | {entry['requests_per_second']:.1f} "
            f"| {entry['p50_ms']:.1f} | {entry['p99_ms']:.1f} | {entry['ratio']:.3f} | {target} "
            f"| {entry['bad_status']} | {entry['socket_errors']} |"
        )
    notes = [
        f"{e['name']}: {e['note']}"
        for e in endpoints.values()
        if e.get("available") and e.get("note")
    ]
    lines += ["", *[f"- {note}" for note in notes]]
    latency = report["latency"]
    if "ratio" in latency and latency["ratio"] is None:
        lines += [
            f"- Article p99 at ~70% of peak: not measurable, the peak "
            f"({latency['peak_requests_per_second']:.1f} req/s) came at one connection, "
            "so the server was saturated (by other work on the machine?) before any load",
            f"- Method: {latency['method']}",
        ]
    elif "ratio" in latency:
        met = latency["ratio"] <= latency["target"]
        lines += [
            f"- Article p99 at ~70% of peak: {latency['at_70_percent_p99_ms']:.1f} ms at "
            f"{latency['at_70_percent_connections']} connections "
            f"({latency['at_70_percent_requests_per_second']:.1f} req/s; peak "
            f"{latency['peak_requests_per_second']:.1f} req/s at {latency['peak_connections']}); "
            f"p50 at one connection {latency['p50_one_connection_ms']:.1f} ms; ratio "
            f"{latency['ratio']} (target <= {latency['target']:g}: {_verdict(met)})",
            f"- Method: {latency['method']}",
        ]
    else:
        lines.append(f"- Article p99 at 70% of peak: {latency['note']}")
    memory = report["memory"]
    lines.append(
        f"- Peak memory (VmHWM) of the {memory['workers']} workers: max {memory['max_mib']} MiB, "
        f"mean {memory['mean_mib']} MiB"
    )
    return "\n".join(lines) + "\n"
