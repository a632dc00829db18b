"""Readers, commenters and editors at once, against a live gunicorn on PostgreSQL."""

import os
import random
import threading
import time
import uuid
from collections import Counter

import pytest
from bs4 import BeautifulSoup

from newsroom.demo import seed
from tests.load.conftest import Browser, database_query, manage

pytestmark = pytest.mark.load

READERS = 20
COMMENTERS = 10
SECONDS = float(os.environ.get("NEWSROOM_LOAD_SECONDS", "30"))
ARTICLE = f"/articles/{seed.SLUG}/"


class Tally:
    """Counts shared by the worker threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.sent = 0
        self.accepted: list[str] = []
        self.rate_limited = 0

    def record(self, status: int, what: str):
        with self.lock:
            self.statuses[status] += 1
            if status >= 500:
                self.failures.append(f"{status} {what}")


def run_for(seconds: float, workers: list) -> None:
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=work, args=(deadline,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    assert not any(thread.is_alive() for thread in threads)


def test_readers_and_commenters_get_no_server_error_and_every_comment_is_kept_once(
    newsroom_on_postgres,
):
    server = newsroom_on_postgres
    (tag,) = database_query(server.database_url, "SELECT slug FROM taggit_tag LIMIT 1")
    reader_pages = ["/", ARTICLE, f"/tags/{tag[0]}/", "/?page=1"]
    tally = Tally()

    def reader(deadline):
        while time.monotonic() < deadline:
            path = random.choice(reader_pages)
            try:
                tally.record(server.get(path)[0], f"GET {path}")
            except OSError as error:
                with tally.lock:
                    tally.failures.append(f"GET {path}: {error!r}")

    def commenter(deadline):
        browser = Browser(server)
        n = 0
        while time.monotonic() < deadline:
            n += 1
            body = f"Load comment {uuid.uuid4().hex} number {n}"
            try:
                status, _, _ = browser.get(ARTICLE)
                tally.record(status, f"GET {ARTICLE}")
                fields = {"author_name": "Load reader", "author_email": f"load{n}@example.org",
                          "body": body, "website": ""}  # fmt: skip
                status, _, _ = browser.post(f"{ARTICLE}comments/", fields)
            except OSError as error:
                with tally.lock:
                    tally.failures.append(f"POST comment: {error!r}")
                continue
            tally.record(status, "POST comment")
            with tally.lock:
                tally.sent += 1
                if status in (302, 303):
                    tally.accepted.append(body)
                elif status == 429:
                    tally.rate_limited += 1

    run_for(SECONDS, [reader] * READERS + [commenter] * COMMENTERS)

    stored = dict(
        database_query(
            server.database_url,
            "SELECT body, count(*) FROM articles_comment WHERE body LIKE 'Load comment %%' "
            "GROUP BY body",
        )
    )
    requests = sum(tally.statuses.values())
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    print(
        f"\nload test: {SECONDS:.0f} s, {READERS} readers + {COMMENTERS} commenters: "
        f"{requests} requests ({requests / SECONDS:.0f}/s), "
        f"statuses {dict(sorted(tally.statuses.items()))}, "
        f"{server_errors} server errors, {len(tally.failures)} failures; comments sent "
        f"{tally.sent}, accepted {len(tally.accepted)}, rate-limited {tally.rate_limited}, "
        f"stored {sum(stored.values())}"
    )
    assert tally.failures == []
    assert server_errors == 0
    assert requests > 100
    assert tally.accepted, "no comment was accepted: the test would prove nothing"
    assert {body: stored.get(body) for body in tally.accepted} == dict.fromkeys(tally.accepted, 1)
    assert sum(stored.values()) == len(tally.accepted)  # nothing refused was stored either


def change_form_fields(html: str) -> list[tuple[str, str]]:
    """What a browser would submit from the admin's change form, as it was loaded."""
    form = BeautifulSoup(html, "html.parser").find("form", id="article_form")
    fields = []
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or "__prefix__" in name or name == "csrfmiddlewaretoken":
            continue
        if element.name == "textarea":
            fields.append((name, element.text.removeprefix("\n")))
        elif element.name == "select":
            chosen = element.find_all("option", selected=True)
            fields += [(name, option.get("value", "")) for option in chosen]
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                fields.append((name, element.get("value", "on")))
        elif element.get("type") not in ("submit", "button", "file"):
            fields.append((name, element.get("value", "")))
    return fields


def test_two_editors_saving_at_once_get_one_save_and_one_conflict(newsroom_on_postgres):
    server = newsroom_on_postgres
    password = "violet-harbour-lantern-42"
    manage(
        server.env,
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User\n"
        "for name in ('editor-a', 'editor-b'):\n"
        f"    user = User.objects.create_user(name, password='{password}', is_staff=True)\n"
        "    user.groups.add(Group.objects.get(name='Editors'))\n",
    )
    ((article_id, version_before),) = database_query(
        server.database_url,
        "SELECT id, version FROM articles_article WHERE slug = %s",
        (seed.SLUG,),
    )
    change = f"/admin/articles/article/{article_id}/change/"
    editors = {}
    for name in ("editor-a", "editor-b"):
        browser = Browser(server)
        browser.get("/admin/login/")
        status, headers, _ = browser.post(
            "/admin/login/?next=/admin/", {"username": name, "password": password}
        )
        assert status == 302 and headers["Location"] == "/admin/", status
        status, _, html = browser.get(change)
        assert status == 200
        fields = [
            (key, f"Peace talks, as edited by {name}" if key == "title" else value)
            for key, value in change_form_fields(html.decode())
        ]
        editors[name] = (browser, fields)

    barrier = threading.Barrier(2)
    results = {}

    def save(name):
        browser, fields = editors[name]
        barrier.wait(timeout=30)
        results[name] = browser.post(change, fields)

    threads = [threading.Thread(target=save, args=(name,)) for name in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    outcome = {name: status for name, (status, _, _) in results.items()}
    assert sorted(outcome.values()) == [200, 302], outcome
    (winner,) = [name for name, status in outcome.items() if status == 302]
    (loser,) = [name for name, status in outcome.items() if status == 200]
    assert b"after you opened it. Nothing was saved" in results[loser][2]
    ((title, version_after),) = database_query(
        server.database_url, "SELECT title, version FROM articles_article WHERE id = %s",
        (article_id,),
    )  # fmt: skip
    assert title == f"Peace talks, as edited by {winner}"
    assert version_after == version_before + 1
    print(f"\nconcurrent edit: {winner} saved, {loser} got the conflict message")
