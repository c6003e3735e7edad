"""The engine layer: DuckDB's hash reproduced, DuckDB SQL rendered for Spark, and the co-action core computed
by Spark in local mode (``local[2]``, through the Parquet bridge) equal to DuckDB's, exactly: every edge,
weight, matched pair, timing figure, p-value and significance flag.

The Spark tests need a Java runtime (17 or later; ``.ci/run`` installs Debian's default-jre-headless) and
are skipped, saying so, without one.
"""

from __future__ import annotations

import os
import random
import shutil

import duckdb
import pytest

from mobtrace.analysis.coordination.coaction import OUTPUT_TABLES, coaction_edges
from mobtrace.analysis.coordination import build_account_clusters, build_coaction_edges
from mobtrace.analysis.coordination.params import ClusterParams, CoactionParams
from mobtrace.analysis.engine import SPARK_BEHAVIOURS, SPARK_SIGNALS, DuckDBEngine
from mobtrace.analysis.engine.duckdb_hash import duckdb_hash
from mobtrace.analysis.engine.render import bind, parse, spark_sql, to_spark
from mobtrace.analysis.engine.settings import EngineSettings
from mobtrace.analysis.paid_amplification import SPARK_OUTPUTS as PAID_OUTPUTS, build_paid_amplification
from mobtrace.analysis.mass_reporting import SPARK_OUTPUTS as MASS_REPORTING_OUTPUTS
from mobtrace.analysis.mass_reporting import MassReportingParams, build_mass_reporting

JAVA = shutil.which("java")
needs_java = pytest.mark.skipif(JAVA is None, reason="no Java runtime: Spark needs Java 17+ (Debian: default-jre-headless; .ci/run installs it)")



# --- DuckDB's hash ---------------------------------------------------------------------------------------------

def test_duckdb_hash_is_duckdbs_for_strings_integers_and_several_arguments():
    rng = random.Random(3)
    alphabet = "ab:é日\U0001F600 _-0123456789xyz"
    texts = ["", "a", "abcdefgh", "abcdefghi"] + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(40)))
                                                 for _ in range(60)]
    numbers = [0, 1, 7, 2**31, 2**63 - 1, 2**64 - 1, -3] + [rng.randrange(2**64) for _ in range(30)]
    con = duckdb.connect()
    got = con.execute("SELECT list_transform(?::VARCHAR[], lambda x: hash(x)), list_transform(?::UBIGINT[], lambda x: hash(x))",
                      [texts, [n % 2**64 for n in numbers]]).fetchall()[0]
    assert list(got[0]) == [duckdb_hash(t) for t in texts]
    assert list(got[1]) == [duckdb_hash(n) for n in numbers]
    assert con.execute("SELECT hash(-3::BIGINT), hash('x', 7::BIGINT), hash('a', 'b', 'c'), hash(NULL::VARCHAR)").fetchall()[0] == (
        duckdb_hash(-3), duckdb_hash("x", 7), duckdb_hash("a", "b", "c"), duckdb_hash(None))


# --- rendering without Spark ------------------------------------------------------------------------------------

def test_parameters_become_literals_and_user_text_stays_text():
    tree = bind(parse("SELECT * FROM t WHERE name = $name AND score > $score"), {"name": "x'); DROP TABLE t; --", "score": 0.01})
    sql = spark_sql(to_spark(tree))
    assert "'x\\'); DROP TABLE t; --'" in sql or "'x''); DROP TABLE t; --'" in sql
    assert "CAST('0.01' AS DOUBLE)" in sql  # a DOUBLE as DuckDB binds it, not Spark's DECIMAL literal
    with pytest.raises(KeyError, match="limit"):
        bind(parse("SELECT * FROM t LIMIT $limit"), {})


def test_renderings_for_spark():
    sql = spark_sql(to_spark(parse(
        "SELECT hash(x), epoch_us(ts), make_timestamp(us), row_number() OVER () AS n, "
        "count(*) OVER (PARTITION BY o ORDER BY t RANGE BETWEEN w PRECEDING AND w FOLLOWING) AS near, "
        "CAST(d AS BIGINT) AS rounded, median(d) / 2 AS half FROM temp.t GROUP BY ALL"), {"t": {"x": "string", "ts": "timestamp_ntz", "us": "bigint", "o": "int",
                                                           "t": "bigint", "w": "bigint", "d": "double"}}))
    assert "MT_DUCKDB_HASH(" in sql.upper() and "UNIX_MICROS(CAST(" in sql.upper() and "TIMESTAMP_MICROS" in sql.upper()
    assert "ORDER BY 1" in sql and "RANGE" not in sql.upper() and "COLLECT_LIST" in sql.upper()
    assert "BROUND(" in sql.upper() and "temp." not in sql
    # median: exact middle values (not Spark's approximate percentile), kept apart from the division after it
    assert "PERCENTILE_DISC(0.5)" in sql.upper() and "APPROX" not in sql.upper() and "* 0.5D) / 2" in sql
    # prune.sql's frame to the partition's end (quadratic in Spark) read from the other side, also through a named window
    frames = spark_sql(to_spark(parse(
        "SELECT first_value(x IGNORE NULLS) OVER w AS a, first_value(x) OVER (PARTITION BY o ORDER BY t DESC "
        "RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - 1 AS b FROM t "
        "WINDOW w AS (PARTITION BY o ORDER BY t, n RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)")))
    assert "FIRST_VALUE" not in frames.upper()
    assert ("LAST_VALUE(x) IGNORE NULLS OVER (PARTITION BY o ORDER BY t DESC NULLS FIRST, n DESC NULLS FIRST RANGE BETWEEN "
            "UNBOUNDED PRECEDING AND CURRENT ROW) AS a") in frames
    assert "(LAST_VALUE(x) OVER (PARTITION BY o ORDER BY t ASC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) - 1 AS b" in frames


# --- Spark in local mode ----------------------------------------------------------------------------------------

