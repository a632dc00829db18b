import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from articles.models import Article, Delegation, Image, Rendition
from tests.factories import ArticleFactory, ImageFactory, UserFactory, staff_member
from tests.helpers import article_post_data, image_post, management
from tests.images import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(staff_member("Editors"))
    return client


@pytest.fixture
def journalist(client):
    user = staff_member("Journalists")
    client.force_login(user)
    return user


def test_a_whole_article_is_written_on_one_admin_page(editor_client):
    image = ImageFactory()
    response = editor_client.post(
        "/admin/articles/article/add/", article_post_data(lead_image=str(image.pk))
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    article = Article.objects.get(slug="talks-resume-in-istanbul")
    assert article.author.username == "editors"
    assert article.lead_image == image
    assert sorted(article.tags.names()) == ["Diplomacy", "Russia"]
    sections = list(article.sections.order_by("position"))
    assert [s.heading for s in sections] == ["Key Developments", "What comes next"]
    assert sections[0].body_html == "<ul>\n<li>Talks <strong>resumed</strong>.</li>\n</ul>"
    delegation = Delegation.objects.get(article=article)
    members = list(delegation.members.order_by("position"))
    assert [(m.name, m.is_head) for m in members] == [
        ("Rustem Umerov", True),
        ("Andriy Yermak", False),
    ]


def test_add_page_offers_sections_delegations_and_an_image_chooser(editor_client):
    body = editor_client.get("/admin/articles/article/add/").content.decode()
    for field in ("sections-TOTAL_FORMS", "delegations-TOTAL_FORMS", 'name="tags"'):
        assert field in body
    assert 'data-ajax--url="/admin/autocomplete/"' in body  # searchable lead-image chooser
    assert "js/image-chooser.js" in body


def test_journalist_cannot_publish_through_a_forged_post(client, journalist):
    response = client.post(
        "/admin/articles/article/add/",
        article_post_data(status="published", published_at_0="2025-05-16", published_at_1="07:00"),
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="talks-resume-in-istanbul")
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert article.author == journalist


@pytest.mark.parametrize(
    ("own", "status", "expected"),
    [
        (True, Article.Status.DRAFT, 302),
        (True, Article.Status.IN_REVIEW, 403),
        (True, Article.Status.PUBLISHED, 403),
        # Another's article is not theirs to see: the admin answers "no such article".
        (False, Article.Status.DRAFT, "missing"),
    ],
)
def test_journalists_edit_only_their_own_drafts(client, journalist, own, status, expected):
    article = ArticleFactory(
        status=status, author=journalist if own else UserFactory(), title="Before"
    )
    data = {
        "title": "After",
        "slug": article.slug,
        "summary": article.summary,
        "tags": "",
        "lead_image": "",
        "comments_enabled": "on",
        "loaded_version": str(article.version),
        **management("sections", 0),
        **management("delegations", 0),
        **management("delegations-empty-members", 0),
        "_save": "Save",
    }
    response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
    article.refresh_from_db()
    if expected == 302:
        assert response.status_code == 302
        assert article.title == "After"
    elif expected == "missing":
        assert response.status_code == 302 and response.url == "/admin/"
        assert article.title == "Before"
    else:
        assert response.status_code == expected
        assert article.title == "Before"


def test_publishing_without_a_time_publishes_now(editor_client, settings):
    # A new article has no bias rating yet; the rating gate has tests of its own.
    settings.NEWSROOM_REQUIRE_BIAS_RATING = False
    response = editor_client.post(
        "/admin/articles/article/add/", article_post_data(transition="published")
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="talks-resume-in-istanbul")
    assert article.is_public


def test_tags_in_any_script_get_ascii_addresses_that_work(editor_client, client, settings):
    settings.NEWSROOM_REQUIRE_BIAS_RATING = False
    response = editor_client.post(
        "/admin/articles/article/add/",
        article_post_data(transition="published", tags="Україна, 東京, Diplomacy"),
    )
    assert response.status_code == 302
    slugs = sorted(Article.objects.get().tags.slugs())
    assert slugs == ["diplomacy", "dong-jing", "ukrayina"]
    for slug in slugs:
        assert client.get(f"/tags/{slug}/").status_code == 200
    assert client.get("/").status_code == 200


def test_a_tag_with_no_letter_or_digit_gets_a_form_error(editor_client):
    response = editor_client.post(
        "/admin/articles/article/add/", article_post_data(tags="Diplomacy, !!!, 🔥")
    )
    assert response.status_code == 200
    assert "Each tag needs at least one letter or digit: “!!!”, “🔥”." in str(
        response.context["adminform"].form.errors["tags"]
    )
    assert not Article.objects.exists()


def test_a_tag_slug_edited_to_unicode_still_links(client):
    from taggit.models import Tag

    article = ArticleFactory(tags=["Kyiv"])
    Tag.objects.filter(name="Kyiv").update(slug="київ")
    assert 'href="/tags/%D0%BA%D0%B8%D1%97%D0%B2/"' in client.get("/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/tags/київ/").status_code == 200


def test_two_heads_of_one_delegation_get_a_form_error(editor_client):
    data = article_post_data()
    data["delegations-0-members-1-is_head"] = "on"
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "A delegation has one head." in response.content.decode()
    assert not Article.objects.exists()


def test_the_head_of_a_delegation_can_be_swapped_in_one_save(editor_client):
    editor_client.post("/admin/articles/article/add/", article_post_data())
    article = Article.objects.get()
    delegation = article.delegations.get()
    first, second = delegation.members.order_by("position")
    data = article_post_data(**{
        "loaded_version": str(article.version),
        "delegations-INITIAL_FORMS": "1",
        "delegations-0-id": str(delegation.pk),
        "delegations-0-article": str(article.pk),
        "delegations-0-members-INITIAL_FORMS": "2",
        "delegations-0-members-0-id": str(first.pk),
        "delegations-0-members-0-delegation": str(delegation.pk),
        "delegations-0-members-1-id": str(second.pk),
        "delegations-0-members-1-delegation": str(delegation.pk),
        "delegations-0-members-1-is_head": "on",
    })  # fmt: skip
    del data["delegations-0-members-0-is_head"]
    data["sections-TOTAL_FORMS"] = "0"
    response = editor_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_head, second.is_head) == (False, True)


