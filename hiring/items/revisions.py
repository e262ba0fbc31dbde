"""The contents of item revisions, read once per process (per database).

An item revision never changes once written, so its content is read once, not on every
save: the biggest row a save reads, and JSON to parse. Shared between requests, so what
these functions return is read-only."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from sqlmodel import Session, col, select

from hiring.models import ItemRevision


class _RevisionContents:
    """Item revisions never change once written, so their content is read once per process
    (per database), not on every save: the biggest row a save reads, and JSON to parse."""

    def __init__(self, size: int = 4096):
        self._size = size
        self._lock = threading.Lock()
        self._by_engine: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get(self, revision_id: int, *, session: Session) -> dict:
        engine = session.get_bind()
        with self._lock:
            cache = self._by_engine.setdefault(engine, OrderedDict())
            content = cache.get(revision_id)
            if content is not None:
                cache.move_to_end(revision_id)
                return content
        revision = session.get(ItemRevision, revision_id)
        if revision is None:
            raise LookupError(f"no item revision {revision_id}")
        self._keep(cache, {revision_id: revision.content})
        return revision.content

    def cached(self, revision_id: int, *, engine) -> dict | None:
        """Return a revision's content if this process holds it, without a statement."""
        with self._lock:
            cache = self._by_engine.get(engine)
            return None if cache is None else cache.get(revision_id)

    def get_many(self, revision_ids: list[int], *, session: Session) -> dict[int, dict]:
        """Return the contents of several revisions, reading the missing ones at once."""
        engine = session.get_bind()
        with self._lock:
            cache = self._by_engine.setdefault(engine, OrderedDict())
            found = {rid: cache[rid] for rid in revision_ids if rid in cache}
        missing = [rid for rid in revision_ids if rid not in found]
        if missing:
            read = dict(session.exec(select(ItemRevision.id, ItemRevision.content).where(
                col(ItemRevision.id).in_(missing))).all())
            if len(read) != len(set(missing)):
                raise LookupError(f"no item revisions {sorted(set(missing) - set(read))}")
            self._keep(cache, read)
            found.update(read)
        return found

    def _keep(self, cache: OrderedDict, contents: dict[int, dict]) -> None:
        with self._lock:
            cache.update(contents)
            while len(cache) > self._size:
                cache.popitem(last=False)


_revisions = _RevisionContents()
# An item revision's content, from the cache; shared between requests, so read-only.
revision_content = _revisions.get
revision_contents = _revisions.get_many
# The content if this process holds it, without a statement (None: read it).
cached_revision_content = _revisions.cached