@needs_java
def test_spark_computes_duckdbs_numbers_on_the_boundaries(spark_engine):
    """Each rendering of render.py on values where the engines would differ without it."""
    rows = [(1, 0, 2.5, 10.286, 60_000_000, "a"), (1, 1, 3.5, 28.147, 60_000_000, "b"), (1, 2, 0.5, 53.784, 60_000_000, "c"),
            (1, 3, -2.5, 2.188, 60_000_000, "d"), (2, 0, 1e-17, 0.285, 1, "é日"), (2, 60_000_000, 1.0, 0.2, 1, ""),
            (2, 60_000_001, 0.3, 0.7, 1, "x:post12")]
    queries = [
        "SELECT g, t, CAST(d AS BIGINT) FROM v ORDER BY g, t",                          # half to even, not truncation
        "SELECT g, median(m), avg(m ORDER BY t) FROM v GROUP BY g ORDER BY g",         # DuckDB's interpolation; ordered sum
        "SELECT g, t, count(*) OVER (PARTITION BY g ORDER BY t RANGE BETWEEN w PRECEDING AND w FOLLOWING) FROM v ORDER BY g, t",
        "SELECT s, CAST(hash(s) AS VARCHAR), CAST(hash(hash(s), 7) AS VARCHAR) FROM v ORDER BY s",
        "SELECT t, make_timestamp(t), epoch_us(make_timestamp(t)) FROM v ORDER BY t",
        "SELECT g, t // 7, t / 1e6 FROM v ORDER BY g, t",
        # round(x, p) as DuckDB (0.285 -> 0.28, where Spark rounds the text '0.285' up); format/printf numbers as DuckDB's
        "SELECT g, t, round(m, 2), round(m / 7, 3), round(100.0 * t / 7), format('{} at {} ({}%)', m / 7, t, d), "
        "printf('%g s, %d%%, %.1f', m * 1e5, t % 7, m) FROM v ORDER BY g, t",
        # first value to the partition's end (rendered from the other side): nulls skipped, a later peer's value seen
        # (peers hold one value at most, as in prune.sql: with two, DuckDB's own answer depends on the order of peers)
        "SELECT g, t, first_value(CASE WHEN t IN (1, 3, 60000000) THEN d END IGNORE NULLS) OVER (PARTITION BY g ORDER BY "
        "t // 2 RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM v ORDER BY g, t",
    ]
    duck = duckdb.connect()
    duck.execute("CREATE TABLE v (g INTEGER, t BIGINT, d DOUBLE, m DOUBLE, w BIGINT, s VARCHAR)")
    duck.executemany("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)", rows)
    spark_engine.execute("CREATE OR REPLACE TEMP TABLE v (g INTEGER, t BIGINT, d DOUBLE, m DOUBLE, w BIGINT, s VARCHAR)")
    values = ", ".join("(" + ", ".join(repr(x) if not isinstance(x, float) else f"CAST('{x!r}' AS DOUBLE)" for x in row) + ")"
                       for row in rows)
    spark_engine.execute(f"INSERT INTO v VALUES {values}")
    for query in queries:
        assert spark_engine.fetch(query) == duck.execute(query).fetchall(), query

    # pow and log2 are the JVM's in Spark and the C library's in DuckDB: the null model needs them equal to the bit
    rng = random.Random(5)
    terms = [(i, rng.random() ** rng.choice([1, 4, 12]), rng.randrange(2, 400)) for i in range(1000)]
    duck.execute("CREATE TABLE p (i INTEGER, r DOUBLE, k INTEGER)")
    duck.executemany("INSERT INTO p VALUES (?, ?, ?)", terms)
    spark_engine.register("p", duck.sql("SELECT * FROM p").to_arrow_table())
    query = "SELECT i, 1 - pow(1 - r, k), CAST(floor(log2(k)) AS INTEGER), CAST(r * 4503599627370496 AS BIGINT) FROM p ORDER BY i"
    assert spark_engine.fetch(query) == duck.execute(query).fetchall()

    # epoch(a - b) of timestamps: DuckDB's days * 86400.0 + micros / 1e6 (microseconds / 1e6 differs in the last bit on ~1%)
    base = 1_740_787_200_000_000
    pairs = [(i, base + rng.randrange(10**13), base + rng.randrange(10**13)) for i in range(2000)]
    duck.execute("CREATE TABLE q (i INTEGER, a BIGINT, b BIGINT)")
    duck.executemany("INSERT INTO q VALUES (?, ?, ?)", pairs)
    spark_engine.register("q", duck.sql("SELECT * FROM q").to_arrow_table())
    query = "SELECT i, epoch(make_timestamp(a) - make_timestamp(b)) FROM q ORDER BY i"
    assert spark_engine.fetch(query) == duck.execute(query).fetchall()

    # quantile_cont: DuckDB's fma(lo, 1 - d, hi * d) (Spark's percentile differs in the last bit on some of these groups)
    groups = [(g, rng.uniform(-5, 5) * 10 ** rng.randint(-3, 6)) for g in range(300) for _ in range(rng.randint(1, 20))]
    duck.execute("CREATE TABLE r (g INTEGER, x DOUBLE)")
    duck.executemany("INSERT INTO r VALUES (?, ?)", groups)
    spark_engine.register("r", duck.sql("SELECT * FROM r").to_arrow_table())
    query = "SELECT g, quantile_cont(x, 0.9), quantile_cont(x, [0.25, 0.75]) FROM r GROUP BY g ORDER BY g"
    assert spark_engine.fetch(query) == duck.execute(query).fetchall()

    # ordered string_agg (NULLs skipped) and list (NULLs kept), keys descending and ascending with NULLs last, FILTER
    spark_engine.execute("CREATE OR REPLACE TEMP TABLE w AS SELECT * FROM (VALUES (1, 3, 'c', 0.5), (1, NULL, 'n', 0.1), "
                         "(1, 1, NULL, 0.9), (1, 2, 'é', 0.2), (1, 2, 'B', 0.3), (2, NULL, NULL, NULL), (3, 5, 'z', 7.0)) AS t(g, k, s, x)")
    duck.execute("CREATE TABLE w AS SELECT * FROM (VALUES (1, 3, 'c', 0.5), (1, NULL, 'n', 0.1), (1, 1, NULL, 0.9), (1, 2, 'é', 0.2), "
                 "(1, 2, 'B', 0.3), (2, NULL, NULL, NULL), (3, 5, 'z', 7.0)) AS t(g, k, s, x)")
    query = ("SELECT g, string_agg(s, ', ' ORDER BY k DESC, s), string_agg(s, '|' ORDER BY x) FILTER (WHERE x < 0.6), "
             "list(s ORDER BY k, x DESC), list(x ORDER BY s NULLS FIRST) FROM w GROUP BY g ORDER BY g")
    assert spark_engine.fetch(query) == duck.execute(query).fetchall()

    # timing.sql (time_resolution: microsecond(ts), second(ts), an average of 0/1, which is exact in any order), with
    # a file of minute stamps, one of 90% minute stamps, one of second stamps, before and after 1970
    from mobtrace.analysis.sql import run_script
    from mobtrace.analysis.timing import HERE as TIMING

    stamps = ([("minutes.csv", base + 60_000_000 * i) for i in range(20)]
              + [("mostly.csv", -86_400_000_000 * 400 + 60_000_000 * i + (1_000_000 if i == 3 else 0)) for i in range(10)]
              + [("seconds.csv", base + 1_000_000 * i + 250) for i in range(15)])
    duck.execute("CREATE TABLE interactions (source_file VARCHAR, ts TIMESTAMP)")
    duck.executemany("INSERT INTO interactions VALUES (?, make_timestamp(?))", stamps)
    spark_engine.register("interactions", duck.sql("SELECT * FROM interactions").to_arrow_table())
    try:
        run_script(duck, TIMING / "timing.sql")
        run_script(spark_engine, TIMING / "timing.sql")
        query = "SELECT * FROM time_resolution ORDER BY ALL"
        assert spark_engine.fetch(query) == duck.execute(query).fetchall() == [
            ("minutes.csv", 20, True, 60), ("mostly.csv", 10, True, 60), ("seconds.csv", 15, False, 0)]
        query = "SELECT ts, microsecond(ts), second(ts) FROM interactions ORDER BY ALL"
        assert spark_engine.fetch(query) == duck.execute(query).fetchall()
    finally:
        spark_engine.unregister("interactions")
        spark_engine.execute("DROP TABLE IF EXISTS time_resolution")

    # UPDATE (the engine replaces the table): with WHERE (NULL: unchanged), with FROM (a join), with a correlated subquery
    statements = [
        "CREATE OR REPLACE TEMP TABLE u AS SELECT * FROM (VALUES (1, 'a', 10, 0.25), (2, 'b', 20, 0.75), (3, NULL, 30, NULL), "
        "(4, 'd', 40, 1.5)) AS t(k, c, n, x)",
        "CREATE OR REPLACE TEMP TABLE uu AS SELECT * FROM (VALUES (2, 7.5), (4, 8.5), (4, 8.5), (9, 0.0)) AS t(k, y)",
        "UPDATE u SET n = n * 2, c = upper(c) WHERE x > 0.5",
        "UPDATE u AS a SET x = g.y FROM uu AS g WHERE g.k = a.k",
        "UPDATE u AS a SET n = (SELECT count(*) FROM uu AS g WHERE g.k = a.k) WHERE a.k > 1",
    ]
    for statement in statements:
        duck.execute(statement)
        spark_engine.execute(statement)
        assert spark_engine.fetch("SELECT * FROM u ORDER BY ALL") == duck.execute("SELECT * FROM u ORDER BY ALL").fetchall(), statement
    assert duck.execute("SELECT * FROM u ORDER BY k").fetchall() == [(1, "a", 10, 0.25), (2, "B", 1, 7.5), (3, None, 0, None),
                                                                       (4, "D", 2, 8.5)]


