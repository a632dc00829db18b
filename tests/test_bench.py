"""The benchmark's dataset builder and its report, without wrk or gunicorn."""

import threading
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from pytest_django.live_server_helper import LiveServer
from taggit.models import TaggedItem

from articles.markdown import render_markdown
from articles.models import Article, Comment, Image, Section
from articles.permissions import can_moderate
from bench import comment_render, dataset, moderation, run, server, table, wrk
from bench.endpoints import ENDPOINTS
from bias.models import Rating
from tests.images import image_bytes

TINY = dataset.Size(
    articles=3, sections=6, tags_per_article=8, tag_pool=20, approved_comments=5, pending_comments=2
)

# What wrk 4.1.0 printed for a 2-second run with bench/report.lua.
WRK_SAMPLE = """\
Running 2s test @ http://127.0.0.1:40111/healthz
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.10ms    2.91ms  31.20ms   86.12%
    Req/Sec     1.02k   170.33     1.29k    70.00%
  2035 requests in 2.00s, 506.63KB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1016.87
Transfer/sec:    253.16KB
BENCH_JSON {"requests": 2035, "duration_us": 2001239, "bytes": 518789, \
"requests_per_second": 1016.87, "latency_us": {"p50": 3412, "p90": 6733, "p99": 15021, \
"max": 31204, "mean": 4102.3}, "errors": {"connect": 0, "read": 1, "write": 0, \
"status": 3, "timeout": 2}}
"""


@pytest.fixture
def tiny_dataset(db):
    return dataset.build(TINY, lead_picture=image_bytes(width=700, height=400))


def test_builder_writes_the_requested_size(tiny_dataset):
    assert tiny_dataset["articles"] == Article.objects.published().count() == 3
    for article in Article.objects.all():
        assert article.sections.count() == 6
        assert article.tags.count() == 8
        assert article.comments.approved().count() == 5
        assert article.comments.filter(status=Comment.Status.PENDING).count() == 2
        assert Rating.objects.current_for(article) is not None
    assert tiny_dataset["approved_comments"] == 15
    assert tiny_dataset["pending_comments"] == 6
    assert tiny_dataset["tagged_items"] == TaggedItem.objects.count() == 24
    assert tiny_dataset["ratings"] == 3


def test_builder_renders_section_bodies_as_save_would(tiny_dataset):
    for section in Section.objects.all():
        assert section.body_html
        assert section.body_html == render_markdown(section.body)
        assert section.heading == Section.Kind(section.kind).label


def test_builder_shares_one_lead_image_with_its_renditions(tiny_dataset):
    image = Image.objects.get()
    assert image.renditions.count() == tiny_dataset["renditions"] > 0
    assert set(Article.objects.values_list("lead_image", flat=True)) == {image.pk}


