"""Split an item's text into paragraphs and the tables written into it as pipe-separated rows.

A bank writes a screen's rows one per line, cells separated by " | " (an account screen's
invoices, say). Shown as text those lines wrap into each other on a phone; shown as a table
each row keeps its cells apart. The bank's format is unchanged: this only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEPARATOR = "|"
MIN_ROWS = 2  # one line with a bar in it is a sentence, not a table
MIN_CELLS = 2


@dataclass
class Block:
    """A paragraph (`text`) or a table (`rows`, each a list of cells)."""

    text: str = ""
    rows: list[list[str]] = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return bool(self.rows)


def _cells(line: str) -> list[str] | None:
    if SEPARATOR not in line:
        return None
    cells = [cell.strip() for cell in line.split(SEPARATOR)]
    return cells if len(cells) >= MIN_CELLS and all(cells) else None


def text_blocks(text: str | None) -> list[Block]:
    """Return `text` as blocks: runs of at least two lines with the same number of
    " | "-separated cells become tables; everything else stays text, line breaks kept."""
    blocks: list[Block] = []
    lines = (text or "").split("\n")
    pending: list[str] = []  # text lines not yet in a block

    def flush_text() -> None:
        joined = "\n".join(pending).strip("\n")
        if joined.strip():
            blocks.append(Block(text=joined))
        pending.clear()

    index = 0
    while index < len(lines):
        cells = _cells(lines[index])
        run: list[list[str]] = []
        while cells is not None and index + len(run) < len(lines):
            following = _cells(lines[index + len(run)])
            if following is None or len(following) != len(cells):
                break
            run.append(following)
        if len(run) >= MIN_ROWS:
            flush_text()
            blocks.append(Block(rows=run))
            index += len(run)
        else:
            pending.append(lines[index])
            index += 1
    flush_text()
    return blocks