@needs_java
def test_spark_computes_duckdbs_list_sums_weekdays_milliseconds_and_edits_on_the_boundaries(spark_engine):
    """The renderings the paid-amplification detector needs (render.py: ``_list_and_time_renderings``, grouped QUALIFY
    and scalar subqueries, integer sums, end anchors), each on values where the naive rendering differs or fails."""
    rng = random.Random(11)
    counts = [[rng.choice([0, 0, 1, 2, 3, 7, 19, 250]) for _ in range(rng.choice([0, 1, 7, 24]))] for _ in range(40)]
    doubles = [[rng.choice([None, rng.uniform(-1, 1) * 10 ** rng.randint(-8, 8)]) for _ in range(rng.randint(0, 6))]
               for _ in range(40)] + [[], [None], [None, None], [0.1, 0.2, 0.3], [1e308, 1e308, -1e308]]
    duck = duckdb.connect()
    lists = duck.sql("SELECT i, c, d FROM (SELECT unnest(range(?)) AS i, unnest(?::BIGINT[][]) AS c, unnest(?::DOUBLE[][]) AS d)",
                     params=[len(doubles), counts + [[]] * (len(doubles) - len(counts)), doubles]).to_arrow_table()
    duck.register("lists", lists)
    spark_engine.register("lists", lists)
    # a week around a Sunday and a Monday, before 1970 too; stamps 0.5 ms and 0.999 ms off the millisecond, both signs
    stamps = list(enumerate([f"{day} 12:00:00.{frac}" for day in ("2025-03-01", "2025-03-02", "2025-03-03", "2025-03-07",
                                                                  "1969-12-28", "1969-12-29")
                             for frac in ("0005", "0015", "000999", "0025", "9995")]
                            + ["1969-12-31 23:59:59.9995", "1969-12-31 23:59:59.9985"]))
    texts = [("x_12345\n", "x_12344"), ("ab12_3", "ab"), ("jösé_news", "jose_news"), ("日本", "本"), ("", "abc"), (None, "a"),
             ("patriot_voice48213", "patriot_voice48214")]
    statements = [
        "CREATE OR REPLACE TEMP TABLE stamps AS SELECT i, CAST(s AS TIMESTAMP) AS ts FROM (VALUES "
        + ", ".join(f"({i}, '{s}')" for i, s in stamps) + ") AS t(i, s)",
        "CREATE OR REPLACE TEMP TABLE texts AS SELECT * FROM (VALUES "
        + ", ".join("(" + ", ".join("NULL" if v is None else "'" + v + "'" for v in pair) + ")" for pair in texts) + ") AS t(a, b)",
        "CREATE OR REPLACE TEMP TABLE jobs AS SELECT * FROM (VALUES (1, 'a', 4611686018427387904), (1, 'b', 4611686018427387904), "
        "(1, 'b', 3), (2, 'c', 1), (2, 'a', 1), (3, 'a', NULL)) AS t(g, k, n)",
    ]
    for statement in statements:
        duck.execute(statement)
        spark_engine.execute(statement)
    queries = [
        # list_sum/list_avg: NULLs skipped, NULL for no value, the sum in list order; C maths inside a lambda (ln(0) guarded)
        "SELECT i, list_sum(d), list_avg(d), list_avg(list_filter(d, lambda v: v IS NOT NULL)), "
        "list_sum(list_transform(c, lambda x: CASE WHEN x > 0 THEN x * ln(x) ELSE 0 END)) FROM lists ORDER BY i",
        # a list of booleans filtered (NULLs out, then the true ones), its length; a 1-based index of a quantile list
        "SELECT i, len(list_filter([i % 2 = 0, CASE WHEN i % 3 = 0 THEN NULL ELSE i > 5 END, i < 10], lambda t: t IS NOT NULL)), "
        "len(list_filter([i % 2 = 0, CASE WHEN i % 3 = 0 THEN NULL ELSE i > 5 END, i < 10], lambda t: t)), "
        "[i, i * 2, i * 3][2], [i, i * 2][1] FROM lists ORDER BY i",
        "WITH m AS (SELECT i % 5 AS g, quantile_cont(i, [0.25, 0.75]) AS quartiles FROM lists GROUP BY g) "
        "SELECT g, m.quartiles[2] - m.quartiles[1], m.quartiles[2] FROM m ORDER BY g",
        # isodow (Monday 1 ... Sunday 7), epoch_ms (halves away from zero), strftime, date_trunc
        "SELECT i, ts, isodow(ts), hour(ts), epoch_ms(ts), epoch_ms(ts) - lag(epoch_ms(ts)) OVER (ORDER BY ts), "
        "strftime(ts, '%Y-%m-%d'), date_trunc('hour', ts) = date_trunc('hour', ts + INTERVAL 1 MINUTE) FROM stamps ORDER BY i",
        # levenshtein of UTF-8 bytes; an end anchor is the text's end (not before a final line break); one match replaced
        "SELECT a, b, levenshtein(a, b), regexp_replace(lower(a), '[0-9_]+$', ''), "
        "length(regexp_extract(a, '[A-Za-z_][0-9]+$')) - 1 FROM texts ORDER BY ALL",
        # QUALIFY over aggregates (ties broken by the key), scalar subqueries per group, integer sums past BIGINT
        "SELECT g, k, count(*) AS n FROM jobs GROUP BY g, k QUALIFY row_number() OVER (PARTITION BY g ORDER BY count(*) DESC, k) <= 1 "
        "ORDER BY g",
        "SELECT j.g, count(*), (SELECT count(DISTINCT k) FROM jobs AS o WHERE o.g = j.g) FROM jobs AS j GROUP BY j.g ORDER BY j.g",
        # stored integer sums (HUGEINT), one past BIGINT, directly and in a scalar subquery; divisions by them
        "SELECT g, total, jobs, total / n, n / total, n / jobs FROM sums ORDER BY g",
    ]
    statements = ["CREATE OR REPLACE TEMP TABLE sums AS SELECT g, sum(n) AS total, count(*) AS n, "
                  "(SELECT sum(n) FROM jobs AS o WHERE o.g = j.g) AS jobs FROM jobs AS j GROUP BY g"]
    for statement in statements:
        duck.execute(statement)
        spark_engine.execute(statement)
    try:
        for query in queries:
            assert spark_engine.fetch(query) == duck.execute(query).fetchall(), query
        # a stored integer sum is a HUGEINT in DuckDB, DECIMAL(38, 0) on Spark, HUGEINT again through the bridge (bridge.py)
        assert spark_engine.schema_of("sums")["total"] == spark_engine.schema_of("sums")["jobs"] == "decimal(38,0)"
    finally:
        for table in ("stamps", "texts", "jobs", "sums"):
            spark_engine.execute(f"DROP TABLE IF EXISTS {table}")
        spark_engine.unregister("lists")


@needs_java
def test_the_spark_engines_profile_names_the_sql_file_of_each_statement(spark_engine, tmp_path):
    """``SparkEngine.profile`` (bench/bench_engine.py prints it): statements timed by the SQL file they come from,
    or the calling function; fetching a SELECT's rows counts to its label; off by default."""
    from mobtrace.analysis.sql import run_script

    script = tmp_path / "two.sql"
    script.write_text("CREATE OR REPLACE TEMP TABLE pr AS SELECT 1 AS x;\nINSERT INTO pr VALUES (2);\n")
    assert spark_engine.profile is None
    spark_engine.profile = {}
    try:
        run_script(spark_engine, script)
        assert spark_engine.fetch("SELECT sum(x) FROM pr") == [(3,)]
        profile = dict(spark_engine.profile)
    finally:
        spark_engine.profile = None
        spark_engine.execute("DROP TABLE IF EXISTS pr")
    assert set(profile) == {"two.sql", "test_engine.py:test_the_spark_engines_profile_names_the_sql_file_of_each_statement"}
    assert profile["two.sql"][0] == 2 and profile["two.sql"][1] > 0
    assert profile["test_engine.py:test_the_spark_engines_profile_names_the_sql_file_of_each_statement"][0] == 1


def _acting(behaviour: str, obj: str) -> dict:
    """The columns of an event that acts on ``obj`` in ``behaviour``'s sense (its object read from them)."""
    return {
        "co_repost": dict(action="repost", target_post_id=obj),
        "co_reply": dict(action="reply", target_post_id=obj),
        "co_report": dict(action="report", target_account_id=obj),
        "co_mention": dict(action="post", mentions=[" @" + obj.upper()]),
        "co_hashtag": dict(action="post", hashtags=["#" + obj.upper(), "  "]),
        "co_hashtag_seq": dict(action="post", hashtags=["#" + obj, "Tag" + obj[-1:]]),
        "co_text": dict(action="post", text=f"Vote NOW for candidate {obj} @bob https://x.co/{obj}"),
        "co_text_near": dict(action="post", text=f"ＶＯＴＥ now for   candidate {obj}, Straße ΟΔΟΣ {obj[-1:]}"),
        "co_link": dict(action="post", urls=[f"HTTPS://News.Example.COM:443/{obj}/?utm_source=x&b=2&a=1#frag"]),
        "co_domain": dict(action="post", urls=[f" http://user@WWW2.{obj}.Example.org./p?x=1 "]),
    }[behaviour]


def _coacting(event, behaviour: str = "co_repost") -> list[dict]:
    """Background actions by 60 ordinary accounts on 250 objects over ten days (the null model's material), a
    ring of six accounts acting on twelve objects together, with gaps exactly at the 60 s window, a microsecond
    inside and outside it, and at one instant, 40 fans piling onto 15 viral objects, and a hyperactive account
    acting on one object in bursts."""
    rng = random.Random(16)
    rows = [event(f"u{rng.randrange(60):02d}", rng.uniform(0, 864_000), **_acting(behaviour, f"p{rng.randrange(250)}"))
            for _ in range(1500)]
    gaps = [0.0, 0.0, 59.999999, 60.0, 60.000001, 12.5]  # seconds after the first of the ring
    for post in range(12):
        start = 3600.0 * (post + 1) * 7
        for member, gap in enumerate(gaps):
            rows.append(event(f"ring{member}", start + gap, **_acting(behaviour, f"q{post}")))
    for post in range(15):  # fans piling onto viral posts: close in time by chance, not significant
        for fan in rng.sample(range(40), 25):
            rows.append(event(f"fan{fan:02d}", 200_000 + post * 20_000 + rng.uniform(0, 900), **_acting(behaviour, f"v{post}")))
    for burst in range(5):
        for k in range(4):
            rows.append(event("hyper", 50_000 + burst * 3_000 + k * 30, **_acting(behaviour, "p7")))
    return rows


def _reposts(event) -> list[dict]:
    return _coacting(event, "co_repost")


# The whole step on Spark costs ~15-30 s per behaviour on this machine (per-statement overhead, not data), more
# than `make test` has room for: it runs the first behaviour, whose core (ids, windows, pruning, candidates,
# pairs, null model, edges, evidence) is the same SQL for every behaviour; MOBTRACE_SPARK_ALL=1 runs them all.
# What differs between behaviours, their actions, is compared for every one by the test after this.
FULL_STEP = SPARK_BEHAVIOURS if os.environ.get("MOBTRACE_SPARK_ALL") else SPARK_BEHAVIOURS[:1]


def _originated(event) -> list[dict]:
    """The posts the ring of ``_coacting`` reposts: six by an account nobody else engages with (the ring's
    originator: 5 of the 6 reposts of each come within the 60 s window, the sixth at 60.000001 s), six by an
    account an outsider reposts too (an audience of its own: not an originator)."""
    rows = []
    for post in range(12):
        author = "origin" if post < 6 else "client"
        rows.append(event(author, 3600.0 * (post + 1) * 7, "post", event_id=f"q{post}", text=f"attack post {post}"))
    rows.append(event("u01", 3600.0 * 7 * 7 + 30, "repost", target_post_id="q6"))
    return rows


