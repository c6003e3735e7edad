"""Telegram Desktop JSON export (``result.json``): a single chat ``{"name", "type", "id", "messages": [...]}``
or a full account export ``{"chats": {"list": [chat, ...]}, "left_chats": {"list": [...]}, ...}``;
optionally gzipped.

The file is one JSON document, streamed with ijson (a C-backed incremental parser), so memory stays
bounded by one message and one batch whatever the size of the export.

Field mapping (mapping SQL: telegram.sql), platform ``telegram``:

- ``event_id`` = ``<chat id>/<message id>`` (message ids are only unique within a chat);
  ``conversation_id`` = the chat id;
- ``account_id`` = ``from_id`` as exported (``user123``, ``channel456``: the prefix is kept because user
  and channel ids are separate number spaces); the display name ``from`` goes to the account facts.
  Telegram Desktop exports no usernames, so ``account_handle`` stays NULL;
- ``action``: a ``forwarded_from`` -> repost (the export names the original sender only by display
  name, so ``target_account_id`` is NULL unless a ``forwarded_from_id`` is present; the original message
  id is not exported); a ``reply_to_message_id`` -> reply with ``target_post_id`` =
  ``<chat id>/<reply_to_message_id>`` and ``target_account_id`` = that message's sender when it was
  read before; else post;
- ``ts`` = ``date_unixtime``. ``date`` is in the exporting computer's local time zone, which the file
  does not record, so a message with only ``date`` (exports before late 2021) is quarantined rather
  than given a time that may be hours off;
- ``text``: a string, or the concatenation of a list of strings and entity objects; ``urls`` = entities
  of type ``link`` (their text) and ``text_link`` (their ``href``); ``hashtags`` = ``hashtag`` and
  ``cashtag`` entities; ``mentions`` = ``mention`` entities (without '@') and ``mention_name`` entities
  (their ``user_id``). Entities come from ``text_entities``, or from the ``text`` list in older exports.

Placeholder senders: a message whose ``from`` is ``Deleted Account`` (what Telegram shows for every
deleted user) is quarantined with the reason: such senders cannot be checked or told apart, and one
account standing for them would co-act with everyone. The list is ``mt_telegram_placeholder_sender``
at the top of telegram.sql.

Counting: every element of a ``messages`` list is one row read. Service messages (joins, pins,
calls, ...) are not interactions: they are quarantined with the reason "service message (<action>),
not an interaction", so they are counted and visible but never become events.
``source_line`` is the message's 1-based position among all messages of the file (across chats), not
a physical line: the streaming parser reports no line numbers. A document that breaks off or is
malformed keeps the messages before the fault and becomes one quarantined row for the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import ijson
import pyarrow as pa

from mobtrace.analysis.ingest.jsondoc import (
    ARRAY_BATCH_ROWS,
    RecordBatcher,
    broken_document_reason,
    first_record,
    head_kind,
    head_text,
    stage_tables,
    to_json,
)
from mobtrace.analysis.ingest.readers import open_binary
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent

# ijson prefixes of the chat objects in a single-chat and in a full export.
CHAT_PREFIXES = ("", "chats.list.item", "left_chats.list.item")
CHAT_ID_PREFIXES = {f"{chat}.id".lstrip("."): chat for chat in CHAT_PREFIXES}
MESSAGE_PREFIXES = {f"{chat}.messages.item".lstrip(".") for chat in CHAT_PREFIXES}
PARSE_ERRORS = (ijson.JSONError, ValueError, UnicodeDecodeError, OSError, EOFError, RecursionError)
NO_MESSAGES_REASON = (
    'no "messages" list found: this is not a Telegram Desktop JSON export (result.json of a chat or of the whole account)'
)


def build_value(events: Iterator[tuple[str, str, object]]) -> object:
    """The object whose start_map was just read, built from the following parse events."""
    builder = ijson.ObjectBuilder()
    builder.event("start_map", None)
    depth = 1
    for _, event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                break
    return builder.value


def message_batches(path: Path, batch_rows: int = ARRAY_BATCH_ROWS) -> Iterator[pa.Table]:
    """Every message of every chat as ``source_line, raw, reject_reason, chat_id`` tables."""
    batch = RecordBatcher(batch_rows, extra=("chat_id",))
    ordinal = 0
    chat_id: object = None
    with open_binary(path) as handle:
        events = ijson.parse(handle, use_float=True)
        try:
            for prefix, event, value in events:
                if event == "start_map" and prefix in MESSAGE_PREFIXES:
                    message = to_json(build_value(events))
                    ordinal += 1
                    yield from batch.add(ordinal, message, None, chat_id)
                elif prefix in CHAT_ID_PREFIXES and event in ("number", "string"):
                    chat_id = value if isinstance(value, str) else int(value)
                elif event == "start_map" and prefix in ("chats.list.item", "left_chats.list.item"):
                    chat_id = None  # a new chat: its id follows
            if ordinal == 0 and not _has_messages_list(path):
                yield from batch.add(0, None, NO_MESSAGES_REASON)
        except PARSE_ERRORS as error:
            yield from batch.add(ordinal + 1, None, broken_document_reason(error, ordinal))
    yield from batch.flush()


def _has_messages_list(path: Path) -> bool:
    """Whether a document without messages at least has an (empty) messages list: an empty chat."""
    try:
        with open_binary(path) as handle:
            return any(prefix.endswith("messages") and event == "start_array" for prefix, event, _ in ijson.parse(handle))
    except PARSE_ERRORS:
        return False


def is_telegram_export(record: dict) -> bool:
    chats = record.get("chats")
    if isinstance(chats, dict) and "list" in chats:
        return True
    return "messages" in record and ({"name", "type", "id"} <= record.keys())


class TelegramAdapter:
    name = "telegram"
    description = "Telegram Desktop JSON export (result.json: one chat or the whole account)"

    def sniff(self, path: Path, head: bytes) -> bool:
        if head_kind(head) != "object":
            return False
        record = first_record(head, path)
        if record is not None:
            return is_telegram_export(record)
        text = head_text(head)
        single_chat = '"messages"' in text and '"type"' in text and ('"date_unixtime"' in text or '"from_id"' in text)
        return single_chat or ('"chats"' in text and '"list"' in text and '"personal_information"' in text)

    def stage(self, con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
        run_script(con, HERE / "platform_macros.sql")
        yield from stage_tables(con, message_batches(path), HERE / "telegram.sql")
