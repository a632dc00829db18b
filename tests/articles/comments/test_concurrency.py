"""Comments posted at the same moment, on PostgreSQL (SQLite serialises writers anyway)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from articles.models import Comment
from tests.factories import ArticleFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

THREADS = 20


def run_in_threads(work) -> list[BaseException]:
    """Run work(n) in THREADS threads started together; return what they raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def run(n):
        try:
            barrier.wait(timeout=30)
            work(n)
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_200_comments_from_20_threads_are_all_stored_exactly_once(settings):
    settings.NEWSROOM_COMMENTS_RATE_LIMIT = 1000
    article = ArticleFactory()
    url = f"/articles/{article.slug}/comments/"

    def post_ten(n):
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        for i in range(10):
            data = {"author_name": f"Reader {n}", "author_email": f"reader{n}@example.org",
                    "body": f"Comment {i} from reader {n} 🕊️"}  # fmt: skip
            response = client.post(url, data)
            assert response.status_code == 302, response.status_code

    assert run_in_threads(post_ten) == []
    stored = list(Comment.objects.values_list("author_email", "body"))
    assert len(stored) == len(set(stored)) == 200
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 200


def test_one_comment_sent_by_20_threads_at_once_is_stored_once(settings):
    settings.NEWSROOM_COMMENTS_RATE_LIMIT = 1000
    article = ArticleFactory()
    url = f"/articles/{article.slug}/comments/"
    data = {"author_name": "Reader", "author_email": "reader@example.org", "body": "Same words."}

    def post_once(n):
        response = Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(url, data)
        assert response.status_code == 302, response.status_code

    assert run_in_threads(post_once) == []
    assert Comment.objects.count() == 1