@pytest.fixture(scope="module")
def pipeline_on_both(spark_engine, event, database, tmp_path_factory):
    """co_repost's whole step and then the signals, once by DuckDB and once with the Spark engine (the bridge)
    for every stage on Spark; clustering on the driver in both. (duck, via_spark, edges)."""
    rows = _coacting(event, "co_repost") + _originated(event)
    duck, via_spark = database(rows), database(rows)
    params = CoactionParams(behaviours=("co_repost",))
    shared = tmp_path_factory.mktemp("shared")  # the Parquet goes through a named folder, as on a cluster
    on_spark = EngineSettings("spark", spark_dir=str(shared))
    edges = build_coaction_edges(duck, params)
    assert build_coaction_edges(via_spark, params, execution=on_spark, spark=spark_engine) == edges
    clusters = build_account_clusters(duck, ClusterParams())
    assert build_account_clusters(via_spark, ClusterParams(), execution=on_spark, spark=spark_engine) == clusters
    assert list(shared.iterdir()) == []  # and does not stay there
    return duck, via_spark, edges


@needs_java
def test_spark_coordination_sentences_of_several_behaviours_equal_duckdbs(spark_engine, event, database):
    """A ring that co-reposts, shares links to the same domains and posts the same texts: each member's sentence lists
    the three behaviours' counts, most matches first (signal.sql's ordered string_agg of formatted parts), the same
    rows on Spark as on DuckDB."""
    behaviours = ("co_repost", "co_domain", "co_text")
    rows = [row for behaviour in behaviours for row in _coacting(event, behaviour)]
    duck, via_spark = database(rows), database(rows)
    for con in (duck, via_spark):
        build_coaction_edges(con, CoactionParams(behaviours=behaviours))
    build_account_clusters(duck, ClusterParams())
    build_account_clusters(via_spark, ClusterParams(), execution=EngineSettings("spark"), spark=spark_engine)
    query = "SELECT * FROM account_signals WHERE signal = 'coordination' ORDER BY ALL"
    flags = duck.execute(query).fetchall()
    assert via_spark.execute(query).fetchall() == flags
    sentences = {row[2]: row[5] for row in flags}
    assert all(sentences[f"ring{i}"].count(" of its ") == 3 for i in range(6)), sentences
    # the strongest tie is the same pair in each behaviour (same weight and gap): the first behaviour by name
    assert "strongest tie: ring1, 12 shared domains" in sentences["ring0"]


def _paid_pool_and_fan_club(event) -> list[dict]:
    """Cluster 1, a for-hire pool: pool0-3 repost each of six posts by three clients within seconds (reactions
    0.5 ms off the millisecond, so epoch_ms rounds them); each client has four readers of its own (three unrelated
    client groups). Cluster 2, the hard negative: fan0-3 repost a star and her bandmate just as fast, but the two
    share their four readers: one client group, no pool. Six days from a Saturday (Sunday and Monday included)."""
    rows = []
    for k, (author, readers) in enumerate([("c0", "a"), ("c0", "a"), ("c1", "b"), ("c1", "b"), ("c2", "c"), ("c2", "c"),
                                            ("star", "s"), ("band", "s"), ("star", "s"), ("band", "s")]):
        posted = 3600.0 * (20 * k + 9)
        rows.append(event(author, posted, "post", event_id=f"job{k}"))
        crowd = "pool" if k < 6 else "fan"
        for m in range(4):
            rows.append(event(f"{crowd}{m}", posted + 5 + 3 * m + 0.0005 * (m + k), "repost", target_post_id=f"job{k}"))
            rows.append(event(f"{readers}{m}", posted + 600 + 60 * m, "like", target_post_id=f"job{k}"))
    return rows


# Profiles of the pool: a long digit suffix, a handle ending in a line break after digits (RE2's $ is the text's
# end, Java's also before a final line break), stems one code point but two bytes apart ('jösé_news', 'jose_news':
# DuckDB's levenshtein counts bytes), three accounts created on one day, an empty display name, a skewed ratio.
PAID_PROFILES = [("pool0", "patriot_voice48213", "", "2024-02-29 01:00:00", 10, 20),
                 ("pool1", "voter_12345\n", None, "2024-02-29 13:30:00", None, None),
                 ("pool2", "jösé_news", "Jo", "2024-02-29 23:59:59.999999", 1, 2),
                 ("pool3", "jose_news", "Jose", "2024-03-01 00:00:00", 3, 500)]


@pytest.fixture(scope="module")
def paid_amplification_on_both(spark_engine, event, database):
    """The paid-amplification step on hand-made clusters (no co-action step: its tables are not what this detector
    adds), once by DuckDB and once through the bridge on Spark. (duck, via_spark, (pools, flagged))."""
    rows = _paid_pool_and_fan_club(event)
    duck, via_spark = database(rows), database(rows)
    for con in (duck, via_spark):
        con.execute("CREATE TABLE account_clusters AS SELECT 'x' AS platform, account_id, CAST(cluster_id AS BIGINT) AS cluster_id "
                    "FROM (VALUES ('pool0', 1), ('pool1', 1), ('pool2', 1), ('pool3', 1), ('fan0', 2), ('fan1', 2), ('fan2', 2), "
                    "('fan3', 2)) AS t(account_id, cluster_id)")
        con.executemany("INSERT INTO accounts (platform, account_id, handle, display_name, created_at, followers, following) "
                        "VALUES ('x', ?, ?, ?, CAST(? AS TIMESTAMP), ?, ?)", PAID_PROFILES)
    counts = build_paid_amplification(duck)
    assert build_paid_amplification(via_spark, execution=EngineSettings("spark"), spark=spark_engine) == counts == (1, 4)
    return duck, via_spark, counts


@needs_java
@pytest.mark.parametrize("behaviour", [b if b in FULL_STEP else pytest.param(b, marks=pytest.mark.skip(
    reason="the whole step per behaviour: MOBTRACE_SPARK_ALL=1 (its actions are compared in make test)")) for b in SPARK_BEHAVIOURS])
def test_spark_coaction_equals_duckdb_exactly(spark_engine, event, database, behaviour, request):
    """The step run by DuckDB, and with the Spark engine (the bridge: interactions out as Parquet, the stage on
    Spark, the output tables back into the DuckDB database), gives the same tables, every float to the bit.
    co_repost's step is the one ``pipeline_on_both`` runs (the signals test reads it too)."""
    if behaviour == "co_repost":
        duck, via_spark, _ = request.getfixturevalue("pipeline_on_both")
    else:
        rows = _coacting(event, behaviour)
        duck, via_spark = database(rows), database(rows)
        edges = build_coaction_edges(duck, CoactionParams(behaviours=(behaviour,)))
        assert build_coaction_edges(via_spark, CoactionParams(behaviours=(behaviour,)), execution=EngineSettings("spark"),
                                    spark=spark_engine) == edges

    for table in OUTPUT_TABLES:
        query = f"SELECT * FROM {table} ORDER BY ALL"
        assert via_spark.execute(query).fetchall() == duck.execute(query).fetchall(), table
    if behaviour != "co_repost":  # the signals ran on the engine after co_repost's step, with their own inputs
        assert spark_engine.fetch("SELECT * FROM coaction_edges ORDER BY ALL") == duck.execute(
            "SELECT * FROM coaction_edges ORDER BY ALL").fetchall()
    flags = duck.execute("SELECT a_account, b_account, significant FROM coaction_edges").fetchall()
    assert any(flag for *_, flag in flags) and not all(flag for *_, flag in flags)  # both verdicts are compared
    assert any(a.startswith("ring") and b.startswith("ring") for a, b, _ in flags)


@needs_java
@pytest.mark.skipif(not os.environ.get("MOBTRACE_SPARK_ALL"), reason="a whole step per behaviour: MOBTRACE_SPARK_ALL=1")
@pytest.mark.parametrize("behaviour", SPARK_BEHAVIOURS)
def test_spark_coaction_with_automatic_windows_equals_duckdb_exactly(spark_engine, event, database, behaviour):
    """The step with windows estimated per object (windows.sql: quantile_cont) by DuckDB and with the Spark engine
    gives the same five tables. (This data does not tell Spark's percentile from DuckDB's quantile_cont: the
    boundary test does.)"""
    rows = _coacting(event, behaviour)
    duck, via_spark = database(rows), database(rows)
    if behaviour == "co_mention":  # handles name accounts
        for con in (duck, via_spark):
            con.execute("INSERT INTO accounts (platform, account_id, handle) VALUES ('x', 'bob-id', 'Bob')")
    params = CoactionParams(behaviours=(behaviour,), auto_window=True)
    assert build_coaction_edges(via_spark, params, execution=EngineSettings("spark"), spark=spark_engine) == build_coaction_edges(
        duck, params)
    for table in OUTPUT_TABLES:
        query = f"SELECT * FROM {table} ORDER BY ALL"
        assert via_spark.execute(query).fetchall() == duck.execute(query).fetchall(), table
    assert duck.execute("SELECT count(DISTINCT max_window_s) FROM coaction_accounts").fetchall()[0][0] > 1  # windows vary


# --- mass_reporting on both engines --------------------------------------------------------------------------

