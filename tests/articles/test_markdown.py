import pytest
from django.core.exceptions import ValidationError

from articles import services
from articles.markdown import render_markdown
from articles.models import Article, Section
from tests.factories import ArticleFactory, DelegationFactory, SectionFactory, staff_member


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("Hello <script>alert(1)</script>", ["<script", "alert(1)"]),
        ('<img src="x" onerror="alert(1)">', ["onerror", "<img"]),
        # A refused link target stays visible as the text the author typed, never as a link.
        ("[click](javascript:alert(1))", ['href="javascript:', "<a"]),
        ('<a href="javascript:alert(1)">click</a>', ["javascript:"]),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", ['href="data:', "<a"]),
        ('<p style="position:fixed;top:0">cover</p>', ["style", "position:fixed"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe"]),
        ('<svg onload="alert(1)"><circle/></svg>', ["<svg", "onload"]),
        ("<a href='https://x.example' onclick='steal()'>x</a>", ["onclick"]),
    ],
)
def test_dangerous_markdown_renders_harmless(source, forbidden):
    html = render_markdown(source)
    for fragment in forbidden:
        assert fragment not in html


def test_markdown_keeps_the_formatting_authors_use():
    html = render_markdown("Intro with **bold** and [a link](https://example.org).\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html


def test_typographic_quotes_survive_unchanged():
    assert render_markdown("calling it “a theater prop,” Putin’s") == (
        "<p>calling it “a theater prop,” Putin’s</p>"
    )


@pytest.mark.django_db
def test_section_body_is_rendered_and_sanitised_on_save():
    section = SectionFactory(body="*Hi* <script>x()</script>")
    assert section.body_html == "<p><em>Hi</em> </p>"
    section.body = "**Changed**"
    section.save(update_fields=["body"])
    section.refresh_from_db()
    assert section.body_html == "<p><strong>Changed</strong></p>"


@pytest.mark.django_db
def test_delegation_notes_are_rendered_and_sanitised_on_save():
    delegation = DelegationFactory(notes='- led by <b onmouseover="x()">Umerov</b>')
    assert delegation.notes_html == "<ul>\n<li>led by <b>Umerov</b></li>\n</ul>"


@pytest.mark.django_db
def test_section_heading_defaults_from_its_kind():
    assert SectionFactory(kind="challenges", heading="").heading == "Challenges Ahead"
    assert SectionFactory(kind="challenges", heading="Hurdles").heading == "Hurdles"


def nested_list(depth: int) -> str:
    return "".join(f"{'  ' * level}- level {level}\n" for level in range(depth))


# Inputs that held a worker for 30 s or more, or overflowed the stack, with the old parser.
@pytest.mark.parametrize(
    "source",
    ["[" * 15000, "[a](b " * 3000, "![" * 9000, "*a " * 6000, "<" * 19000, nested_list(8)],
    ids=["brackets", "unclosed links", "unclosed images", "emphasis", "angles", "deep list"],
)
def test_pathological_markdown_within_the_bounds_renders(source):
    html = render_markdown(source)
    assert html.startswith(("<p>", "<ul>"))


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("[a](b " * 30000, "markdown_too_long"),
        (nested_list(300), "markdown_too_long"),
        (nested_list(9), "markdown_too_deep"),
        ("> " * 9 + "quoted", "markdown_too_deep"),
        ("- a\n  > b\n  > - c\n  >   > d\n" + "  >   > " + "> " * 6 + "e", "markdown_too_deep"),
    ],
    ids=["180 KB of links", "300-level list", "9-level list", "9 quotes", "lists in quotes"],
)
def test_markdown_over_the_bounds_is_refused_before_rendering(source, code):
    with pytest.raises(ValidationError) as caught:
        render_markdown(source)
    assert caught.value.code == code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "source", "message"),
    [
        ("sections-0-body", nested_list(300), "Keep this to 20,000 characters"),
        ("sections-0-body", nested_list(9), "nest at most 8 levels deep"),
        ("delegations-0-notes", "x" * 5001, "Keep this to 5,000 characters"),
    ],
)
def test_markdown_over_the_bounds_is_a_form_error(client, field, source, message):
    from tests.helpers import article_post_data

    client.force_login(staff_member("Editors"))
    response = client.post("/admin/articles/article/add/", article_post_data(**{field: source}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists() and not Section.objects.exists()


def with_sections(bodies: list[str]) -> dict:
    """The add form's fields, with one text section per body."""
    from tests.helpers import article_post_data

    data = article_post_data(**{"sections-TOTAL_FORMS": str(len(bodies))})
    for index, body in enumerate(bodies):
        data.update({
            f"sections-{index}-kind": "text",
            f"sections-{index}-body": body,
            f"sections-{index}-position": str(index),
        })  # fmt: skip
    return data


@pytest.mark.django_db
def test_an_article_holds_a_bounded_number_of_sections(client):
    data = with_sections([f"Paragraph {index}." for index in range(31)])
    client.force_login(staff_member("Editors"))
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "Please submit at most 30 forms." in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_the_sections_of_one_article_are_bounded_together(client):
    data = with_sections(["word " * 3500] * 6)  # 17,500 characters each
    client.force_login(staff_member("Editors"))
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert "the most is 100,000" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_the_body_service_keeps_the_same_bounds():
    editor = staff_member("Editors")
    article = ArticleFactory(author=editor, status=Article.Status.DRAFT, published_at=None)
    too_deep = [services.SectionRow(None, "text", "", nested_list(9), 0)]
    too_much = [services.SectionRow(None, "text", "", "word " * 3500, i) for i in range(6)]
    too_many = [services.SectionRow(None, "text", "", "x", i) for i in range(31)]
    for sections in (too_deep, too_much, too_many):
        with pytest.raises(services.WorkflowError):
            services.article_save_body(article=article, user=editor, sections=sections,
                                       delegations=[])  # fmt: skip
    assert not article.sections.exists()
