"""Rendered profiles (PDFs and page fragments), kept until anything they show changes.

A stored rendering is named by the attempt, the language, the view (every rating, or one
blind rater's) and a fingerprint: a hash of the built profile data (everything it shows,
from scores and ratings to norm groups and writing indicators) and of what renders it
(templates, stylesheet, translations, app version). A rendering is served only when the
profile built for the viewer now has that fingerprint, so a stale one never is."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from hiring.reports.profile import Profile
from hiring.scoring import writing_store


def pdf_settings(max_text_chars: int) -> str:
    """Name the settings a PDF rendering depends on, for its fingerprint."""
    return f"max_text_chars={max_text_chars}"

PACKAGE = Path(__file__).resolve().parents[1]
RENDERER_FILES = (
    (PACKAGE.parent / "templates" / "reports", "*"),
    (PACKAGE / "reports", "*.py"),
    (PACKAGE / "reports", "*.css"),
    (PACKAGE / "translations", "*.mo"),
)
ALL = "all"  # the view of a viewer who sees every rating


@lru_cache(maxsize=1)
def renderer_version() -> str:
    """Hash the app version, the writing indicators' version and the files a rendering
    depends on, once per process."""
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("hiring").encode())
    except metadata.PackageNotFoundError:
        digest.update(b"unknown")
    digest.update(f"writing indicators {writing_store.VERSION}".encode())
    for folder, pattern in RENDERER_FILES:
        for path in sorted(folder.rglob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(PACKAGE.parent)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def view_name(blind: int | None) -> str:
    """Name the view of a viewer (hiring.assessment.ratings.blind_for): all, or r<id>."""
    return ALL if blind is None else f"r{blind}"


def fingerprint(profile: Profile, settings: str = "") -> str:
    """Hash everything a profile shows except the moment it was generated, the version
    of what renders it and the settings the rendering used (PDF_MAX_TEXT_CHARS)."""
    data = dataclasses.asdict(profile)
    data.pop("generated_at", None)
    data["renderer"] = renderer_version()
    data["settings"] = settings
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _name(profile: Profile, view: str, suffix: str, settings: str) -> str:
    return (f"profile-{profile.attempt_id}-{profile.language}-{view}-"
            f"{fingerprint(profile, settings)}.{suffix}")


def stored(profile: Profile, folder: Path, *, view: str = ALL, suffix: str = "pdf",
           settings: str = "") -> bytes | None:
    """Return the stored rendering of exactly this profile for this view, or None."""
    path = folder / _name(profile, view, suffix, settings)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def store(profile: Profile, folder: Path, data: bytes, *, view: str = ALL,
          suffix: str = "pdf", settings: str = "") -> Path:
    """Store a rendering (a private file, written whole) and remove the older renderings
    of the same attempt, language and view."""
    folder.mkdir(parents=True, exist_ok=True)
    name = _name(profile, view, suffix, settings)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")  # mode 0600
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, folder / name)
    for old in folder.glob(f"profile-{profile.attempt_id}-{profile.language}-{view}-*.{suffix}"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return folder / name


def cached_pdf(profile: Profile, folder: Path, render: Callable[[Profile], bytes], *,
               view: str = ALL, settings: str = "") -> bytes:
    """Return the profile's PDF from the store, rendering and storing it when missing.

    A new rating, a new score or a larger norm group changes the fingerprint, so a stale
    PDF is never served."""
    pdf = stored(profile, folder, view=view, settings=settings)
    if pdf is None:
        pdf = render(profile)
        store(profile, folder, pdf, view=view, settings=settings)
    return pdf


def cached_html(profile: Profile, folder: Path, render: Callable[[Profile], str], *,
                view: str = ALL) -> str:
    """Return the profile's page fragment from the store, rendering and storing it when
    missing; the same rules as cached_pdf."""
    html = stored(profile, folder, view=view, suffix="html")
    if html is not None:
        return html.decode("utf-8")
    text = render(profile)
    store(profile, folder, text.encode("utf-8"), view=view, suffix="html")
    return text
