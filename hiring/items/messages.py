"""Messages the domain shows candidates, translated by the web layer when shown."""

from __future__ import annotations

from collections.abc import Callable

from hiring.catalogues import translations


def N_(message: str) -> str:  # noqa: N802 - the conventional name the extractor looks for
    """Mark a message for translation without translating it here."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - as N_
    """Mark a message with a count for translation: its singular and plural forms."""
    return singular, plural


def in_language(language: str, message: str, **values: object) -> str:
    """Translate a message into a language now (for texts built outside a request)."""
    text = translations(language).gettext(message)
    return text % values if values else text


def catalogue(language: str):
    """Return a language's translations, for `catalogue(language).ngettext(...)` (the
    extractor finds messages with a count by that name)."""
    return translations(language)


class CandidateError(Exception):
    """An error whose message a candidate reads; params fill %(name)s placeholders.

    A message with a count gives its plural too, and the count as `num`."""

    def __init__(self, message: str, plural: str | None = None, **params: object):
        english = message if plural is None or params.get("num") == 1 else plural
        super().__init__(english % params if params else english)
        self.message, self.plural, self.params = message, plural, params

    def translated(self, gettext: Callable[..., str],
                   ngettext: Callable[..., str] | None = None) -> str:
        if self.plural is not None and ngettext is not None:
            values = {name: value for name, value in self.params.items() if name != "num"}
            return ngettext(self.message, self.plural, self.params["num"], **values)
        return gettext(self.message if self.params.get("num") == 1 or self.plural is None
                       else self.plural, **self.params)


class Message(str):
    """An English text that keeps its message and values, for the web layer to show it in
    the reader's language: Message(N_("Only %(n)s left."), n=3) reads "Only 3 left."."""

    message: str
    params: dict[str, object]

    def __new__(cls, message: str, **params: object) -> Message:
        text = super().__new__(cls, message % params if params else message)
        text.message, text.params = message, params
        return text

    def translated(self, gettext: Callable[..., str]) -> str:
        return gettext(self.message, **self.params)


def shown(text: str, gettext: Callable[..., str]) -> str:
    """Return a text in the reader's language: a Message with its values, any other text
    as the catalogue has it (unchanged when the catalogue has not)."""
    return text.translated(gettext) if isinstance(text, Message) else gettext(text)


def error_text(exc: Exception, gettext: Callable[..., str]) -> str:
    """Return an exception's message in the reader's language (see shown)."""
    return shown(exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc),
                 gettext)