def _notices_after_the_call(con) -> None:
    """Moderation notices to 'vic' after the call: a notice wave, one action reversed on appeal."""
    from datetime import datetime, timedelta

    from mobtrace.analysis.ingest.notices import create_notices_table

    start = datetime(2025, 3, 20, 12)
    create_notices_table(con)
    con.executemany("INSERT INTO notices VALUES ('x', ?, 'vic', 'Victim_H', NULL, ?, ?, ?, 'harassment', 'we acted', 'n.csv', ?)",
                    [("n1", start + timedelta(minutes=50), "post_removed", "Post removed", 1),
                     ("n2", start + timedelta(hours=3), "account_locked", "Locked", 2),
                     ("n3", start + timedelta(hours=3), "post_removed", "Post removed", 3),  # same instant: ids order them
                     ("n4", start + timedelta(days=2), "appeal_granted", "Appeal granted", 4)])


@pytest.fixture(scope="module")
def mass_reporting_on_both(spark_engine, event, report_wave):
    """The mass_reporting step on tests/test_mass_reporting.py's wave (conftest's ``report_wave``), its call reposted
    by 'amp', with notices after it, by DuckDB and with its statements on Spark (the bridge), with a call-share floor
    the wave's call reaches (2 of 22 reporters), so that the wave is coordinated: (duck, via_spark). The whole step
    (73 statements) runs on Spark: ~15 s here."""
    call_seconds = 19 * 86_400 + 11 * 3600  # the call to report: an hour before the wave (2025-03-20 12:00)
    amplifier = event("amp", call_seconds + 100, "repost", target_account_id="caller", target_post_id="call1")
    duck, via_spark = report_wave((amplifier,)), report_wave((amplifier,))
    for con in (duck, via_spark):
        _notices_after_the_call(con)
    params = MassReportingParams(min_called_share=0.09)
    assert build_mass_reporting(duck, params) == (2, 2, 20)
    assert build_mass_reporting(via_spark, params, execution=EngineSettings("spark"), spark=spark_engine) == (2, 2, 20)
    return duck, via_spark


# Tables a signal's Spark statements write besides its account_signals rows, compared too.
SIGNAL_TABLES = {
    "coordination": ("coordination_originators", "behaviour_labels"),
    "paid_amplification": (*PAID_OUTPUTS, "signal_beneficiaries"),
    "mass_reporting": MASS_REPORTING_OUTPUTS,
    "burst": ("burst_inbound", "burst_named_targets", "burst_analysed", "burst_series", "burst_episodes", "burst_participants",
              "burst_references", "burst_events", "burst_coaction", "burst_templates", "burst_calls", "burst_targets"),
}
# The module fixture that runs a signal's step on both engines: (duck, via_spark, ...); pipeline_on_both by default.
SIGNAL_FIXTURES = {
    "paid_amplification": "paid_amplification_on_both",
    "mass_reporting": "mass_reporting_on_both",
    "burst": "bursts_on_both",
}


@needs_java
@pytest.mark.parametrize("signal", SPARK_SIGNALS)
def test_spark_signals_equal_duckdbs_exactly(request, signal):
    """Each signal on Spark (SPARK_SIGNALS: a detector whose statements run on Spark adds its name) writes the same
    account_signals rows as on DuckDB, exactly: account, group, score, evidence sentence byte for byte, period,
    events; on the edges, weights and significance flags the co-action step compared."""
    duck, via_spark, *_ = request.getfixturevalue(SIGNAL_FIXTURES.get(signal, "pipeline_on_both"))
    for table in ("coaction_edges", "account_clusters") if signal == "coordination" else ():
        query = f"SELECT * FROM {table} ORDER BY ALL"
        assert via_spark.execute(query).fetchall() == duck.execute(query).fetchall(), table
    query = "SELECT * FROM account_signals WHERE signal = $signal ORDER BY ALL"
    rows = duck.execute(query, {"signal": signal}).fetchall()
    assert via_spark.execute(query, {"signal": signal}).fetchall() == rows
    for table in SIGNAL_TABLES.get(signal, ()):
        query = f"SELECT * FROM {table} ORDER BY ALL"
        assert via_spark.execute(query).fetchall() == duck.execute(query).fetchall(), table
        assert [r[1:] for r in via_spark.execute(f"DESCRIBE {table}").fetchall()] == [
            r[1:] for r in duck.execute(f"DESCRIBE {table}").fetchall()], table
    assert rows, signal  # the signal flags someone in the data, so rows are compared
    if signal == "coordination":  # members of the ring and its originator, the account with an audience left out
        flagged = {row[2] for row in rows}
        assert {f"ring{i}" for i in range(6)} | {"origin"} <= flagged and "client" not in flagged
        assert any("originates what the cluster amplifies" in row[5] for row in rows)
    if signal == "paid_amplification":  # the pool's four accounts; the fan club of two related authors is no pool
        assert {row[2] for row in rows} == {f"pool{i}" for i in range(4)}
        assert duck.execute("SELECT cluster_id, is_pool, client_groups FROM amplification_pools ORDER BY ALL").fetchall() == [
            (1, True, 3), (2, False, 1)]
        assert any("created on 2024-02-29 with 2 other members" in row[5] for row in rows)
    if signal == "mass_reporting":  # the wave's strangers with its reason or a mark, the caller, its amplifier
        flagged = {row[2] for row in rows}
        assert {"caller", "amp", "r03", "r04", "r17", "r20", "r21"} <= flagged
        # hard negatives in the coordinated wave: a stranger with another reason and no mark of its own (r19), earlier
        # contact (r01, r02), a co-report tie to an account outside the wave only (r22)
        assert not {"r01", "r02", "r19", "r22"} & flagged
        assert duck.execute("SELECT side, coordinated FROM mass_report_waves ORDER BY ALL").fetchall() == [
            ("notices", True), ("reports", True)]
    if signal == "burst":  # the pile-on's strangers and its call's organiser; the viral moment's fans and a friend not
        flagged = {row[2] for row in rows if row[0] == "burst"}
        assert {f"mob{i}" for i in range(30)} | {f"redditor{i}" for i in range(20)} | {"tg_boss"} <= flagged
        assert not any(account.startswith("fan") for account in flagged) and "friend1" not in flagged
        assert duck.execute("SELECT count(*) FILTER (WHERE concerted), count(*) FILTER (WHERE NOT concerted) FROM burst_episodes"
                            ).fetchall() == [(2, 1)]
        # each path of the SQL is compared: every kind of co-action, organiser and amplifiers, new and clustered accounts
        assert duck.execute("SELECT DISTINCT kind FROM burst_coaction ORDER BY ALL").fetchall() == [
            ("call_to_action",), ("hashtag",), ("same_post",), ("template",)]
        assert duck.execute("SELECT DISTINCT role FROM burst_participants ORDER BY ALL").fetchall() == [
            ("amplifier",), ("organiser",), ("participant",)]
        assert duck.execute("SELECT count(*) FILTER (WHERE new_account), count(*) FILTER (WHERE clustered) FROM burst_participants"
                            ).fetchall() == [(10, 1)]
        query = "SELECT * FROM account_signals WHERE signal = 'coordination' AND group_key LIKE 'episode-%' ORDER BY ALL"
        coacted = duck.execute(query).fetchall()  # the co-action inside its concerted episodes
        assert via_spark.execute(query).fetchall() == coacted and coacted
        assert duck.execute("SELECT group_key FROM account_signals WHERE account_id = 'mob1' AND signal = 'coordination'"
                            ).fetchall() == [("cluster-7",)]  # the clusters' row stays


def _objects_on_the_boundaries(event) -> list[dict]:
    """Events whose objects differ between the engines unless render.py gets DuckDB's string rules right:
    non-ASCII case ('ΟΔΟΣ': a final sigma; 'İ'), Unicode spaces that DuckDB's trim strips and Spark's does not,
    NFD and NFC spellings of one tag, handles that name one account, two, or the author; reports of a post
    whose author is known or not, of oneself, of a blank target; reposts, which no behaviour but co_repost reads."""
    rows = []
    for n, who in enumerate(["a1", "a2", "a3", "b\u00e9"]):
        t = 100.0 * n
        rows += [
            event(who, t, "post", mentions=[" @BOB", "\u00a0@Bob\u2003", "@ΟΔΟΣ", "@İpek", "@", "@" + who, "\t@tab"],
                  hashtags=["#Café", "#Cafe\u0301", "#ΟΔΟΣ", " #x ", "#", None, "\u00a0#nbsp", "İZMİR"]),
            event(who, t + 1, "reply", target_post_id="p1", target_account_id="carol", mentions=["@dup"]),
            event(who, t + 2, "comment", target_post_id=None, target_account_id=who),
            event(who, t + 3, "report", target_account_id="\u00a0", target_post_id="post-by-dave"),
            event(who, t + 4, "report", target_account_id=None, target_post_id="unknown-post"),
            event(who, t + 5, "report", target_account_id=" " + who),
            event(who, t + 6, "report", target_account_id="Eve"),
            event(who, t + 7, "repost", target_post_id="p1", mentions=["@bob"], hashtags=["#Café"]),
        ]
    rows.append(event("dave", 0, "post", event_id="post-by-dave", text="mine"))
    texts = [  # co_text: normalised in SQL when every character is safe, else in Python (text.py); both on Spark
        "Vote NOW for candidate X @bob https://x.co/a?b=c",    # ASCII: lower-cased, link and mention removed
        "vote now for candidate x",                            # the same object
        "ＶＯＴＥ now\u00a0for candidate x",                    # full-width and a no-break space: Python's NFKC
        "Straße ΟΔΟΣ\tis\n closed  ",                          # ß and a final sigma: Python; tab, newline collapsed
        "ΟΔΟΣ is closed www.x.org/ today",                     # Greek, safe: SQL's lower per code point
        "lol @bob",                                            # too short once the mention is gone
        "   日本語のテキストです、十文字以上  ",                   # CJK: safe, trimmed
    ]
    rows += [event(who, 1000.0 + 10 * i + n, "post", text=text) for n, who in enumerate(["a1", "a2"]) for i, text in enumerate(texts)]
    urls = [  # co_link and co_domain: every rule of coordination/macros.sql
        ["HTTPS://News.Example.COM:443/a/?utm_source=x&b=2&a=1#frag", "news.example.com/a?a=1&b=2"],  # one link
        ["  http://user@WWW2.Example.org.:80/p/  ", "http://www.example.org/p"],       # user info, port, dot, www2.
        ["http://İSTANBUL.example/x?Igshid=1&z&&UTM_x=2", "https://ΟΔΟΣ.example/ΟΔΟΣ?q=ΟΔΟΣ&FBCLID=3"],  # case rules
        ["mailto:x@y.org", "ftp://files.example/x", "   ", "tel:+123", "example.com:8080"],   # no http(s) / opaque
        ["https://a.example/\u00a0", "\u00a0https://b.example/p\u2003"],               # Unicode spaces trimmed
    ]
    rows += [event(who, 2000.0 + 10 * i + n, "post", urls=group) for n, who in enumerate(["a1", "a2"]) for i, group in enumerate(urls)]
    rows.append(event("a3", 2100.0, "repost", urls=["https://news.example.com/a"]))          # a repost's link: not read
    return rows