def test_article_list_has_status_author_date_search_and_filters(editor_client):
    ArticleFactory(title="Ceasefire holds")
    ArticleFactory(title="Harvest report")
    response = editor_client.get("/admin/articles/article/?q=ceasefire")
    body = response.content.decode()
    assert "Ceasefire holds" in body and "Harvest report" not in body
    assert "By status" in body and "By author" in body
    assert "?published_at__year=" in body  # the date hierarchy


def test_uploaded_image_gets_a_generated_name_and_renditions(editor_client, media_files):
    upload = SimpleUploadedFile("../../etc/My Photo.jpeg", image_bytes(1000, 600), "image/jpeg")
    response = editor_client.post("/admin/articles/image/add/", image_post(upload))
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (1000, 600)
    assert "My Photo" not in image.file.name and image.file.name.endswith(".jpg")
    renditions = sorted((r.width, r.format) for r in image.renditions.all())
    assert renditions == [
        (320, "jpeg"), (320, "webp"), (640, "jpeg"), (640, "webp"),
        (960, "jpeg"), (960, "webp"), (1000, "jpeg"), (1000, "webp"),
    ]  # fmt: skip
    assert len(media_files()) == 1 + len(renditions)


def test_image_admin_shows_thumbnail_and_credit_line_as_it_will_print(editor_client):
    image = ImageFactory(credit="Jane Doe", source="Reuters", source_url="")
    listing = editor_client.get("/admin/articles/image/").content.decode()
    assert 'class="admin-thumbnail"' in listing
    assert "Jane Doe, CC BY 4.0, via Reuters" in listing
    change = editor_client.get(f"/admin/articles/image/{image.pk}/change/").content.decode()
    assert "Credit line as it will print" in change
    assert 'Jane Doe, <a href="https://creativecommons.org/licenses/by/4.0/"' in change


def test_image_chooser_search_returns_thumbnails(editor_client):
    ImageFactory(alt_text="Delegates at the palace")
    ImageFactory(alt_text="Harvest in the south")
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "palace", "app_label": "articles", "model_name": "article",
         "field_name": "lead_image"},
    )  # fmt: skip
    results = response.json()["results"]
    assert [r["text"] for r in results] == ["Delegates at the palace"]
    assert results[0]["thumbnail"].endswith(".webp")


