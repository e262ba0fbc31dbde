"""Rendered profile PDFs, kept until anything the profile shows changes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from hiring.reports.profile import Profile


def fingerprint(profile: Profile) -> str:
    """Hash everything a profile shows except the moment it was generated."""
    data = dataclasses.asdict(profile)
    data.pop("generated_at", None)
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def cached_pdf(profile: Profile, folder: Path, render: Callable[[Profile], bytes]) -> bytes:
    """Return the profile's PDF from the cache, rendering and storing it when missing.

    A new rating, a new score or a larger norm group changes the fingerprint, so a stale
    PDF is never served; files for older fingerprints of the attempt are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"profile-{profile.attempt_id}-{fingerprint(profile)}.pdf"
    path = folder / name
    if path.exists():
        return path.read_bytes()
    pdf = render(profile)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(pdf)
    os.replace(temporary, path)
    for old in folder.glob(f"profile-{profile.attempt_id}-*.pdf"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return pdf

