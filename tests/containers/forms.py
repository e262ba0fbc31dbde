"""Read the forms of a page, as a browser would submit them, without a browser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    tag: str  # input, textarea, select, button
    type: str
    name: str
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    def named(self, name: str) -> list[Field]:
        return [f for f in self.fields if f.name == name]

    def defaults(self) -> dict[str, str]:
        """The values the form submits untouched: hidden and text fields, checked boxes."""
        data: dict[str, str] = {}
        for f in self.fields:
            if f.tag in ("button",) or f.type in ("submit", "button", "reset", "image"):
                continue
            if f.type in ("radio", "checkbox") and not f.checked:
                continue
            data.setdefault(f.name, f.value)
        return data


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._text: Field | None = None  # a textarea or an option being read
        self._select: Field | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None or tag not in ("input", "textarea", "select", "option", "button"):
            return
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
        elif "name" in a and tag != "option":
            f = Field(tag=tag, type=a.get("type", "text" if tag == "input" else tag).lower(),
                      name=a["name"], value=a.get("value", ""), checked="checked" in a,
                      attrs=a)
            self._form.fields.append(f)
            if tag == "textarea":
                self._text = f
            elif tag == "select":
                self._select = f

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._text = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.value += data


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def form_posting_to(html: str, action_part: str) -> Form:
    """The page's post form whose action contains action_part; fails when there is none."""
    found = [f for f in forms(html) if f.method == "post" and action_part in f.action]
    assert found, f"no form posting to *{action_part}* on the page:\n{html[:2000]}"
    return found[0]


def form_with(html: str, field_name: str) -> Form:
    """The page's post form that has a field of this name; fails when there is none."""
    found = [f for f in forms(html) if f.method == "post" and f.named(field_name)]
    assert found, f"no form with a field {field_name!r} on the page:\n{html[:2000]}"
    return found[0]