def test_built_article_page_shows_approved_comments_only(tiny_dataset, client):
    article = Article.objects.first()
    approved = article.comments.approved().first()
    approved_bodies = set(article.comments.approved().values_list("body", flat=True))
    # Bodies come from a pool, so take a pending one no approved comment shares.
    pending = next(
        comment
        for comment in article.comments.filter(status=Comment.Status.PENDING)
        if comment.body not in approved_bodies
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(approved.body) in page
    assert escape(pending.body) not in page
    assert Rating.objects.current_for(article).label in page


def test_manifest_lists_public_slugs_and_busiest_tag_first(tiny_dataset):
    manifest = dataset.manifest()
    assert sorted(manifest["slugs"]) == sorted(Article.objects.values_list("slug", flat=True))
    uses = {slug: TaggedItem.objects.filter(tag__slug=slug).count() for slug in manifest["tags"]}
    assert uses[manifest["tags"][0]] == max(uses.values())
    assert manifest["search_words"]


def test_every_endpoint_has_paths_from_a_manifest():
    manifest = {"slugs": ["a", "b", "c"], "tags": ["t"], "search_words": ["w", "v"]}
    paths = {endpoint.key: endpoint.paths(manifest) for endpoint in ENDPOINTS}
    assert paths["article_warm"] == ["/articles/a/"]
    assert sorted(paths["article_cold"]) == ["/articles/b/", "/articles/c/"]
    assert paths["search"] == ["/search/?q=w", "/search/?q=v"]
    assert paths["home"] == paths["home_cached"] == ["/"]
    assert paths["tag"] == ["/tags/t/"]
    assert paths["feed"] == ["/feeds/latest/"]
    # No made-up parameter: the page cache files pages without it, so it would change nothing.
    assert not any("uncached" in path for rows in paths.values() for path in rows)


def test_uncached_rows_are_the_ones_measured_with_the_page_cache_off():
    off = {endpoint.key for endpoint in ENDPOINTS if not endpoint.page_cache}
    assert off == {"home", "tag", "search", "feed"}
    for endpoint in ENDPOINTS:
        assert ("uncached" in endpoint.name) == (not endpoint.page_cache), endpoint.name


def test_only_page_caching_differs_between_the_two_servers():
    env = {"DATABASE_URL": "postgres://x/y", "REDIS_URL": "redis://r/15", "DJANGO_DEBUG": "0"}
    assert run.server_env(env, page_cache=False) == {**env, "NEWSROOM_PAGE_CACHE_SECONDS": "0"}
    assert run.server_env(env, page_cache=True) == env
    # A setting left in the shell does not turn the cache off on the server meant to have it.
    inherited = {**env, "NEWSROOM_PAGE_CACHE_SECONDS": "0"}
    assert run.server_env(inherited, page_cache=True) == env


def _queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, path
    return len(queries)


def test_uncached_rows_render_every_request_only_with_the_page_cache_off(
    tiny_dataset, client, settings
):
    manifest = dataset.manifest()
    uncached = [endpoint for endpoint in ENDPOINTS if not endpoint.page_cache]
    for endpoint in uncached:
        path = endpoint.paths(manifest)[0]
        settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
        assert _queries_of(client, path) > 0, path
        assert _queries_of(client, path) > 0, path  # rendered again
        # The same path with the cache on is answered from it after the first request,
        # which is why these rows need a server of their own.
        settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
        _queries_of(client, path)
        assert _queries_of(client, path) == 0, path


def test_each_row_is_measured_on_the_server_its_endpoint_names(monkeypatch, tmp_path):
    started = []
    loaded: dict[str, set[int]] = {}

    @contextmanager
    def fake_serving(env, log_file):
        port = 2000 if env.get("NEWSROOM_PAGE_CACHE_SECONDS") == "0" else 1000
        started.append((port, log_file.name))
        yield server.Server(port=port, pid=port, how="--workers=1")

    def fake_wrk(*, base_url, paths_file, **kwargs):
        loaded.setdefault(paths_file.name, set()).add(int(base_url.rsplit(":", 1)[1]))
        return wrk.parse(WRK_SAMPLE)

    monkeypatch.setattr(run, "serving", fake_serving)
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    monkeypatch.setattr(run, "get", lambda port, path, headers=None: (200, {"ETag": '"e"'}))
    monkeypatch.setattr(run, "settle", lambda port: None)
    monkeypatch.setattr(run, "worker_pids", lambda pid: [])
    monkeypatch.setattr(run, "workers_memory", lambda pid: {"pid": pid})
    monkeypatch.setattr(wrk, "run", fake_wrk)
    monkeypatch.setattr(
        moderation, "measure", lambda args, port, *rest: {"name": "moderation", "port": port}
    )
    manifest = {"slugs": ["a", "b", "c"], "tags": ["t", "u"], "search_words": ["w", "v"]}
    args = run.parse_args(["--duration", "1"])

    report = run.measure_both_servers(args, {"REDIS_URL": "redis://r/15"}, manifest, tmp_path, "T")

    # One server after the other, the one that caches pages first.
    assert started == [
        (1000, "T-gunicorn-page-cache-on.log"),
        (2000, "T-gunicorn-page-cache-off.log"),
    ]
    assert loaded.pop("warm-up.paths") == {1000, 2000}
    for endpoint in ENDPOINTS:
        assert loaded[f"{endpoint.key}.paths"] == {1000 if endpoint.page_cache else 2000}
    assert list(report["endpoints"]) == [endpoint.key for endpoint in ENDPOINTS]
    assert [e["page_cache"] for e in report["endpoints"].values()] == [
        endpoint.page_cache for endpoint in ENDPOINTS
    ]
    assert report["latency"]["sweep"]  # on the warm article, so on the server with the cache
    assert report["moderation"]["port"] == 1000  # readers of cached pages, as in production
    assert report["memory"] == {"page_cache_on": {"pid": 1000}, "page_cache_off": {"pid": 2000}}


def test_wrk_output_parser_reads_the_result_line():
    result = wrk.parse(WRK_SAMPLE)
    assert result.requests == 2035
    assert result.requests_per_second == pytest.approx(1016.87)
    assert result.p50_ms == pytest.approx(3.412)
    assert result.p99_ms == pytest.approx(15.021)
    assert result.bad_status == 3
    assert result.socket_errors == 3
    assert result.errors == 6


def test_wrk_output_parser_refuses_output_without_a_result_line():
    with pytest.raises(wrk.WrkOutputError):
        wrk.parse(WRK_SAMPLE.split("BENCH_JSON")[0])
    with pytest.raises(wrk.WrkOutputError):
        wrk.parse('BENCH_JSON {"requests": 1}')


def test_latency_point_is_the_sweep_step_nearest_70_percent_of_peak():
    sweep = [
        {"connections": 1, "requests_per_second": 40.0, "p50_ms": 20.0, "p99_ms": 30.0},
        {"connections": 2, "requests_per_second": 72.0, "p50_ms": 25.0, "p99_ms": 50.0},
        {"connections": 4, "requests_per_second": 95.0, "p50_ms": 40.0, "p99_ms": 90.0},
        {"connections": 8, "requests_per_second": 100.0, "p50_ms": 80.0, "p99_ms": 200.0},
        # Past the peak, overloaded: nearer 70% of peak, yet not "at 70% of peak".
        {"connections": 16, "requests_per_second": 70.0, "p50_ms": 200.0, "p99_ms": 900.0},
    ]
    point = table.latency_point(sweep)
    assert point["peak_requests_per_second"] == 100.0
    assert point["at_70_percent_connections"] == 2
    assert point["ratio"] == 2.5  # 50 ms p99 over 20 ms p50
    assert "wrk2" in point["method"]


def test_latency_point_prefers_a_paced_run_nearer_70_percent():
    sweep = [
        {"connections": 1, "requests_per_second": 50.0, "p50_ms": 20.0, "p99_ms": 30.0},
        {"connections": 2, "requests_per_second": 95.0, "p50_ms": 21.0, "p99_ms": 60.0},
        {"connections": 4, "requests_per_second": 100.0, "p50_ms": 40.0, "p99_ms": 90.0},
    ]
    paced = [
        {"connections": 4, "pause_ms": 37, "requests_per_second": 69.0, "p50_ms": 22.0,
         "p99_ms": 44.0},
    ]  # fmt: skip
    point = table.latency_point(sweep, paced)
    assert point["at_70_percent_pause_ms"] == 37
    assert point["ratio"] == 2.2  # 44 ms p99 over 20 ms p50


def test_pause_brings_the_connections_to_the_goal_rate():
    # 4 connections at 70 req/s: one request every 57 ms each, of which 20 ms is the request.
    assert table.pause_ms(connections=4, goal=70.0, cycle_ms=20.0) == 37
    assert table.pause_ms(connections=1, goal=1000.0, cycle_ms=20.0) == 0


def test_validators_turn_into_conditional_request_headers():
    assert run.validators({"ETag": '"abc"', "Content-Type": "text/html"}) == {
        "If-None-Match": '"abc"'
    }
    assert run.validators({"Last-Modified": "Sat, 28 Nov 2026 03:00:00 GMT"}) == {
        "If-Modified-Since": "Sat, 28 Nov 2026 03:00:00 GMT"
    }
    assert run.validators({"Content-Type": "text/html"}) == {}


def test_gunicorn_uses_the_project_config_when_there_is_one(monkeypatch, tmp_path):
    monkeypatch.setattr(server, "GUNICORN_CONFIG", tmp_path / "missing.py")
    command, how = server.gunicorn_command(8123)
    assert "--bind" in command and "127.0.0.1:8123" in command
    assert "-c" not in command
    assert any(arg.startswith("--workers=") for arg in command)

    config = tmp_path / "gunicorn.py"
    config.write_text("workers = 3\n")
    monkeypatch.setattr(server, "GUNICORN_CONFIG", config)
    monkeypatch.setattr(server, "ROOT", tmp_path)
    command, how = server.gunicorn_command(8123)
    assert command[command.index("-c") + 1] == str(config)
    assert not any(arg.startswith("--workers=") for arg in command)


def _report(endpoints):
    return {
        "started_at": "20261128T030000Z",
        "machine": {
            "cores": 2,
            "python": "3.11",
            "database": "PostgreSQL 15",
            "wrk": "wrk 4.1.0",
            "load_average_at_start": [1.0],
            "load_average_at_end": [1.0],
        },
        "dataset": {
            "size": {},
            "counts": dict.fromkeys(
                ["articles", "sections", "tags", "tagged_items", "approved_comments",
                 "pending_comments", "ratings", "renditions"], 1),
            "reused": False,
            "build_seconds": 1.0,
        },
        "server": {"gunicorn": "--workers=5", "workers": 5},
        "run": {"seconds_per_endpoint": 3, "connections": 8, "wrk_threads": 1},
        "endpoints": endpoints,
        "latency": {"note": "not available: the article page answers 404", "target": 4.0},
        "memory": {
            "page_cache_on": {"workers": 5, "max_mib": 60.0, "mean_mib": 55.0},
            "page_cache_off": {"workers": 5, "max_mib": 58.0, "mean_mib": 50.0},
        },
    }  # fmt: skip


def _measured(name, rps, target=None, bad_status=0, page_cache=True):
    return {
        "name": name,
        "path": "/x",
        "target": target,
        "page_cache": page_cache,
        "available": True,
        "requests": int(rps * 3),
        "requests_per_second": rps,
        "p50_ms": 1.0,
        "p99_ms": 2.0,
        "bad_status": bad_status,
        "socket_errors": 0,
    }


def test_report_gives_ratios_to_the_baseline_and_marks_missing_pages():
    endpoints = {
        "healthz": _measured("/healthz (baseline)", 1000.0),
        "home": _measured("home", 300.0, target=0.25, page_cache=False),
        "article_warm": _measured("article, warm", 500.0, target=0.6),
        "search": {"name": "search", "path": "/search/?q=w", "target": 0.1, "available": False,
                   "page_cache": False, "note": "not available: /search/?q=w answers 404"},
    }  # fmt: skip
    text = table.markdown(_report(endpoints))
    assert endpoints["home"]["ratio"] == 0.3
    assert endpoints["home"]["met"] is True
    assert endpoints["article_warm"]["met"] is False
    assert "| home | off | `/x` | 300.0 | 1.0 | 2.0 | 0.300 | >= 0.25 met |" in text
    assert "| article, warm | on | `/x` | 500.0 |" in text
    assert ">= 0.6 **missed**" in text
    assert "| search | off | `/search/?q=w` | not available: /search/?q=w answers 404 |" in text
    assert "ERRORS" not in text


def test_report_says_which_server_had_the_page_cache():
    text = table.markdown(_report({"healthz": _measured("/healthz (baseline)", 1000.0)}))
    assert "then with `NEWSROOM_PAGE_CACHE_SECONDS=0` (rows marked *off*" in text
    assert "| endpoint | page cache | path |" in text
    assert (
        "workers: page cache on, 5 workers, max 60.0 MiB, mean 55.0 MiB; "
        "page cache off, 5 workers, max 58.0 MiB, mean 50.0 MiB"
    ) in text


def test_report_says_loudly_when_a_page_answered_errors():
    endpoints = {
        "healthz": _measured("/healthz (baseline)", 1000.0),
        "home": _measured("home", 300.0, target=0.25, bad_status=12),
    }
    text = table.markdown(_report(endpoints))
    assert "**ERRORS: this run is not valid.** home: 12 answers outside 2xx/3xx" in text


def test_report_calls_a_page_that_served_nothing_invalid():
    endpoints = {
        "healthz": _measured("/healthz (baseline)", 1000.0),
        "home": _measured("home", 0.0, target=0.25),
    }
    text = table.markdown(_report(endpoints))
    assert "home: no request completed" in text


def test_report_counts_errors_in_the_latency_sweep():
    endpoints = {"healthz": _measured("/healthz (baseline)", 1000.0)}
    report = _report(endpoints)
    step = {**_measured("article", 10.0), "connections": 32, "socket_errors": 4}
    report["latency"] = {**table.latency_point([step]), "target": 4.0}
    text = table.markdown(report)
    assert "warm article at 32 connections: 0 answers outside 2xx/3xx, 4 socket" in text


def test_sweep_stops_once_more_connections_add_no_throughput():
    def steps(*rates):
        return [{"requests_per_second": rate} for rate in rates]

    assert not run.past_peak(steps(40.0))
    assert not run.past_peak(steps(40.0, 72.0))
    assert not run.past_peak(steps(40.0, 72.0, 74.0))  # one flat step may be noise
    assert not run.past_peak(steps(40.0, 72.0, 74.0, 90.0))
    assert run.past_peak(steps(40.0, 72.0, 74.0, 60.0))
    assert run.past_peak(steps(40.0, 39.0, 30.0))


def test_latency_point_is_not_measurable_when_the_peak_is_at_one_connection():
    sweep = [
        {**_measured("article", 6.0), "connections": 1, "p50_ms": 150.0, "p99_ms": 250.0},
        {**_measured("article", 4.0), "connections": 2, "p50_ms": 470.0, "p99_ms": 570.0},
    ]
    report = _report({"healthz": _measured("/healthz (baseline)", 1000.0)})
    report["latency"] = {**table.latency_point(sweep), "target": 4.0}
    assert report["latency"]["ratio"] is None
    assert "not measurable, no sweep step or paced run came near 70% of the peak (6.0 req/s" in (
        table.markdown(report)
    )


def test_latency_point_is_not_measurable_when_no_step_is_near_70_percent():
    sweep = [
        {"connections": 1, "requests_per_second": 10.8, "p50_ms": 95.0, "p99_ms": 143.0},
        {"connections": 2, "requests_per_second": 10.9, "p50_ms": 180.0, "p99_ms": 260.0},
    ]
    assert table.latency_point(sweep)["ratio"] is None


# Comments and moderation ----------------------------------------------------


def test_readers_read_a_fixed_random_draw_of_200_articles_and_the_home_page():
    manifest = {"slugs": [f"article-{n}" for n in range(300)]}
    slugs = moderation.reader_articles(manifest)
    assert len(slugs) == len(set(slugs)) == 200
    assert set(slugs) <= set(manifest["slugs"])
    assert slugs != manifest["slugs"][:200]  # drawn, not the first ones
    assert moderation.reader_articles(manifest) == slugs  # the same on every run

    paths = moderation.reader_paths(slugs)
    pages = {"/", *(f"/articles/{slug}/" for slug in slugs)}
    assert len(paths) == moderation.PATH_LINES == 20_000
    assert set(paths) == pages  # with replacement, 20,000 draws reach each of the 201
    assert paths.count("/") > 1
    assert paths != sorted(paths)
    assert moderation.reader_paths(slugs) == paths
    # Fewer articles than 200: all of them.
    assert sorted(moderation.reader_articles({"slugs": ["a", "b"]})) == ["a", "b"]


def test_moderator_takes_each_articles_oldest_pending_comment_in_turn():
    pending = {"b": [21, 22, 23], "a": [11], "c": []}
    assert moderation.approval_order(["b", "a", "c"], pending) == [
        ("b", 21), ("a", 11), ("b", 22), ("b", 23)
    ]  # fmt: skip
    assert moderation.approval_order(["c"], pending) == []


def test_moderator_approves_at_the_pace_asked_until_stopped(monkeypatch):
    made = []
    monkeypatch.setattr(
        moderation, "approve_and_check", lambda m, slug, pk: made.append(pk) or {"comment": pk}
    )
    order = [("a", n) for n in range(100)]
    records = moderation.moderate(None, order, seconds=0.25, stop=threading.Event(), per_second=20)
    assert 1 <= len(records) <= 5 and made == list(range(len(records)))

    stop = threading.Event()
    stop.set()
    made.clear()
    assert moderation.moderate(None, order, seconds=5, stop=stop, per_second=20) == []
    assert made == []  # the readers' run is over: no approval after it


@pytest.fixture
def plain_http_server(transactional_db, settings):
    """A live server speaking plain HTTP, as the bench's gunicorn does with
    DJANGO_SECURE_COOKIES=0, with the page cache on, and the moderators' role as the roles
    migration makes it: a transactional test before this one (on PostgreSQL, the comment
    concurrency tests) leaves every table empty, groups and all."""
    from django.contrib.auth.models import Group, Permission

    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["view_comment", "change_comment", "moderate_comment"],
        )
    )
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    live = LiveServer("127.0.0.1:0")
    live._live_server_modified_settings.enable()
    yield live
    live.stop()
    live._live_server_modified_settings.disable()


