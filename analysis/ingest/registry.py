"""The adapters ``--format`` can name, in the order ``auto`` tries them (most specific first)."""

from __future__ import annotations

from analysis.ingest.core import Adapter, UnknownFormatError
from analysis.ingest.bluesky import BlueskyAdapter
from analysis.ingest.cnt import CntAdapter
from analysis.ingest.coortweet import CoortweetAdapter
from analysis.ingest.generic import GenericAdapter
from analysis.ingest.io_archive import IoArchiveAdapter
from analysis.ingest.ira538 import Ira538Adapter
from analysis.ingest.mastodon import MastodonAdapter
from analysis.ingest.reddit import RedditAdapter
from analysis.ingest.reports import ReportsAdapter
from analysis.ingest.telegram import TelegramAdapter
from analysis.ingest.twarc2 import Twarc2Adapter

ADAPTERS: dict[str, Adapter] = {
    adapter.name: adapter
    for adapter in (
        Twarc2Adapter(),
        IoArchiveAdapter(),
        Ira538Adapter(),
        TelegramAdapter(),
        RedditAdapter(),
        BlueskyAdapter(),
        MastodonAdapter(),
        ReportsAdapter(),
        CoortweetAdapter(),
        CntAdapter(),
        GenericAdapter(),  # last: it accepts any file with mobtrace's own column names
    )
}


def get_adapter(name: str) -> Adapter:
    try:
        return ADAPTERS[name]
    except KeyError:
        raise UnknownFormatError(f"unknown format {name!r}: use auto or one of {', '.join(ADAPTERS)}") from None
