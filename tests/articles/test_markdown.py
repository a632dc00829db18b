import pytest

from articles.markdown import render_markdown
from tests.factories import DelegationFactory, SectionFactory


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("Hello <script>alert(1)</script>", ["<script", "alert(1)"]),
        ('<img src="x" onerror="alert(1)">', ["onerror", "<img"]),
        ("[click](javascript:alert(1))", ["javascript:"]),
        ('<a href="javascript:alert(1)">click</a>', ["javascript:"]),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", ["data:"]),
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
