"""Calls to report: posts that name a wave's target and ask for reports, in any of the languages below.

A *call to report* of a wave is a post, reply, quote, comment or mention, not by the target, posted from
``call_lead_hours`` before the wave (its first report, or first notice) to its end, that names the target
(``calls.sql``: aimed at it, mentioning it, ``@handle`` in the text, or a link to its profile or one of its
posts on any platform, read by ``burst.links.link_target`` without any network) and whose text asks for
reports (``REPORT_WORDS``: "report her", "mass report @x", "denuncien", "signalez", "meldet", "кидайте
жалобы", "بلغوا", "रिपोर्ट करो", ...). Its author is an *organiser*; an account that reposted or quoted it on
its platform before the wave ended is an *amplifier* (``mass_report_amplifications``). Replies to a call are
not amplification: they may object to it.

>>> call_languages("Everyone MASS REPORT @lena_v now")
['en']
>>> call_languages("Кидайте жалобы на её аккаунт https://x.com/lena_v")
['ru']
>>> call_languages("Denuncien a @lena_v por odio"), call_languages("Signalez ce compte")
(['es'], ['fr'])
>>> call_languages("she reported it to the police"), call_languages("your report on the election is great")
([], [])
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from mobtrace.analysis.burst.calls import LINKABLE
from mobtrace.analysis.burst.links import link_target
from mobtrace.analysis.mass_reporting.params import MassReportingParams
from mobtrace.analysis.sql import run_script

HERE = Path(__file__).parent

# Words that ask for reports, by language (Python regular expressions, case-insensitive, Unicode \b): the
# imperative and infinitive forms, and in English "report" only as a call ("report her", "everyone report",
# "mass report"): "reported" says someone did, "your report on the election" is a noun.
REPORT_WORDS: dict[str, str] = {
    "en": r"\bmass[- ]?report|\breport(ing)?\s+(her|him|them|this|that|these|those|his|their|its|the\s+account|@|https?://)"
          r"|\b(please|pls|plz|everyone|everybody|all|go|lets|let's|must|should|y'?all|guys)\s+(mass[- ]?)?report\b"
          r"|\bflag\s+(her|his|their|this|that)\s+(account|profile|post|tweet)",
    "es": r"\b(denunci|report)(en|ad|emos|ar|enla|enlo|adla|adlo|arla|arlo)\b",
    "pt": r"\b(denunci|report)(em|ar|e-a|e-o)\b",
    "fr": r"\bsignal(ez|ons|er)\b",
    "de": r"\b(meldet|melden|reportet)\b",
    "it": r"\bsegnal(ate|are|iamo)\b",
    "ru": r"жалоб|пожалуйтесь|пожаловаться|репортите|зарепорт",
    "uk": r"скарг|поскаржт",
    "ar": r"بلاغ|بلغوا|بلّغوا|أبلغوا",
    "fa": r"گزارش|ریپورت",
    "hi": r"रिपोर्ट",
    "tr": r"şikayet edin|raporlay",
    "zh": r"举报|舉報",
    "ja": r"通報",
}
_PATTERNS = {language: re.compile(words, re.IGNORECASE) for language, words in REPORT_WORDS.items()}
# What every text matching REPORT_WORDS contains (case-insensitively): the SQL keeps only these texts for Python.
PREFILTER = ("report|flag|denunci|signal|meld|segnal|жалоб|пожал|репорт|скарг|поскарж|بلاغ|بلغوا|بلّغوا|أبلغوا|گزارش|ریپورت|रिपोर्ट"
             "|şikayet|raporla|举报|舉報|通報")


def call_languages(text: str | None) -> list[str]:
    """The languages whose report words occur in ``text`` (empty: no call to report)."""
    if not text:
        return []
    return [language for language, pattern in _PATTERNS.items() if pattern.search(text)]


def find_calls(con: duckdb.DuckDBPyConnection, params: MassReportingParams) -> int:
    """Write ``mass_report_calls`` and ``mass_report_amplifications``; return the number of calls."""
    urls = [url for (url,) in con.execute(
        """SELECT DISTINCT url FROM (
               SELECT unnest(urls) AS url FROM interactions WHERE len(urls) > 0
               UNION ALL
               SELECT unnest(regexp_extract_all(text, 'https?://[^\\s<>"'']+')) FROM interactions WHERE contains(text, '://'))
           WHERE regexp_matches(lower(url), $pattern)""", {"pattern": LINKABLE}).fetchall()]
    rows = [(url, found.platform, found.handle, found.post_id) for url in urls if (found := link_target(url)) is not None]
    con.register("mass_report_link_targets", pd.DataFrame(rows, columns=["url", "link_platform", "handle", "post_id"], dtype="string"))
    try:
        run_script(con, HERE / "calls.sql", lead_hours=params.call_lead_hours, prefilter=PREFILTER)
    finally:
        con.unregister("mass_report_link_targets")
    candidates = con.execute("SELECT wave_id, platform, event_id, account_id, ts, how, text FROM mass_report_call_candidates").df()
    candidates["languages"] = [", ".join(call_languages(text)) for text in candidates.text]
    calls = candidates[candidates.languages != ""].drop(columns="text")
    con.register("mass_report_call_rows", calls.astype({c: "string" for c in ("wave_id", "platform", "event_id", "account_id", "how",
                                                                                  "languages")}))
    try:
        run_script(con, HERE / "amplifications.sql")
    finally:
        con.unregister("mass_report_call_rows")
    return con.execute("SELECT count(*) FROM mass_report_calls").fetchall()[0][0]
