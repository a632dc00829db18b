"""The benchmark's figures as a Markdown report."""

from bench.endpoints import BASELINE, SWEEP_CONNECTIONS

RENDER_ROW = "comments: 1,000 vs 50"
MODERATION_ROW = "reads under moderation"

SWEEP_METHOD = (
    "wrk2 (a fixed request rate) is not packaged in Debian. Instead: a closed-loop connection "
    f"sweep on the warm article ({', '.join(map(str, SWEEP_CONNECTIONS))} connections, stopping "
    "once more connections add no throughput) finds the peak and the p50 at one connection; "
    "then paced runs (each connection pausing before each request, wrk's delay()) aim at 70% "
    "of that peak. Of the paced runs and the sweep's steps up to the peak, the one whose "
    "throughput is nearest 70% of the peak stands for it, and its p99 is compared with the "
    "p50 at one connection. Paced closed-loop load under-states queueing delay compared "
    "with a fixed rate (coordinated omission)"
)

# How close to 70% of the peak a run's throughput must be to stand for it.
NEAR = 0.15


def pause_ms(*, connections: int, goal: float, cycle_ms: float) -> int:
    """The pause before each request that brings `connections` to `goal` req/s in all.

    `cycle_ms` is the time one request takes, pause excluded.
    """
    return max(0, round(1000 * connections / goal - cycle_ms))


def latency_point(sweep: list[dict], paced: list[dict] = ()) -> dict:
    """The run nearest 70% of peak throughput, and its p99 against the p50 at one connection.

    Each sweep step and paced run has `connections`, `requests_per_second`, `p50_ms`
    and `p99_ms`; paced runs also `pause_ms`.
    """
    single = min(sweep, key=lambda step: step["connections"])
    peak = max(sweep, key=lambda step: step["requests_per_second"])
    goal = 0.7 * peak["requests_per_second"]
    # Only the rising side: past the peak the server is overloaded, not at 70% of it.
    rising = [step for step in sweep if step["connections"] <= peak["connections"]]
    chosen = min(
        [*paced, *rising],
        key=lambda run: (abs(run["requests_per_second"] - goal), run["connections"]),
    )
    ratio = chosen["p99_ms"] / single["p50_ms"] if single["p50_ms"] else None
    if abs(chosen["requests_per_second"] - goal) > NEAR * goal:
        ratio = None  # no run came near 70% of the peak
    return {
        "method": SWEEP_METHOD,
        "sweep": sweep,
        "paced": list(paced),
        "p50_one_connection_ms": single["p50_ms"],
        "peak_requests_per_second": peak["requests_per_second"],
        "peak_connections": peak["connections"],
        "at_70_percent_connections": chosen["connections"],
        "at_70_percent_pause_ms": chosen.get("pause_ms", 0),
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
        {**step, "name": f"warm article at {step['connections']} connections"}
        for step in [*report["latency"].get("sweep", []), *report["latency"].get("paced", [])]
    ]
    moderation = report.get("moderation", {})
    runs = [
        {**moderation[run], "name": f"{MODERATION_ROW}, {run}"}
        for run in ("quiet", "busy")
        if moderation.get("available") and run in moderation
    ]
    for entry in [*report["endpoints"].values(), *sweep, *runs]:
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
    problems += moderation_problems(moderation)
    return problems + render_problems(report.get("comment_render"))


def moderation_problems(entry: dict) -> list[str]:
    """The moderator's set-up or approvals that failed, and approved comments a reader did
    not see at once."""
    if "error" in entry:
        return [f"{MODERATION_ROW}: {entry['error']}"]
    if not entry.get("available"):
        return []
    approvals = entry["approvals"]
    if not approvals:
        return [f"{MODERATION_ROW}: no comment was approved during the busy run"]
    problems = []
    failed = [a for a in approvals if _approval_failure(a)]
    if failed:
        first = failed[0]
        problems.append(
            f"{MODERATION_ROW}: {len(failed)} of {len(approvals)} approvals failed (comment "
            f"{first['comment']}: {_approval_failure(first)})"
        )
    approved = [a for a in approvals if a.get("status") == 302]
    # A reader's request that failed is counted above, not as a comment not shown.
    unseen = [a for a in approved if not a.get("shown") and "error" not in a]
    if unseen:
        first = unseen[0]
        problems.append(
            f"{MODERATION_ROW}: {len(unseen)} of {len(approved)} approved comments not shown "
            f"at once (comment {first['comment']} on `{first['path']}`, which answered "
            f"{first.get('reader_status')})"
        )
    return problems


