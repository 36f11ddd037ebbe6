"""Layouts and rendering: overrides win, templates escape, the renderer reads only project files."""

from __future__ import annotations

import pytest
from charterpress import project
from charterpress.errors import BuildError
from charterpress.layout.render import render_html, to_document
from charterpress.layout.templates import environment, labels


@pytest.fixture
def layouts(tmp_path):
    """A project in tmp_path with its own layouts/ folder (the renderer reads only project files)."""
    project.use(tmp_path)
    folder = tmp_path / "layouts"
    (folder / "base").mkdir(parents=True)
    (folder / "base" / "page.html").write_text(
        "<p>{% block body %}base {{ text }}{% endblock %}</p>", encoding="utf-8"
    )
    (folder / "roskilde").mkdir()
    (folder / "roskilde" / "page.html").write_text(
        '{% extends "base/page.html" %}{% block body %}own {{ super() }}{% endblock %}',
        encoding="utf-8",
    )
    yield folder
    project.use(None)


def test_a_layouts_folder_outside_the_project_is_refused(tmp_path, layouts):
    outside = tmp_path.parent / (tmp_path.name + "-outside")
    (outside / "base").mkdir(parents=True, exist_ok=True)
    (outside / "base" / "page.html").write_text("<p>{{ text }}</p>", encoding="utf-8")
    with pytest.raises(BuildError, match="outside the project"):
        render_html(environment("other", outside), "page.html", text="x")


def test_a_charter_override_is_found_first_and_can_extend_the_base(layouts):
    assert (
        render_html(environment("roskilde", layouts), "page.html", text="x") == "<p>own base x</p>"
    )
    assert render_html(environment("other", layouts), "page.html", text="x") == "<p>base x</p>"


def test_templates_escape_source_text(layouts):
    html = render_html(environment("other", layouts), "page.html", text="<script>&")
    assert html == "<p>base &lt;script&gt;&amp;</p>"


def test_a_misspelt_variable_is_an_error_not_a_blank(layouts):
    """The layout's own file and line are named (a located BuildError, not a blank)."""
    with pytest.raises(BuildError, match=r"layouts/base/page\.html:1: .*'text' is undefined"):
        render_html(environment("other", layouts), "page.html")


def test_labels_exist_in_both_languages_with_the_same_keys():
    assert set(labels("da")) == set(labels("en"))
    assert labels("da")["reflection"] == "Refleksion"
    assert labels("en")["reflection"] == "Reflection"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/x.css", "file:///etc/passwd", "assets/../../../etc/hostname"]
)
def test_the_renderer_reads_nothing_outside_the_project(url):
    html = f'<html><head><link rel="stylesheet" href="{url}"></head><body>x</body></html>'
    with pytest.raises(BuildError, match="refused"):
        to_document(html)


def test_the_renderer_reads_project_files():
    html = '<style>{}</style><p style="font-family: Inter">x</p>'.format(
        '@font-face { font-family: Inter; src: url("assets/fonts/inter/Inter-Regular.otf") }'
    )
    assert len(to_document(html).pages) == 1


def test_compiled_templates_are_shared_but_an_edited_layout_is_compiled_anew(layouts):
    """Environments share compiled templates (layouts._COMPILED); an edit is never served stale."""
    assert render_html(environment("other", layouts), "page.html", text="x") == "<p>base x</p>"
    (layouts / "base" / "page.html").write_text("<div>{{ text }}</div>", encoding="utf-8")
    assert render_html(environment("other", layouts), "page.html", text="x") == "<div>x</div>"
