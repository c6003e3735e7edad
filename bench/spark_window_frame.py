"""Why prune.sql dominates Spark's co-action time (analysis/engine/NOTES.md, bench): one object of N actions (one Spark
partition), prune.sql's first_value ... UNBOUNDED FOLLOWING frame against the reversed growing frame, same
values asserted. Spark local[2] with the engine's session settings.

    .venv/bin/python bench/spark_window_frame.py 10000 20000 40000
"""
import sys, time
from mobtrace.analysis.engine.spark import session
spark = session("local[2]", shuffle_partitions=4, **{"spark.driver.memory": "4g"})
for n in [int(x) for x in sys.argv[1:]]:
    spark.sql(f"""SELECT 1 AS obj_id, CAST(id * 7919 % 1000003 AS BIGINT) AS t_us, CAST(id % 97 AS INT) AS node_id,
                  CASE WHEN id % 3 = 0 THEN id END AS other_after FROM range({n})""").createOrReplaceTempView("b")
    queries = {
        "current row .. unbounded following (as rendered now)":
            "SELECT t_us, node_id, first_value(other_after, true) OVER (PARTITION BY obj_id ORDER BY t_us, node_id RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS v FROM b",
        "reversed: unbounded preceding .. current row":
            "SELECT t_us, node_id, last_value(other_after, true) OVER (PARTITION BY obj_id ORDER BY t_us DESC, node_id DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS v FROM b",
    }
    results = {}
    for name, q in queries.items():
        start = time.perf_counter()
        rows = spark.sql(f"SELECT sum(hash(t_us, node_id, v)) AS h, count(*) FROM ({q})").collect()
        results[name] = rows[0]
        print(f"{n:>8,} actions on one object: {name:<55} {time.perf_counter() - start:7.1f} s  {tuple(rows[0])}", flush=True)
    assert len(set(results.values())) == 1, results
spark.stop()