# The objects DuckDB makes of the URLs of _objects_on_the_boundaries (so that the comparison covers each rule).
LINKS = {"http://example.com:8080", "http://istanbul.example/x?z", "http://news.example.com/a?a=1&b=2", "http://www.example.org/p",
         "http://www2.example.org/p", "https://a.example", "https://b.example/p", "https://news.example.com/a?a=1&b=2",
         "https://οδοσ.example/ΟΔΟΣ?q=ΟΔΟΣ"}
DOMAINS = {"a.example", "b.example", "example.com:8080", "example.org", "istanbul.example", "news.example.com", "οδοσ.example"}


@needs_java
def test_every_spark_behaviours_actions_equal_duckdbs(spark_engine, event, database, tmp_path):
    """Each behaviour's actions (object ids, their DuckDB hash keys, accounts, times, events: what the shared core
    reads) computed by Spark equal DuckDB's on the boundary cases of ``_objects_on_the_boundaries``."""
    from mobtrace.analysis.coordination import spark_inputs
    from mobtrace.analysis.coordination.coaction import HERE, _INPUTS, load_actions, prepare_input
    from mobtrace.analysis.sql import run_script

    duck = database(_objects_on_the_boundaries(event))
    duck.execute("INSERT INTO accounts (platform, account_id, handle) VALUES ('x', 'bob-id', 'Bob'), ('x', 'o1', 'dup'), "
                 "('x', 'o2', 'DUP'), ('x', 'ipek-id', 'i̇pek')")
    duck_engine = DuckDBEngine(duck)
    for table in spark_inputs(SPARK_BEHAVIOURS):
        duck_engine.write_parquet(table, tmp_path / f"{table}.parquet")
        spark_engine.register_parquet(table, tmp_path / f"{table}.parquet")
    seen = {}
    for behaviour in SPARK_BEHAVIOURS:
        results = []
        for con in (duck, spark_engine):
            run_script(con, HERE / "macros.sql")
            run_script(con, HERE / "nodes.sql")
            for name, (readers, _) in _INPUTS.items():
                if behaviour in readers:
                    prepare_input(con, name)
            load_actions(con, behaviour)
            results.append(con.execute("SELECT * FROM coaction_actions ORDER BY ALL").fetchall())
        assert results[1] == results[0], behaviour
        seen[behaviour] = {row[0] for row in results[0]}
    # the cases are there: one account per handle, lower case per code point (a final σ, 'İ' -> 'i'), Unicode
    # spaces trimmed and a tab not, self-mentions and self-reports left out, a post's author reported, NFC tags
    assert seen["co_mention"] == {"x:@\t@tab", "x:@bob-id", "x:@carol", "x:@dup", "x:@ipek", "x:@οδοσ"}
    assert seen["co_hashtag"] == {"#café", "#izmir", "#nbsp", "#x", "#οδοσ"}
    assert seen["co_hashtag_seq"] == {"#café #café #οδοσ #x #nbsp #izmir"}
    assert seen["co_report"] == {"x:report:@Eve", "x:report:@dave", "x:report:unknown-post"}
    assert seen["co_reply"] == seen["co_repost"] == {"x:p1"}
    assert seen["co_text"] == {"vote now for candidate x", "strasse οδοσ is closed", "οδοσ is closed today",
                               "日本語のテキストです、十文字以上"}
    assert "near:vote now for candidate x" in seen["co_text_near"]
    assert seen["co_link"] == LINKS and seen["co_domain"] == DOMAINS


def test_duckdb_engine_runs_scripts_as_run_script_does(tmp_path):
    script = tmp_path / "s.sql"
    script.write_text("CREATE TEMP TABLE t AS SELECT range AS x FROM range(5);\n-- a comment\n"
                      "CREATE TEMP TABLE u AS SELECT x FROM t WHERE x >= $low;\n", encoding="utf-8")
    eng = DuckDBEngine()
    eng.run_script(script, low=3, unused=1)
    assert eng.fetch("SELECT x FROM u ORDER BY x") == [(3,), (4,)]
    eng.write_parquet("u", tmp_path / "u.parquet")
    eng.register_parquet("again", tmp_path / "u.parquet", temp=True)
    assert eng.fetch("SELECT count(*) FROM again") == [(2,)]
    eng.drop_table("u")
    assert eng.fetch("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'u'") == [(0,)]


def test_the_bridge_removes_the_parquet_it_wrote_even_when_the_stage_fails(event, database, tmp_path, monkeypatch):
    # The folder holds the export's interactions (people's posts): it must not outlive the step.
    import tempfile

    from mobtrace.analysis.engine.bridge import run_on_spark

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    con = database([event("a", 0, "repost", target_post_id="p"), event("b", 1, "repost", target_post_id="p")])
    seen = []

    def stage(eng, fail):
        seen.extend(sorted(str(path.relative_to(tmp_path)).split("/", 1)[1] for path in tmp_path.rglob("*.parquet")))
        assert eng.fetch("SELECT count(*) FROM interactions") == [(2,)]
        if fail:
            raise RuntimeError("the stage broke")
        return "done"

    assert run_on_spark(con, stage, inputs=("interactions",), outputs=(), spark=DuckDBEngine(duckdb.connect()), fail=False) == "done"
    with pytest.raises(RuntimeError):
        run_on_spark(con, stage, inputs=("interactions",), outputs=(), spark=DuckDBEngine(duckdb.connect()), fail=True)
    assert seen == ["in/interactions.parquet", "in/interactions.parquet"]
    assert list(tmp_path.iterdir()) == []
    shared = tmp_path / "shared"  # a cluster's shared mount: the step's folder goes inside it, and goes away
    shared.mkdir()
    inside = []
    run_on_spark(con, lambda eng: inside.extend(shared.rglob("*.parquet")), inputs=("interactions",), outputs=(),
                 spark=DuckDBEngine(duckdb.connect()), shared_dir=shared)
    assert [path.relative_to(shared).parts[1:] for path in inside] == [("in", "interactions.parquet")]
    assert list(shared.iterdir()) == []
    kept = tmp_path / "kept"  # a workdir the caller names is the caller's to keep
    run_on_spark(con, stage, inputs=("interactions",), outputs=(), spark=DuckDBEngine(duckdb.connect()), workdir=kept, fail=False)
    assert (kept / "in" / "interactions.parquet").is_file()


def test_a_stage_runs_unchanged_on_the_duckdb_engine(event, database):
    """The stages take an engine where they took a connection: DuckDBEngine gives the same tables."""
    rows = _reposts(event)
    plain, wrapped = database(rows), database(rows)
    assert coaction_edges(DuckDBEngine(wrapped), behaviours=("co_repost",)) == coaction_edges(plain, behaviours=("co_repost",))
    for table in OUTPUT_TABLES:
        query = f"SELECT * FROM {table} ORDER BY ALL"
        assert wrapped.execute(query).fetchall() == plain.execute(query).fetchall(), table


def test_the_spark_engine_refuses_what_it_does_not_compute_yet(database, event, monkeypatch):
    from mobtrace.analysis.coordination.params import available_behaviours

    assert set(SPARK_BEHAVIOURS) == set(available_behaviours())  # every behaviour today; a new one must be proven
    con = database([event("a", 0, "repost", target_post_id="p")])
    monkeypatch.setattr("mobtrace.analysis.engine.SPARK_BEHAVIOURS", ("co_repost",))
    with pytest.raises(ValueError, match="computes co_repost so far, not co_domain, co_hashtag"):
        build_coaction_edges(con, CoactionParams(), execution=EngineSettings("spark"))
    monkeypatch.undo()
    with pytest.raises(ValueError, match="--engine must be one of"):
        EngineSettings(engine="polars")