def test_moderator_approves_through_the_admin_and_a_reader_sees_it_at_once(plain_http_server):
    dataset.build(TINY, lead_picture=image_bytes(width=700, height=400))
    slugs = moderation.reader_articles(dataset.manifest())
    pending = moderation.prepare(slugs, username="bench-moderator", password="first-Pass-42")
    # Made again with a new password, as each run does: still one account, a moderator.
    pending = moderation.prepare(slugs, username="bench-moderator", password="second-Pass-42")
    user = get_user_model().objects.get(username="bench-moderator")
    assert user.is_staff and can_moderate(user)
    assert {slug: len(ids) for slug, ids in pending.items()} == dict.fromkeys(slugs, 2)
    (slug, comment), *_ = moderation.approval_order(slugs, pending)
    assert comment == min(pending[slug])

    moderator = moderation.Moderator(plain_http_server.url)
    with pytest.raises(RuntimeError, match="signing in as bench-moderator answered 200"):
        moderator.sign_in("bench-moderator", "first-Pass-42")
    moderator.sign_in("bench-moderator", "second-Pass-42")
    # The reader's page, cached before the approval, must not be the one served after it.
    before = moderator.read_as_reader(moderation.newest_first(slug))
    assert before.status == 200 and not moderation.shown(before.html, comment)

    record = moderation.approve_and_check(moderator, slug, comment)

    assert record["status"] == 302 and record["shown"] is True, record
    assert record["location"] == moderation.QUEUE  # the action's answer: back to the queue
    assert record["path"] == f"/articles/{slug}/?order=newest"
    approved = Comment.objects.get(pk=comment)
    assert approved.status == Comment.Status.APPROVED
    assert approved.moderated_by == user
    # Only the one comment selected: the rest of the queue still waits.
    still = Comment.objects.filter(status=Comment.Status.PENDING).count()
    assert still == TINY.articles * TINY.pending_comments - 1


