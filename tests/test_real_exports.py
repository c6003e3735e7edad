"""Real exports are messy (issue 17, points 1-3): rounded author ids in the 538 IRA CSVs, retweets that
name their original only as "RT @handle: text", and placeholder authors that stand for many people.
Every fixture is hand-made in the shape of the public files (tests/fixtures/<format>/)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from mobtrace.analysis.coordination.coaction import coaction_edges
from mobtrace.analysis.ingest import connect, ingest_paths
from mobtrace.analysis.ingest import tabular
from mobtrace.analysis.ingest.checks import accounting_mismatches
from mobtrace.analysis.ingest.readers import csv_batches
from mobtrace.analysis.sql import run_script

FIXTURES = Path(__file__).parent / "fixtures"
INGEST = Path(tabular.__file__).parent


@pytest.fixture
def con():
    con = connect(":memory:")
    yield con
    con.close()


def _accounts_by_handle(con) -> dict[str, tuple[str, str | None]]:
    """{lower-case handle: (account_id of its events, accounts.raw_id)}."""
    rows = con.execute("""SELECT DISTINCT lower(i.account_handle), i.account_id, a.raw_id FROM interactions AS i
                      JOIN accounts AS a USING (platform, account_id)""").fetchall()
    return {handle: (account, raw) for handle, account, raw in rows}


# --- point 1: an id that cannot be trusted to be exact is never the account key ------------------------

EXPECTED_KEYS = {
    "alice_troll": ("@alice_troll", "906000000000000000"),   # rounded (ends in 000 above 2^53)
    "bob_troll": ("@bob_troll", "906000000000000000"),       # the same rounded id: not merged with alice
    "carol_troll": ("@carol_troll", "9.06E+17"),             # exponent form
    "ten_gop": ("2587100717", None),                         # exact and unshared: the id stays the key
    "dave_troll": ("@dave_troll", "2587100718"),             # shared with erin, who comes later in the file
    "erin_troll": ("@erin_troll", "2587100718"),
    "frank_troll": ("2587100719", None),
}


@pytest.mark.parametrize("batch_rows", [250_000, 2], ids=["one batch", "batches of 2 rows"])
def test_rounded_or_shared_ids_are_keyed_by_handle(con, monkeypatch, batch_rows):
    # With 2-row batches dave's rows are stored before erin shows the id is shared: they are re-keyed.
    monkeypatch.setattr(tabular, "csv_batches", functools.partial(csv_batches, batch_rows=batch_rows))
    summary = ingest_paths(con, [FIXTURES / "ira538" / "rounded_ids.csv"], "auto")[0]

    assert summary.format == "ira538"
    assert (summary.rows_read, summary.ingested, summary.quarantined) == (9, 8, 1)
    assert accounting_mismatches(con) == []
    assert _accounts_by_handle(con) == EXPECTED_KEYS
    # alice's two rows (handle written in two cases) are one account; no id stands for two handles
    assert con.execute("SELECT count(*) FROM interactions WHERE account_id = '@alice_troll'").fetchone() == (2,)
    assert con.execute("""SELECT account_id FROM interactions GROUP BY account_id
                      HAVING count(DISTINCT lower(account_handle)) > 1""").fetchall() == []
    assert con.execute("SELECT source_line, reason FROM quarantine").fetchall() == [
        (9, 'external_author_id "906000000000000000" may be rounded (it went through a float) and author is empty: '
            'the row cannot be attributed to one account')]


@pytest.mark.parametrize(("account_id", "rounded"), [
    ("905874659358453760", False),   # an exact snowflake-era id
    ("906000000000000000", True),    # the published rounding
    ("906123456789012000", True),    # 15 significant digits, above 2^53
    ("9007199254740000", False),     # ends in 000 but below 2^53: a double holds it exactly
    ("9007199254741000", True),      # ends in 000 just above 2^53
    ("2587100000", False),           # a small id ending in zeros is exact
])
def test_rounding_rule_boundaries(con, account_id, rounded):
    run_script(con, INGEST / "ira538_macros.sql")
    assert con.execute("SELECT mt_ira538_rounded($1)", [account_id]).fetchone() == (rounded,)


# --- point 2: retweets in the 538 layout derive their original ----------------------------------------

def test_retweets_of_the_same_original_co_repost(con, edge_weights):
    summary = ingest_paths(con, [FIXTURES / "ira538" / "retweets_no_tco.csv"], "auto")[0]
    assert (summary.format, summary.ingested, summary.quarantined) == ("ira538", 7, 0)

    rows = dict(con.execute("SELECT account_handle, (action, target_account_id, target_post_id) FROM interactions").fetchall())
    same_original = rows["rt_one"][2]
    assert same_original.startswith("rt:orig_author:")
    assert rows["rt_one"] == ("repost", "100", same_original)      # target = the quoted handle's account
    assert rows["rt_two"] == ("repost", "100", same_original)      # case and spacing do not matter
    assert rows["manual_rt"] == ("repost", "100", same_original)   # a typed "RT @" cut off with an ellipsis
    assert rows["rt_late"][2] == same_original
    assert rows["rt_three"][2] not in (None, same_original)        # another text is another original
    assert rows["quoter"] == ("quote", None, None)
    assert rows["orig_author"] == ("post", None, None)
    # the file has no tco*_step1 columns: it is read, with links only where the text has none to give
    assert con.execute("SELECT count(*) FROM interactions WHERE len(urls) > 0").fetchone() == (0,)

    coaction_edges(con, window_seconds=60, min_weight=1, behaviours=("co_repost",), alpha=None)
    # rt_one, rt_two and manual_rt retweeted it in the same minute; rt_late 4 minutes later, rt_three another text
    assert edge_weights(con, "co_repost") == {("101", "102"): 1, ("101", "106"): 1, ("102", "106"): 1}


def test_tco_columns_are_read_where_the_file_has_them(con):
    ingest_paths(con, [FIXTURES / "ira538" / "IRAhandle_tweets_1.csv"], "auto")
    assert con.execute("SELECT urls FROM interactions WHERE event_id = '815775730316333056'").fetchone() == (
        ["http://bit.ly/2abc", "https://example.com/story"],)


# --- point 3: placeholder authors are quarantined, never one account ----------------------------------

REDDIT_REASON = ("author is {}: Reddit's placeholder for a deleted, removed or banned account stands for many people, "
                 "so the post cannot be attributed to anyone")


def test_reddit_placeholder_authors_are_quarantined(con):
    summary = ingest_paths(con, [FIXTURES / "reddit" / "placeholder_authors.ndjson"], "auto")[0]
    assert (summary.format, summary.rows_read, summary.ingested, summary.quarantined) == ("reddit", 6, 2, 4)
    assert accounting_mismatches(con) == []
    assert con.execute("SELECT DISTINCT account_id FROM interactions ORDER BY 1").fetchall() == [("banned_fan",), ("real_user",)]
    assert con.execute("SELECT source_line, reason FROM quarantine ORDER BY source_line").fetchall() == [
        (2, REDDIT_REASON.format("-banned-")), (3, REDDIT_REASON.format("-banned-")),
        (4, REDDIT_REASON.format("[removed]")), (5, REDDIT_REASON.format("[deleted]"))]


def test_telegram_deleted_accounts_are_quarantined(con):
    summary = ingest_paths(con, [FIXTURES / "telegram" / "deleted_account.json"], "auto")[0]
    assert (summary.format, summary.rows_read, summary.ingested, summary.quarantined) == ("telegram", 4, 2, 2)
    assert accounting_mismatches(con) == []
    assert con.execute("SELECT DISTINCT account_id FROM interactions").fetchall() == [("user7",)]
    assert con.execute("SELECT count(*) FROM accounts WHERE display_name = 'Deleted Account'").fetchone() == (0,)
    reason = ("sender is Deleted Account: Telegram's placeholder for deleted users cannot be checked or told apart, "
              "so the message cannot be attributed to anyone")
    assert con.execute("SELECT source_line, reason FROM quarantine ORDER BY source_line").fetchall() == [(2, reason), (3, reason)]
    # the reply to a deleted user's message names no target account
    assert con.execute("SELECT target_account_id FROM interactions WHERE event_id = '777/4'").fetchone() == (None,)