def test_the_engine_is_recorded_beside_the_parameters_and_leaves_the_run_id_alone(tmp_path):
    """Execution settings are not parameters: a run on the defaults leaves no trace (the database as main writes
    it), a Spark run records its engine and master in ``execution``, and neither changes ``parameters`` or the
    run id; a later default run removes the rows an earlier Spark run left."""
    from mobtrace.analysis.engine.settings import record_execution, recorded_execution
    from mobtrace.analysis.provenance import record_parameters
    from mobtrace.dashboards.outputs import origin

    con = duckdb.connect()
    con.execute("CREATE TABLE sources (source_file VARCHAR, sha256 VARCHAR, format VARCHAR, rows_read BIGINT, "
                "ingested BIGINT, quarantined BIGINT, bytes BIGINT)")
    record_parameters(con, CoactionParams.step, CoactionParams().as_record())
    before = origin(con)["run_id"]
    record_execution(con, CoactionParams.step, EngineSettings())
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'execution'").fetchone() == (0,)
    record_execution(con, CoactionParams.step, EngineSettings("spark", "spark://host:7077", str(tmp_path)))
    assert recorded_execution(con) == {"coaction_edges": {"engine": "spark", "spark_master": "spark://host:7077",
                                                          "spark_dir": str(tmp_path)}}
    assert origin(con)["run_id"] == before
    assert "engine" not in con.execute("SELECT string_agg(name, ',') FROM parameters").fetchone()[0]
    record_execution(con, CoactionParams.step, EngineSettings())
    assert recorded_execution(con) == {}
    assert EngineSettings(spark_master="yarn", spark_dir=str(tmp_path)).changed() == {}  # they only matter on Spark


def test_a_cluster_needs_a_folder_every_node_reads(tmp_path, monkeypatch):
    # The executors of a cluster read the step's Parquet where the driver wrote it: its temporary folder would
    # fail the step mid-way, so the settings refuse it up front; local[N] runs on this machine and needs none.
    assert EngineSettings("spark", "local[2]").spark_dir == ""
    for master in ("spark://head:7077", "yarn", "k8s://https://api:6443"):
        with pytest.raises(ValueError, match="is a cluster: name --spark-dir"):
            EngineSettings("spark", master)
        assert EngineSettings("spark", master, str(tmp_path)).spark_dir == str(tmp_path)
    with pytest.raises(ValueError, match="is not a folder"):
        EngineSettings("spark", "yarn", str(tmp_path / "missing"))
    assert EngineSettings("duckdb", "yarn").engine == "duckdb"  # the Spark settings are not read on DuckDB
    from mobtrace.analysis.engine import bridge
    from mobtrace.assets.resources import EngineResource

    resource = EngineResource(engine="spark", spark_master="yarn", spark_dir=str(tmp_path))
    assert resource.settings() == EngineSettings("spark", "yarn", str(tmp_path))
    calls = []
    monkeypatch.setattr(bridge, "run_on_spark", lambda *args, **named: calls.append(named) or 0)
    build_coaction_edges(duckdb.connect(), CoactionParams(behaviours=("co_repost",)), execution=resource.settings())
    assert (calls[0]["master"], calls[0]["shared_dir"]) == ("yarn", str(tmp_path))  # the step passes both on


def test_the_command_line_sets_the_engine_and_refuses_it_for_compat_runs(tmp_path, capsys):
    from mobtrace.pipelines.cli import _parser, main

    args = _parser().parse_args(["run", "x.csv", "--engine", "spark", "--spark-master", "local[1]", "--spark-dir", "/mnt/x"])
    assert (args.engine, args.spark_master, args.spark_dir) == ("spark", "local[1]", "/mnt/x")
    assert _parser().parse_args(["demo"]).engine == "duckdb"
    data = tmp_path / "x.csv"
    data.write_text("platform,event_id,account_id,action,ts\n", encoding="utf-8")
    assert main(["run", str(data), "--compat", "cnt", "--engine", "spark", "--out", str(tmp_path / "out")]) == 2
    assert "--compat runs on DuckDB only" in capsys.readouterr().err
    out = tmp_path / "cluster"
    assert main(["run", str(data), "--engine", "spark", "--spark-master", "spark://head:7077", "--out", str(out)]) == 2
    assert "is a cluster: name --spark-dir" in capsys.readouterr().err
    assert not out.exists()  # refused before anything ran


@needs_java
def test_spark_computes_duckdbs_values_for_the_mass_reporting_constructs(spark_engine):
    """The renderings the mass_reporting statements need (render.py ``_mass_reporting_constructs``, spark.py's BY NAME,
    ``register``, ``df``), on values where a naive rendering differs: fractions of a second before and after 1970
    (Spark's unix_timestamp keeps whole seconds), negative and NULL interval counts, ``first`` with ties broken by a
    second key, NULL keys and a NULL value, DISTINCT ordered string_agg over duplicates, Cyrillic capitals for a
    case-insensitive match, NULL and empty lists, columns matched by name, an empty pandas frame, NULL integers."""
    import pandas as pd

    create = ("CREATE OR REPLACE TEMP TABLE mr (g INTEGER, ts TIMESTAMP, n BIGINT, s VARCHAR, l VARCHAR[])", [
        "(1, TIMESTAMP '1969-12-31 23:59:59.999999', 3, 'Жалоба', ['a', 'b'])", "(1, TIMESTAMP '2025-03-20 12:00:00.000001', 3, 'b', [])",
        "(1, TIMESTAMP '2025-03-20 12:00:01', 4, 'b', ['a'])", "(1, TIMESTAMP '2025-03-20 12:00:00.5', NULL, NULL, NULL)",
        "(2, TIMESTAMP '1900-01-01 00:00:00.25', -2, 'ЖАЛОБА!', ['x'])", "(2, TIMESTAMP '2025-03-20 12:00:00', 7, 'REPORT her', ['y', 'y'])"])
    duck = duckdb.connect()
    for con in (duck, spark_engine):
        con.execute(create[0])
        con.execute(f"INSERT INTO mr VALUES {', '.join(create[1])}")
    queries = [
        "SELECT g, ts, epoch(ts), ts + to_minutes(n * 60), ts - to_days(CAST(n AS INTEGER)) FROM mr ORDER BY ALL",
        "SELECT g, first(s ORDER BY n DESC, s), first(s ORDER BY n, s DESC), first(s ORDER BY n NULLS FIRST, s), "
        "first(n ORDER BY s DESC) FROM mr GROUP BY g ORDER BY g",
        "SELECT g, string_agg(DISTINCT s, ', ' ORDER BY s), string_agg(DISTINCT CAST(n AS VARCHAR), '|' ORDER BY CAST(n AS VARCHAR) DESC) "
        "FROM mr GROUP BY g ORDER BY g",
        "SELECT s, regexp_matches(s, 'жалоб|report h', 'i'), regexp_matches(s, 'жалоб'), len(l), "
        "len(list_filter(coalesce(l, []), lambda x: x <> 'y')) FROM mr ORDER BY ALL",
    ]
    for query in queries:
        assert spark_engine.fetch(query) == duck.execute(query).fetchall(), query
    matches = {row[0]: row[1:4] for row in duck.execute(queries[3]).fetchall()}
    assert matches["ЖАЛОБА!"] == (True, False, 1) and matches["REPORT her"] == (True, False, 2)  # only case-insensitively
    query = "SELECT g, s FROM mr UNION ALL BY NAME SELECT n AS m, s, g FROM mr"  # columns g, s, m; m NULL on the left
    assert sorted(spark_engine.fetch(query), key=repr) == sorted(duck.execute(query).fetchall(), key=repr)
    spark_engine.execute("CREATE OR REPLACE TEMP TABLE mr_len AS SELECT len(l) AS k FROM mr")
    assert spark_engine.schema_of("mr_len") == {"k": "bigint"}  # DuckDB's BIGINT, not Spark's INT

    for con in (duck, spark_engine):  # INSERT BY NAME: columns in another order, one left NULL
        con.execute("CREATE OR REPLACE TEMP TABLE mr_ins (a INTEGER, b VARCHAR, c DOUBLE)")
        con.execute("INSERT INTO mr_ins BY NAME SELECT 'x' AS B, 1 AS a UNION ALL BY NAME SELECT 2 AS a, 0.5 AS c")
        con.register("mr_empty", pd.DataFrame({"a": pd.Series(dtype="string"), "b": pd.Series(dtype="int64")}))
    query = "SELECT * FROM mr_ins ORDER BY ALL"
    assert spark_engine.fetch(query) == duck.execute(query).fetchall() == [(1, "x", None), (2, None, 0.5)]
    assert spark_engine.fetch("SELECT count(*) FROM mr_empty") == [(0,)]
    query = "SELECT n, g FROM mr ORDER BY g, n"
    frames = [spark_engine.sql(query).df(), duck.execute(query).df()]
    assert [list(f.dtypes.astype(str)) for f in frames] == [["Int64", "int32"]] * 2
    assert frames[0].astype(object).where(frames[0].notna(), None).values.tolist() == frames[1].astype(object).where(
        frames[1].notna(), None).values.tolist()
    for name in ("mr", "mr_len", "mr_ins", "mr_empty"):
        spark_engine.execute(f"DROP TABLE IF EXISTS {name}")