def test_approval_posts_the_changelist_form_of_the_bulk_action():
    assert moderation.approve_fields(123) == [
        ("action", "approve_selected"),
        ("_selected_action", "123"),
        ("index", "0"),
        ("select_across", "0"),
    ]
    assert moderation.local_path("http://127.0.0.1:8000/admin/x/?queue=pending") == (
        "/admin/x/?queue=pending"
    )
    assert moderation.local_path("/admin/x/") == "/admin/x/"


def test_render_ratio_on_a_tiny_dataset(db, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    settings.NEWSROOM_COMMENTS_PER_PAGE = 10
    paths = comment_render.build((5, 20), lead_picture=image_bytes(width=700, height=400))
    assert paths == {5: "/articles/comments-5/", 20: "/articles/comments-20/"}
    result = comment_render.measure(paths, repeats=3)

    few, many = result["pages"]
    assert (few["comments"], few["comments_shown"]) == (5, 5)
    assert (many["comments"], many["comments_shown"]) == (20, 10)  # one page of threads
    for page in result["pages"]:
        assert page["kept_ms"] > 0 and 0 < page["cold_ms"] < 10_000
        assert page["bytes"] > 10_000
    assert result["cold_ratio"] == round(many["cold_ms"] / few["cold_ms"], 3)
    assert result["kept_ratio"] == round(many["kept_ms"] / few["kept_ms"], 3)
    assert result["met"] == (result["cold_ratio"] <= 1.3)
    assert table.render_problems(result) == []
    # The two articles differ only in their comments.
    articles = Article.objects.filter(slug__in=["comments-5", "comments-20"])
    assert {a.title for a in articles} == {a.title for a in articles[:1]}
    assert [s.body for s in articles[0].sections.all()] == [
        s.body for s in articles[1].sections.all()
    ]


def _render_entry(cold_ratio=1.05, shown=(50, 50)):
    return {
        "threads": "one comment per thread (no replies)",
        "per_page": 50,
        "repeats": 25,
        "pages": [
            {"path": "/articles/comments-50/", "comments": 50, "comments_shown": shown[0],
             "bytes": 75136, "cold_ms": 40.0, "kept_ms": 9.0},
            {"path": "/articles/comments-1000/", "comments": 1000, "comments_shown": shown[1],
             "bytes": 75625, "cold_ms": 40.0 * cold_ratio, "kept_ms": 9.5},
        ],
        "cold_ratio": cold_ratio,
        "kept_ratio": 1.056,
        "target": 1.3,
        "met": cold_ratio <= 1.3,
    }  # fmt: skip


def _moderation_entry(busy_rps=900.0, shown=(True, True, True), status=302):
    approvals = [
        {"comment": 100 + n, "path": f"/articles/a{n}/?order=newest", "status": status,
         "location": "/admin/articles/comment/?queue=pending", "approve_ms": 120.0,
         "reader_status": 200, "shown": seen}
        for n, seen in enumerate(shown)
    ]  # fmt: skip
    entry = {
        "name": "reads under moderation",
        "path": "/",
        "paths": 201,
        "articles": 200,
        "lines": 20000,
        "target": 0.8,
        "page_cache": True,
        "available": True,
        "quiet": {**_measured("quiet", 1000.0), "p50_ms": 10.0, "p99_ms": 30.0},
        "busy": {**_measured("busy", busy_rps), "p50_ms": 12.0, "p99_ms": 45.0},
        "approvals": approvals,
    }
    entry.update(moderation.summary(entry))
    return entry


def _report_with(render=None, moderated=None):
    report = _report({"healthz": _measured("/healthz (baseline)", 1000.0)})
    report["comment_render"] = render or _render_entry()
    report["moderation"] = moderated or _moderation_entry()
    return report


def test_report_shows_the_render_ratio_and_reads_under_moderation():
    report = _report_with()
    text = table.markdown(report)
    assert "## Comments and moderation" in text
    assert (
        "| comments: 1,000 vs 50, cold (caches emptied) | 1,000 comments 42.0 ms, 75,625 bytes; "
        "50 comments 40.0 ms, 75,136 bytes | 1.050 | <= 1.3 met |"
    ) in text
    assert "| comments: 1,000 vs 50, parts kept | 1,000 comments 9.5 ms; 50 comments 9.0 ms" in text
    assert (
        "| reads under moderation | busy 900.0 req/s (p50 12.0, p99 45.0 ms); quiet 1000.0 req/s "
        "(p50 10.0, p99 30.0 ms); 3 approved, 3 shown at once | 0.900 | >= 0.8 met |"
    ) in text
    assert "one comment per thread (no replies)" in text
    assert "3 of 3 approved comments were on it at once" in text
    assert table.invalid(report) == []
    assert "ERRORS" not in text


def test_report_marks_missed_targets_of_the_new_rows():
    report = _report_with(render=_render_entry(cold_ratio=2.0), moderated=_moderation_entry(500.0))
    text = table.markdown(report)
    assert "| 2.000 | <= 1.3 **missed** |" in text
    assert "| 0.500 | >= 0.8 **missed** |" in text
    assert table.invalid(report) == []  # slow is not wrong


def test_report_calls_a_run_invalid_when_an_approved_comment_was_not_shown():
    report = _report_with(moderated=_moderation_entry(shown=(True, False, True)))
    text = table.markdown(report)
    assert "3 approved, 2 shown at once | 0.900 | >= 0.8 **invalid** |" in text
    assert (
        "**ERRORS: this run is not valid.** reads under moderation: 1 of 3 approved comments "
        "not shown at once (comment 101 on `/articles/a1/?order=newest`, which answered 200)"
    ) in text


def test_report_calls_failed_approvals_and_runs_with_errors_invalid():
    entry = _moderation_entry(status=403, shown=(False,))
    entry["busy"]["socket_errors"] = 2
    problems = table.invalid(_report_with(moderated=entry))
    assert (
        "reads under moderation: 1 of 1 approvals failed (comment 100: the action answered 403, "
        "not 302)"
    ) in problems
    assert "reads under moderation, busy: 0 answers outside 2xx/3xx, 2 socket errors" in problems
    entry = _moderation_entry()
    entry["approvals"][2] = {**entry["approvals"][2], "error": "TimeoutError()", "shown": False}
    assert table.invalid(_report_with(moderated=entry)) == [
        "reads under moderation: 1 of 3 approvals failed (comment 102: TimeoutError())"
    ]
    empty = {**_moderation_entry(), "approvals": []}
    assert table.invalid(_report_with(moderated=empty)) == [
        "reads under moderation: no comment was approved during the busy run"
    ]


def test_report_calls_a_render_that_showed_the_wrong_comments_or_failed_invalid():
    report = _report_with(render=_render_entry(shown=(50, 49)))
    assert "**invalid**" in table.markdown(report)
    assert table.invalid(report) == [
        "comments: 1,000 vs 50: the page of an article with 1000 comments showed 49, not 50"
    ]
    failed = _report_with(render={"error": "bench.comment_render failed (1): Traceback"})
    assert table.invalid(failed) == ["comments: 1,000 vs 50: bench.comment_render failed (1): "
                                     "Traceback"]  # fmt: skip
    assert "| comments: 1,000 vs 50 | failed: see the errors above |" in table.markdown(failed)


def test_report_says_when_reads_under_moderation_could_not_be_measured():
    note = "not available: 3 pending comments left on the 200 articles, too few for the busy run"
    entry = {"name": "reads under moderation", "target": 0.8, "available": False, "note": note}
    report = _report_with(moderated=entry)
    assert f"| reads under moderation | {note} | | >= 0.8 |" in table.markdown(report)
    assert table.invalid(report) == []
    failed = {**entry, "note": "failed: see the errors above", "error": "signing in answered 429"}
    assert table.invalid(_report_with(moderated=failed)) == [
        "reads under moderation: signing in answered 429"
    ]
