"""Admin pages read as a browser reads them."""

import re

from bs4 import BeautifulSoup


def change_form_data(html: str) -> dict[str, list[str]]:
    """What a browser sends for the page's change form when nothing was changed.

    Text areas are sent with CRLF line ends, as browsers send them.
    """

    form = BeautifulSoup(html, "html.parser").find("form", id=re.compile(r"_form$"))
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or "__prefix__" in name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.name == "textarea":
            value = [field.text.removeprefix("\n").replace("\n", "\r\n")]
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")] or options[:1]
            value = [o.get("value", o.text) for o in chosen]
        elif field.get("type") in ("checkbox", "radio"):
            if not field.has_attr("checked"):
                continue
            value = [field.get("value", "on")]
        else:
            value = [field.get("value", "")]
        data.setdefault(name, []).extend(value)
    data["_save"] = ["Save"]
    return data
