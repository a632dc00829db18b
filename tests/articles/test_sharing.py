"""Preview links: one active per article, listed, revocable, each id checked against its
article."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import services
from articles.models import Article, PreviewLink
from tests.factories import ArticleFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "author": staff_member("Journalists", "author"),
        "other": staff_member("Journalists", "other"),
        "editor": staff_member("Editors", "editor"),
        "analyst": staff_member("Bias analysts", "analyst"),
    }


def draft(author):
    return ArticleFactory(author=author, status=Article.Status.DRAFT, published_at=None)


def link_on(page: str) -> str:
    return page.split('id="preview-link" type="url" value="')[1].split('"')[0]


def test_an_article_has_one_active_link_however_often_it_is_shared(people, client):
    article = draft(people["author"])
    first = services.preview_link_share(article=article, user=people["author"])
    again = services.preview_link_share(article=article, user=people["editor"])
    assert first == again and article.preview_links.count() == 1
    client.force_login(people["author"])
    share = f"/admin/articles/article/{article.pk}/share-preview/"
    seen = []
    for minutes in (0, 5):  # the address shown stays the one shared, however much later
        with time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False):
            seen.append(link_on(client.get(share).content.decode()))
    assert seen[0] == seen[1] and article.preview_links.count() == 1


def test_a_revoked_link_stops_opening_the_article_and_a_new_one_can_be_made(people, client):
    article = draft(people["author"])
    client.force_login(people["author"])
    share = f"/admin/articles/article/{article.pk}/share-preview/"
    client.post(share)
    url = link_on(client.get(share).content.decode()).replace("http://testserver", "")
    assert client.get(url).status_code == 200
    link = article.preview_links.get()
    response = client.post(share, {"revoke": link.pk}, follow=True)
    assert "no longer opens the article" in response.content.decode()
    page = response.content.decode()
    assert "Revoked by" in page and "Create a preview link" in page
    assert client.get(url).status_code == 404
    client.post(share)
    assert article.preview_links.active().count() == 1 and article.preview_links.count() == 2


def test_revoking_one_link_leaves_the_articles_others_alone(people):
    article = draft(people["author"])
    old = services.preview_link_share(article=article, user=people["author"])
    services.preview_link_revoke(article=article, link_id=old.pk, user=people["author"])
    active = services.preview_link_share(article=article, user=people["author"])
    # Revoking the old link again names it, not the article's newest.
    again = services.preview_link_revoke(article=article, link_id=old.pk, user=people["editor"])
    assert again == old
    active.refresh_from_db()
    assert active.is_active
    old.refresh_from_db()
    assert old.revoked_by == people["author"]


def test_a_link_of_another_article_is_not_revoked_through_this_one(people, client):
    mine, theirs = draft(people["author"]), draft(people["other"])
    their_link = services.preview_link_share(article=theirs, user=people["other"])
    client.force_login(people["author"])
    response = client.post(
        f"/admin/articles/article/{mine.pk}/share-preview/", {"revoke": their_link.pk}
    )
    assert response.status_code == 404
    with pytest.raises(services.ForeignRow, match="not one of this article's"):
        services.preview_link_revoke(article=mine, link_id=their_link.pk, user=people["author"])
    for bad in ("", "x", "1 OR 1=1", "-1"):
        with pytest.raises(services.ForeignRow):
            services.preview_link_revoke(article=mine, link_id=bad, user=people["author"])
    their_link.refresh_from_db()
    assert their_link.is_active


def test_only_editors_and_the_author_share_or_revoke(people, client):
    article = draft(people["author"])
    for who in ("other", "analyst"):
        with pytest.raises(services.WorkflowError, match="may not share a preview"):
            services.preview_link_share(article=article, user=people[who])
    link = services.preview_link_share(article=article, user=people["editor"])
    assert link.created_by == people["editor"]
    with pytest.raises(services.WorkflowError, match="may not revoke"):
        services.preview_link_revoke(article=article, link_id=link.pk, user=people["other"])
    # Another journalist cannot reach the page at all.
    client.force_login(people["other"])
    share = f"/admin/articles/article/{article.pk}/share-preview/"
    assert client.post(share).status_code == 404
    assert article.preview_links.count() == 1


def test_an_expired_link_is_listed_as_expired_and_opens_nothing(people, client, settings):
    article = draft(people["author"])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(people["author"])
        share = f"/admin/articles/article/{article.pk}/share-preview/"
        client.post(share)
        url = link_on(client.get(share).content.decode()).replace("http://testserver", "")
    later = start + timedelta(hours=settings.NEWSROOM_PREVIEW_MAX_AGE_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        assert client.get(url).status_code == 404
        client.force_login(people["author"])  # a new day's sign-in
        page = client.get(share).content.decode()
        assert "Expired" in page and "Create a preview link" in page
        assert PreviewLink.objects.active().count() == 0


def test_the_share_page_lists_links_in_a_fixed_number_of_queries(
    people, client, django_assert_max_num_queries
):
    article = draft(people["author"])
    for n in range(30):
        link = PreviewLink.objects.create(
            article=article,
            created_by=people["editor"],
            expires_at=timezone.now() + timedelta(hours=1),
            revoked_at=timezone.now() if n else None,
            revoked_by=people["author"],
        )
    client.force_login(people["editor"])
    share = f"/admin/articles/article/{article.pk}/share-preview/"
    with django_assert_max_num_queries(12):
        page = client.get(share).content.decode()
    assert page.count("Revoked by") == 29 and "Copy link" in page
    assert f'name="revoke" value="{link.pk}"' not in page  # the newest is revoked
