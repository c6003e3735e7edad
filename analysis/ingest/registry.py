"""The adapters ``--format`` can name, in the order ``auto`` tries them (most specific first), and
``detect_format``, which does the trying."""

from __future__ import annotations

from pathlib import Path

from mobtrace.analysis.ingest import coortweet, io_archive, ira538, notices, reports
from mobtrace.analysis.ingest.bluesky import BlueskyAdapter
from mobtrace.analysis.ingest.cnt import CntAdapter
from mobtrace.analysis.ingest.core import Adapter, UnknownFormatError
from mobtrace.analysis.ingest.generic import GenericAdapter
from mobtrace.analysis.ingest.mastodon import MastodonAdapter
from mobtrace.analysis.ingest.readers import read_head
from mobtrace.analysis.ingest.tabular import column_names
from mobtrace.analysis.ingest.reddit import RedditAdapter
from mobtrace.analysis.ingest.telegram import TelegramAdapter
from mobtrace.analysis.ingest.twarc2 import Twarc2Adapter

ADAPTERS: dict[str, Adapter] = {
    adapter.name: adapter
    for adapter in (
        Twarc2Adapter(),
        io_archive.ADAPTER,
        ira538.ADAPTER,
        TelegramAdapter(),
        RedditAdapter(),
        BlueskyAdapter(),
        MastodonAdapter(),
        notices.ADAPTER,
        reports.ADAPTER,
        coortweet.ADAPTER,
        CntAdapter(),
        GenericAdapter(),  # last: it accepts any file with mobtrace's own column names
    )
}


def get_adapter(name: str) -> Adapter:
    try:
        return ADAPTERS[name]
    except KeyError:
        raise UnknownFormatError(f"unknown format {name!r}: use auto or one of {', '.join(ADAPTERS)}") from None


def detect_format(path: Path) -> str:
    """Name of the first registered adapter that recognises the file. When none does, the error names the
    format whose identifying columns the file comes closest to, and the columns it lacks."""
    head = read_head(path)
    for name, adapter in ADAPTERS.items():
        if adapter.sniff(path, head):
            return name
    closest = closest_format(column_names(path, head))
    if closest is not None and closest[1]:
        name, missing = closest
        columns = ", ".join(missing)
        raise UnknownFormatError(
            f"{path}: format not recognised: the closest is {name}, which also needs the column{'s' if len(missing) > 1 else ''} "
            f"{columns}; add {'them' if len(missing) > 1 else 'it'}, or pass --format with one of {', '.join(ADAPTERS)}"
        )
    raise UnknownFormatError(
        f"{path}: format not recognised; pass --format with one of {', '.join(ADAPTERS)}"
    )


def closest_format(columns: list[str]) -> tuple[str, list[str]] | None:
    """The tabular format sharing the largest part of its identifying columns with ``columns`` (the first
    in detection order on a tie) and the columns it misses; None when no format shares any."""
    present = set(columns)
    best: tuple[float, str, list[str]] | None = None
    for name, adapter in ADAPTERS.items():
        signature = getattr(adapter, "signature", None)
        if not signature or not present & signature:
            continue
        share = len(present & signature) / len(signature)
        if best is None or share > best[0]:
            best = (share, name, sorted(signature - present))
    return (best[1], best[2]) if best else None