def bomb_png(width: int, height: int) -> bytes:
    """A tiny file that claims a huge pixel count: 1-bit pixels compress to almost nothing."""
    import io

    buffer = io.BytesIO()
    PILImage.new("1", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>'
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"just some text, not a picture", "Upload a valid image"),
        ("logo.svg", SVG, "Upload a valid image"),
        ("renamed.jpg", b"%PDF-1.4 not really a jpeg", "Upload a valid image"),
        ("animation.gif", image_bytes(40, 40, fmt="GIF", mode="P", color=1), "This is a GIF file"),
        ("big.png", bomb_png(8_000, 8_000), "the limit is 40 megapixels"),
        ("bomb.png", bomb_png(20_000, 20_000), "Upload a valid image"),
    ],
    ids=["text", "svg", "renamed-pdf", "gif", "too-many-pixels", "decompression-bomb"],
)
def test_bad_uploads_get_a_form_error_and_store_nothing(
    editor_client, media_files, name, content, message
):
    upload = SimpleUploadedFile(name, content)
    response = editor_client.post("/admin/articles/image/add/", image_post(upload))
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["adminform"].form.errors.get("file", []))
    assert message in errors
    assert Image.objects.count() == 0 and Rendition.objects.count() == 0
    assert media_files() == []


def test_oversized_upload_gets_a_form_error(editor_client, media_files, settings):
    settings.NEWSROOM_IMAGE_MAX_BYTES = 10_000
    upload = SimpleUploadedFile("large.jpg", image_bytes(1200, 1200, color=None) + b"\0" * 20_000)
    response = editor_client.post("/admin/articles/image/add/", image_post(upload))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["file"])
    assert "images can be at most 9.8\xa0KB" in errors
    assert Image.objects.count() == 0 and media_files() == []


def test_image_needs_alt_text(editor_client, media_files):
    upload = SimpleUploadedFile("a.jpg", image_bytes(), "image/jpeg")
    response = editor_client.post("/admin/articles/image/add/", image_post(upload, alt_text=""))
    assert response.status_code == 200
    assert "alt_text" in response.context["adminform"].form.errors
    assert media_files() == []


def test_replacing_the_file_replaces_the_renditions(
    editor_client, media_files, django_capture_on_commit_callbacks
):
    image = ImageFactory()
    old_files = set(media_files())
    upload = SimpleUploadedFile("new.png", image_bytes(500, 300, fmt="PNG"), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/articles/image/{image.pk}/change/", image_post(upload, credit="New credit")
        )
    assert response.status_code == 302
    image.refresh_from_db()
    assert sorted((r.width, r.format) for r in image.renditions.all()) == [
        (320, "png"), (320, "webp"), (500, "png"), (500, "webp"),
    ]  # fmt: skip
    remaining = set(media_files())
    assert not old_files & remaining
    assert len(remaining) == 1 + 4


def test_deleting_an_image_removes_its_files_and_keeps_the_article(
    editor_client, media_files, django_capture_on_commit_callbacks
):
    image = ImageFactory()
    article = ArticleFactory(lead_image=image)
    assert media_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.exists() and not Rendition.objects.exists()
    assert media_files() == []
    article.refresh_from_db()
    assert article.lead_image is None