# --- the burst detector on Spark -------------------------------------------------------------------------------

BURST_WORDS = ("morning river garden concert budget street holiday market podcast train season recipe window city coffee "
               "harbour library meadow lantern orchard pebble quartz saddle thimble velvet walnut").split()


def _piled_on(event) -> list[dict]:
    """The burst detector's cases: @jane_doe's friends reply a few times a day for ten days; on day 8 a viral moment
    (60 strangers over two hours in their own words: an episode, not concerted, the hard negative); on day 10 a
    pile-on (30 strangers within 20 minutes, one template, a hashtag made for it, ten of them new accounts, five
    reposting one post just before, a friend joining in), called in by a Telegram post linking to her X profile
    and her Reddit thread (forwarded by three members), and a comment pile-on in that thread."""
    day, hour = 86_400, 3_600
    rng = random.Random(7)
    words = lambda: " ".join(rng.sample(BURST_WORDS, 6))  # noqa: E731  (texts that share no template)
    start = 10 * day + 15 * hour
    rows = [event(f"friend{(d + k) % 6}", d * day + 12 * hour + k * 900, "reply", target_account_id="jane", text=words())
            for d in range(10) for k in range(2)]
    rows += [event(f"fan{i}", 8 * day + 15 * hour + 120 * i, "reply", target_account_id="jane", text=words()) for i in range(60)]
    rows += [event(f"mob{i}", start + 40 * i, "reply", target_account_id="jane", hashtags=["ShameJane"],
                   text=f"@jane_doe you are a liar and a fraud, everyone knows it, step down now number {i % 4}") for i in range(30)]
    rows.append(event("friend1", start + 300, "reply", target_account_id="jane", text="hang in there, we are with you"))
    rows += [event(f"mob{i}", start - 1200 + 60 * i, "repost", target_post_id="rally", target_account_id="ringleader") for i in range(5)]
    rows.append(event("tg_boss", start - 1800, "post", platform="telegram", event_id="-1001/5", text="everyone go, now",
                      urls=["https://x.com/Jane_Doe", "https://www.reddit.com/r/town/comments/abc123/her_post/", "https://t.me/s/x"]))
    rows += [event(f"tg_member{i}", start - 1800 + 60 * (i + 1), "repost", platform="telegram", event_id=f"-1001/{6 + i}",
                   urls=["https://x.com/Jane_Doe"]) for i in range(3)]
    rows += [event(f"redditor{i}", start + 600 + 50 * i, "reply", platform="reddit", event_id=f"c{i}", conversation_id="abc123",
                   target_post_id="abc123", text=f"this woman is a liar and a fraud, everyone knows it {i % 3}") for i in range(20)]
    return rows


@pytest.fixture(scope="module")
def bursts_on_both(spark_engine, event, database, tmp_path_factory):
    """The burst step on ``_piled_on``'s data, once by DuckDB and once with its SQL on Spark (through a named shared
    folder), the Python stages on the driver in both; a clusters' coordination row for mob1 and a targets file
    naming her and someone absent. (duck, via_spark, None)."""
    from mobtrace.analysis.burst import BurstParams, build_bursts
    from mobtrace.analysis.signals import create_signals_table

    folder = tmp_path_factory.mktemp("bursts")
    (folder / "targets.txt").write_text("https://x.com/jane_doe\nx:@nobody_here\n", encoding="utf-8")
    params = BurstParams(targets_file=str(folder / "targets.txt"))
    rows = _piled_on(event)
    duck, via_spark = database(rows), database(rows)
    for con in (duck, via_spark):
        create_signals_table(con)
        con.execute("""INSERT INTO accounts (platform, account_id, handle, created_at)
                       SELECT 'x', 'jane', 'jane_doe', TIMESTAMP '2012-01-01'
                       UNION ALL SELECT 'x', 'mob' || i, NULL, TIMESTAMP '2025-03-06' FROM range(10) t(i)
                       UNION ALL SELECT 'x', 'friend' || i, NULL, TIMESTAMP '2016-01-01' FROM range(6) t(i)""")
        con.execute("INSERT INTO account_signals (signal, platform, account_id, group_key, score, evidence) "
                    "VALUES ('coordination', 'x', 'mob1', 'cluster-7', 0.9, 'tied to 5 accounts')")
    shared = folder / "shared"
    shared.mkdir()
    expected = build_bursts(duck, params)
    assert build_bursts(via_spark, params, execution=EngineSettings("spark", spark_dir=str(shared)), spark=spark_engine) == expected
    assert list(shared.iterdir()) == []
    tables = "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY ALL"
    assert via_spark.execute(tables).fetchall() == duck.execute(tables).fetchall()  # the temporary ones stay temporary
    return duck, via_spark, None


@needs_java
def test_spark_computes_duckdbs_burst_constructs_on_the_boundaries(spark_engine):
    """The renderings the burst detector's SQL needs (render.py ``_interval_and_list_renderings``), on the values where
    the naive ones differ: a time range shorter than its step (SQLGlot's sequence gives none), empty and reversed;
    list overlap with NULL elements and lists (Spark's arrays_overlap says NULL) and an empty subquery list; distinct
    ordered string_agg with duplicates, NULLs, non-ASCII and upper case, descending; the average of decimal shares
    (Spark's is a DECIMAL of five places); intervals of days and minutes at the inclusive bound; epoch of one time
    either side of 1970."""
    duck = duckdb.connect()
    statements = [
        "CREATE OR REPLACE TEMP TABLE bt AS SELECT * FROM (VALUES "
        "(1, TIMESTAMP '2025-03-10 10:05:00', TIMESTAMP '2025-03-10 10:50:00', ['x', NULL], ['y'], 'b', TRUE, TIMESTAMP '2025-02-08 10:05:00'), "
        "(1, TIMESTAMP '2025-03-10 10:00:00', TIMESTAMP '2025-03-10 11:00:00', [], ['x'], 'é', FALSE, TIMESTAMP '2025-02-08 10:04:59.999999'), "
        "(1, TIMESTAMP '2025-03-10 11:00:00', TIMESTAMP '2025-03-10 11:00:00', NULL, ['x'], 'B', FALSE, NULL), "
        "(2, TIMESTAMP '2025-03-10 12:30:00', TIMESTAMP '2025-03-10 11:00:00', ['x', NULL], ['x'], 'b', TRUE, TIMESTAMP '1969-12-31 23:59:59.999999'), "
        "(2, TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMP '1970-01-01 02:30:00', ['a'], [NULL], NULL, FALSE, TIMESTAMP '2024-03-01 00:00:00'), "
        "(2, TIMESTAMP '2024-03-31 00:00:00', TIMESTAMP '2024-03-31 01:00:00.000001', ['a'], ['A', 'a'], 'z', FALSE, TIMESTAMP '2024-03-01 00:00:00'), "
        "(3, TIMESTAMP '2025-03-10 10:00:00', TIMESTAMP '2025-03-10 10:00:00.000001', [NULL], [NULL], NULL, NULL, NULL)"
        ") AS t(g, s, e, a, b, w, c, created)",
        "CREATE OR REPLACE TEMP TABLE bt_tags AS SELECT * FROM (VALUES ('x'), ('y')) AS t(tag) WHERE tag = 'none'",
    ]
    for statement in statements:
        duck.execute(statement)
        spark_engine.execute(statement)
    queries = [
        "SELECT g, s, e, range(date_trunc('hour', s), e, INTERVAL 1 HOUR), list_has_any(a, b), "
        "list_has_any(a, (SELECT coalesce(list(DISTINCT tag), []) FROM bt_tags)), epoch(s), epoch(e) - epoch(s), "
        "s - to_minutes(CAST(180 AS BIGINT)), created >= s - to_days(CAST(30 AS INTEGER)), e - to_days(CAST(g AS INTEGER)) "
        "FROM bt ORDER BY ALL",
        "SELECT g, unnest(range(date_trunc('hour', s - to_minutes(CAST(g * 10 AS BIGINT))), e, INTERVAL 1 HOUR)) AS hour FROM bt ORDER BY ALL",
        "SELECT g, string_agg(DISTINCT w, '; ' ORDER BY w), string_agg(DISTINCT w, '|' ORDER BY w DESC), "
        "avg(CASE WHEN c THEN 1.0 ELSE 0.0 END), avg(CASE WHEN created IS NULL THEN NULL WHEN c THEN 1.0 ELSE 0.0 END), "
        "count(*) FILTER (WHERE c) FROM bt GROUP BY g ORDER BY g",
    ]
    for query in queries:
        assert spark_engine.fetch(query) == duck.execute(query).fetchall(), query
    # the cases are there: a range shorter than its step is its start; overlap ignores NULL elements; a share of 1/3
    assert duck.execute("SELECT len(range(TIMESTAMP '2025-03-10 10:00', TIMESTAMP '2025-03-10 10:50', INTERVAL 1 HOUR)), "
                        "list_has_any(['x', NULL], ['y'])").fetchall() == [(1, False)]
    assert duck.execute(queries[2]).fetchall()[0][1:4] == ("B; b; é", "é|b|B", 1 / 3)
    for table in ("bt", "bt_tags"):
        spark_engine.execute(f"DROP TABLE IF EXISTS {table}")
