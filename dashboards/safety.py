"""What every output does to hostile text (handles, names, posts, file names: anything that came from data).

Two rules, applied by every writer of mobtrace (the CSV writers ``dashboards.outputs.copy_csv`` and
``dashboards.evidence.csv_bytes``, the report, the JSON files, the command line's summary):

- **Spreadsheet formulas.** A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return gets a leading ``'``, so a spreadsheet shows it instead of running it (``=HYPERLINK(...)``).
- **Bidirectional controls are shown, not obeyed.** The formatting characters of the Unicode bidi
  algorithm (the marks U+061C, U+200E, U+200F, the embeddings and overrides U+202A to U+202E, the isolates
  U+2066 to U+2069) are written as ``[U+202E]`` in HTML, CSV and text, so a handle ending in a
  right-to-left override cannot reverse the rest of a sentence ("21 shared posts" read as "12") or pass
  ``natasha<U+202E>gnp.exe`` off as ``natashaexe.png``; JSON writes them as ``\\u202e`` escapes, the same
  value for a program and visible to a reader. The database keeps every value as it was read. In the
  report every user string is also isolated (``<bdi>``), so right-to-left text cannot move the words
  and numbers around it.

>>> show_bidi("natasha\\u202egnp.exe\\u202c")
'natasha[U+202E]gnp.exe[U+202C]'
>>> spreadsheet_safe('=HYPERLINK("http://x")'), spreadsheet_safe(["a", "b"]), spreadsheet_safe(3), spreadsheet_safe(0.5)
('\\'=HYPERLINK("http://x")', '["a", "b"]', '3', '0.500')
>>> json_text({"handle": "evil\\u202e"})
'{"handle": "evil\\\\u202e"}'
"""

from __future__ import annotations

import json
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def show_bidi(text: str) -> str:
    """``text`` with every bidi control written as ``[U+XXXX]``."""
    return _BIDI.sub(lambda match: f"[U+{ord(match.group()):04X}]", text)


def spreadsheet_safe(value: object) -> str:
    """A CSV cell: lists as JSON, floats to three decimals, bidi controls shown, and text a spreadsheet
    would run as a formula prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return show_bidi(json.dumps(list(value), ensure_ascii=False))
    if isinstance(value, float):
        return f"{value:.3f}"
    text = show_bidi(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_cell_sql(expression: str) -> str:
    """The SQL (DuckDB) of ``spreadsheet_safe`` for a text expression: bidi controls shown, formulas prefixed."""
    shown = expression
    for char in BIDI_CONTROLS:
        shown = f"replace({shown}, chr({ord(char)}), '[U+{ord(char):04X}]')"
    starts = ", ".join(f"chr({ord(char)})" for char in FORMULA_START)
    return f"(CASE WHEN left({shown}, 1) IN ({starts}) THEN '''' || {shown} ELSE {shown} END)"


def json_text(document: object, **dumps) -> str:
    """``json.dumps(document, **dumps)`` with bidi controls written as ``\\uXXXX`` escapes (the same JSON
    value): they can only occur inside strings, where the escape means the same character."""
    return _BIDI.sub(lambda match: f"\\u{ord(match.group()):04x}", json.dumps(document, **dumps))