def test_bulk_deleting_images_removes_their_files(
    editor_client, media_files, django_capture_on_commit_callbacks
):
    images = ImageFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/admin/articles/image/",
            {
                "action": "delete_selected",
                "_selected_action": [i.pk for i in images],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert not Image.objects.exists() and media_files() == []


@pytest.mark.parametrize("size", [(1000, 17_000), (17_000, 300)], ids=["tall", "wide"])
def test_an_image_too_long_for_webp_gets_a_form_error(editor_client, media_files, size):
    upload = SimpleUploadedFile("long.png", image_bytes(*size, fmt="PNG", mode="1", color=1))
    response = editor_client.post("/admin/articles/image/add/", image_post(upload))
    assert response.status_code == 200
    assert "no side can be longer than 16383" in str(response.context["adminform"].form.errors)
    assert media_files() == []


def test_camera_jpeg_with_extra_frames_is_accepted(editor_client):
    import io

    frames = [PILImage.new("RGB", (640, 480), c) for c in ((200, 0, 0), (0, 0, 200))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="MPO", save_all=True, append_images=frames[1:])
    upload = SimpleUploadedFile("stereo.jpg", buffer.getvalue(), "image/jpeg")
    response = editor_client.post("/admin/articles/image/add/", image_post(upload))
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.file.name.endswith(".jpg")
    assert {r.format for r in image.renditions.all()} == {"jpeg", "webp"}


def test_a_long_upload_name_is_no_problem(editor_client):
    upload = SimpleUploadedFile("x" * 240 + ".jpg", image_bytes(), "image/jpeg")
    response = editor_client.post("/admin/articles/image/add/", image_post(upload))
    assert response.status_code == 302
    assert len(Image.objects.get().file.name) < 80


def test_large_uploads_streamed_to_disk_get_renditions(editor_client, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1_000  # stored as a temporary file, then moved
    content = image_bytes(700, 400, fmt="PNG")
    assert len(content) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    upload = SimpleUploadedFile("big.png", content, "image/png")
    response = editor_client.post("/admin/articles/image/add/", image_post(upload))
    assert response.status_code == 302
    assert Image.objects.get().renditions.count() == 6


def test_a_failed_save_leaves_no_files_behind(media_files, monkeypatch):
    from django.core.files.base import ContentFile

    from articles import services

    def broken(image):
        raise OSError("encoder failed")

    monkeypatch.setattr(services.image, "build_renditions", broken)
    image = Image(alt_text="x", file=ContentFile(image_bytes(), name="a.jpg"))
    with pytest.raises(OSError, match="encoder failed"):
        services.image_save(image=image, file_changed=True)
    assert media_files() == []


def test_changing_a_comment_needs_the_moderate_permission(client):
    from django.contrib.auth.models import Permission

    from tests.factories import CommentFactory

    comment = CommentFactory(status="pending")
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_comment", "view_comment"])
    )
    client.force_login(clerk)
    response = client.post(
        f"/admin/articles/comment/{comment.pk}/change/",
        {"article": comment.article_id, "author_name": "x", "author_email": "x@example.org",
         "body": "edited", "status": "approved"},
    )  # fmt: skip
    assert response.status_code == 403
    comment.refresh_from_db()
    assert (comment.status, comment.body) == ("pending", "Thanks for the clear summary.")
    client.force_login(staff_member("Moderators"))
    assert client.get(f"/admin/articles/comment/{comment.pk}/change/").status_code == 200


def test_journalists_change_only_the_images_they_uploaded(client, journalist):
    upload = SimpleUploadedFile("mine.jpg", image_bytes(), "image/jpeg")
    assert client.post("/admin/articles/image/add/", image_post(upload)).status_code == 302
    mine = Image.objects.get()
    assert mine.uploaded_by == journalist
    theirs = ImageFactory(credit="Agency")
    change = {k: v for k, v in image_post(None, credit="Changed").items() if k != "file"}
    assert client.post(f"/admin/articles/image/{mine.pk}/change/", change).status_code == 302
    assert client.post(f"/admin/articles/image/{theirs.pk}/change/", change).status_code == 403
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (mine.credit, theirs.credit) == ("Changed", "Agency")


@pytest.mark.parametrize("role", ["Journalists", "Moderators", "Bias analysts"])
def test_only_who_may_change_and_delete_tags_merges_them(client, role):
    from taggit.models import Tag

    article = ArticleFactory(tags=["Kyiv", "Kiev"])
    client.force_login(staff_member(role))
    session = client.session
    session["selected_tag_ids"] = ",".join(str(t.pk) for t in Tag.objects.all())
    session.save()
    assert client.get("/admin/taggit/tag/merge-tags/").status_code == 403
    response = client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "Kyiv city"})
    assert response.status_code == 403
    assert sorted(article.tags.names()) == ["Kiev", "Kyiv"]
    assert not Tag.objects.filter(name="Kyiv city").exists()


def test_an_editor_merges_tags_chosen_in_the_list(editor_client):
    from taggit.models import Tag

    article = ArticleFactory(tags=["Kyiv", "Kiev"])
    # Nothing chosen, or a chosen tag gone meanwhile: back to the list, nothing made.
    for chosen in ("", "abc,99999999999999999999", "424242"):
        session = editor_client.session
        session["selected_tag_ids"] = chosen
        session.save()
        response = editor_client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "X"})
        assert response.status_code == 302 and response["Location"] == "/admin/taggit/tag/"
    assert not Tag.objects.filter(name="X").exists()
    ids = [str(pk) for pk in Tag.objects.values_list("pk", flat=True)]
    response = editor_client.post(
        "/admin/taggit/tag/", {"action": "render_tag_form", "_selected_action": ids}
    )
    assert response["Location"] == "/admin/taggit/tag/merge-tags/"
    response = editor_client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "Kyiv"})
    assert response.status_code == 302
    assert list(article.tags.names()) == ["Kyiv"]


def test_an_article_has_a_bounded_number_of_tags(editor_client):
    data = article_post_data(tags=", ".join(f"tag {n}" for n in range(21)))
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "An article has at most 20 tags (this has 21)." in response.content.decode()
    assert not Article.objects.exists()
    data = article_post_data(tags=", ".join(f"tag {n}" for n in range(20)))
    assert editor_client.post("/admin/articles/article/add/", data).status_code == 302