def _approval_failure(approval: dict) -> str:
    """What went wrong with one approval, or "" if nothing did."""
    if "error" in approval:
        return approval["error"]
    if approval.get("status") != 302:
        return f"the action answered {approval.get('status')}, not 302"
    return ""


def render_problems(entry: dict | None) -> list[str]:
    """A render that failed, or a page that did not show one page of comments."""
    if entry is None:
        return []
    if "error" in entry:
        return [f"{RENDER_ROW}: {entry['error']}"]
    return [
        f"{RENDER_ROW}: the page of an article with {page['comments']} comments showed "
        f"{page['comments_shown']}, not {min(page['comments'], entry['per_page'])}"
        for page in entry["pages"]
        if page["comments_shown"] != min(page["comments"], entry["per_page"])
    ]


def _verdict(met) -> str:
    return "" if met is None else ("met" if met else "**missed**")


def _memory(workers: dict) -> str:
    return (
        f"{workers['workers']} workers, max {workers['max_mib']} MiB, "
        f"mean {workers['mean_mib']} MiB"
    )


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
        "workers, debug off, Redis as the shared cache, started twice on the same database: "
        "with the page cache on, as in production (rows marked *on*), then with "
        "`NEWSROOM_PAGE_CACHE_SECONDS=0` (rows marked *off*: every request renders the page)",
        f"- Load: wrk, {run['seconds_per_endpoint']:g} s per endpoint, "
        f"{run['connections']} connections, {run['wrk_threads']} thread(s)",
        "",
    ]
    problems = invalid(report)
    if problems:
        lines += ["> **ERRORS: this run is not valid.** " + "; ".join(problems) + ".", ""]
    lines += [
        "| endpoint | page cache | path | req/s | p50 ms | p99 ms | ratio to /healthz | target | "
        "non-2xx/3xx | socket errors |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for entry in endpoints.values():
        target = f">= {entry['target']} {_verdict(entry['met'])}".strip() if entry["target"] else ""
        path = f"`{entry['path']}`"
        if entry.get("paths", 1) > 1:
            path += f" and {entry['paths'] - 1} more"
        row = f"| {entry['name']} | {'on' if entry['page_cache'] else 'off'} | {path}"
        if not entry.get("available"):
            lines.append(f"{row} | {entry['note']} | | | | {target} | | |")
            continue
        lines.append(
            f"{row} | {entry['requests_per_second']:.1f} "
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
            "- Article p99 at ~70% of peak: not measurable, no sweep step or paced run came "
            f"near 70% of the peak ({latency['peak_requests_per_second']:.1f} req/s at "
            f"{latency['peak_connections']} connection(s)); the nearest, "
            f"{latency['at_70_percent_requests_per_second']:.1f} req/s at "
            f"{latency['at_70_percent_connections']} connection(s) pausing "
            f"{latency['at_70_percent_pause_ms']} ms, had p99 "
            f"{latency['at_70_percent_p99_ms']:.1f} ms against a p50 of "
            f"{latency['p50_one_connection_ms']:.1f} ms at one connection",
            f"- Method: {latency['method']}",
        ]
    elif "ratio" in latency:
        met = latency["ratio"] <= latency["target"]
        lines += [
            f"- Article p99 at ~70% of peak: {latency['at_70_percent_p99_ms']:.1f} ms at "
            f"{latency['at_70_percent_connections']} connection(s) pausing "
            f"{latency['at_70_percent_pause_ms']} ms "
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
        f"- Peak memory (VmHWM) of the workers: page cache on, {_memory(memory['page_cache_on'])}; "
        f"page cache off, {_memory(memory['page_cache_off'])}"
    )
    lines += comments_and_moderation(report)
    return "\n".join(lines) + "\n"


def comments_and_moderation(report: dict) -> list[str]:
    """The section under the table: what more comments cost a render, and what a moderator
    at work costs readers."""
    render, moderation = report.get("comment_render"), report.get("moderation")
    if render is None and moderation is None:
        return []
    lines = [
        "",
        "## Comments and moderation",
        "",
        "| row | measured | ratio | target |",
        "| --- | --- | ---: | --- |",
    ]
    notes = []
    if render is not None:
        rows, note = _render_rows(render)
        lines += rows
        notes.append(note)
    if moderation is not None:
        row, note = _moderation_row(moderation)
        lines.append(row)
        notes.append(note)
    return [*lines, "", *(f"- {note}" for note in notes)]


def _render_rows(entry: dict) -> tuple[list[str], str]:
    if "error" in entry:
        return [f"| {RENDER_ROW} | failed: see the errors above | | |"], f"{RENDER_ROW}: failed"
    fewest, most = entry["pages"][0], entry["pages"][-1]

    def page(p, kind):
        size = f", {p['bytes']:,} bytes" if kind == "cold" else ""
        return f"{p['comments']:,} comments {p[f'{kind}_ms']:.1f} ms{size}"

    shown_right = not render_problems(entry)
    verdict = _verdict(entry["met"]) if shown_right else "**invalid**"
    rows = [
        f"| {RENDER_ROW}, cold (caches emptied) | {page(most, 'cold')}; {page(fewest, 'cold')} "
        f"| {entry['cold_ratio']:.3f} | <= {entry['target']:g} {verdict} |",
        f"| {RENDER_ROW}, parts kept | {page(most, 'kept')}; {page(fewest, 'kept')} "
        f"| {entry['kept_ratio']:.3f} | |",
    ]
    note = (
        f"{RENDER_ROW}: one article page rendered in one process with Django's test client, "
        f"on a throw-away SQLite database with local-memory caches; median of "
        f"{entry['repeats']} renders each. Two articles alike but for their comments: "
        f"{fewest['comments']:,} and {most['comments']:,} approved, {entry['threads']}; "
        f"{entry['per_page']} threads a page, and the pages showed "
        f"{fewest['comments_shown']} and {most['comments_shown']}. Cold: the page cache and the "
        "fragments emptied before each request; parts kept: the page cache emptied only"
    )
    return rows, note


def _moderation_row(entry: dict) -> tuple[str, str]:
    name = MODERATION_ROW
    if not entry.get("available"):
        return f"| {name} | {entry['note']} | | >= {entry['target']:g} |", f"{name}: not measured"
    quiet, busy = entry["quiet"], entry["busy"]
    approvals = len(entry["approvals"])

    def run(label, r):
        return (
            f"{label} {r['requests_per_second']:.1f} req/s "
            f"(p50 {r['p50_ms']:.1f}, p99 {r['p99_ms']:.1f} ms)"
        )

    shown = f"{entry['approved']} approved, {entry['shown']} shown at once"
    verdict = "**invalid**" if moderation_problems(entry) else _verdict(entry["met"])
    ratio = f"{entry['ratio']:.3f}" if entry["ratio"] is not None else ""
    row = (
        f"| {name} | {run('busy', busy)}; {run('quiet', quiet)}; {shown} | {ratio} "
        f"| >= {entry['target']:g} {verdict} |"
    )
    approve = ""
    if entry["approve_p50_ms"] is not None:
        approve = f", p50 {entry['approve_p50_ms']:.0f} ms each"
    note = (
        f"{name}: with the page cache on, wrk read {entry['paths']} pages ({entry['articles']} "
        f"articles and the home page) in a fixed random order of {entry['lines']:,} paths, "
        "first with no writes (quiet), then while a moderator signed in to the admin approved "
        "one pending comment a second with the bulk action, posted from the pending queue "
        f"({approvals} approvals{approve}; the redirect back to the queue not followed), and "
        "after each read the article's `?order=newest` page as an anonymous reader: "
        f"{entry['shown']} of {entry['approved']} approved comments were on it at once"
    )
    return row, note
