"""The adapters ``--format`` can name, in the order ``auto`` tries them (most specific first)."""

from __future__ import annotations

from analysis.ingest.core import Adapter, UnknownFormatError
from analysis.ingest.generic import GenericAdapter

ADAPTERS: dict[str, Adapter] = {
    adapter.name: adapter
    for adapter in (
        GenericAdapter(),
    )
}


def get_adapter(name: str) -> Adapter:
    try:
        return ADAPTERS[name]
    except KeyError:
        raise UnknownFormatError(f"unknown format {name!r}: use auto or one of {', '.join(ADAPTERS)}") from None
