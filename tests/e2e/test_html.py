"""The public pages are valid HTML, as the Nu HTML Checker (vnu) reads them."""

import json
import re
import shutil
import subprocess
from urllib.request import urlopen

import pytest

from tests.e2e.conftest import NODE_MODULES
from tests.e2e.public_pages import PUBLIC_PATHS, public_site  # noqa: F401 - a fixture

pytestmark = pytest.mark.e2e

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def describe(messages: list[dict], page_of: dict[str, str]) -> str:
    lines = []
    for message in messages:
        url = message.get("url", "")
        where = page_of.get(url.rsplit("/", 1)[-1], url)
        line = message.get("lastLine", "?")
        lines.append(f"{where} line {line}: {message['message']}")
        if extract := message.get("extract"):
            lines.append(f"    {extract.strip()}")
    return "\n".join(lines)


def test_public_pages_have_no_html_errors(public_site, live_server, artifacts):  # noqa: F811
    java = shutil.which("java")
    assert java, "java is missing: run `make test-e2e`, which installs it."
    assert VNU.exists(), f"{VNU} is missing: run `make test-e2e`, which installs it."

    files, page_of = [], {}
    for path in (path.format(**public_site) for path in PUBLIC_PATHS):
        with urlopen(live_server.url + path) as response:  # noqa: S310 - the test's own server
            assert response.status == 200, path
            html = response.read()
        name = re.sub(r"[^\w]+", "-", path).strip("-") or "home"
        file = artifacts / f"{name}.html"
        file.write_bytes(html)
        files.append(file)
        page_of[file.name] = path

    # One JVM for every page: starting Java costs more than checking a page.
    checked = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    messages = json.loads(checked.stdout)["messages"]
    errors = [m for m in messages if m["type"] in {"error", "non-document-error"}]
    assert not errors, "\n" + describe(errors, page_of)
    assert checked.returncode == 0, checked.stderr
