"""Messages the domain shows candidates, translated by the web layer when shown."""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:  # noqa: N802 - the conventional name the extractor looks for
    """Mark a message for translation without translating it here."""
    return message


def in_language(language: str, message: str, **values: object) -> str:
    """Translate a message into a language now (for texts built outside a request)."""
    from hiring.reports.i18n import translations  # babel only: no Flask, no renderer

    text = translations(language).gettext(message)
    return text % values if values else text


def catalogue(language: str):
    """Return a language's translations, for `catalogue(language).ngettext(...)` (the
    extractor finds messages with a count by that name)."""
    from hiring.reports.i18n import translations

    return translations(language)


class CandidateError(Exception):
    """An error whose message a candidate reads; params fill %(name)s placeholders."""

    def __init__(self, message: str, **params: object):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params

    def translated(self, gettext: Callable[..., str]) -> str:
        return gettext(self.message, **self.params)
