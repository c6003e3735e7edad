-- The time resolution of every input file (timing.py): minute-stamped when at least 90% of its events fall
-- on a whole minute.
CREATE OR REPLACE TABLE time_resolution AS
SELECT source_file, count(*) AS events,
       avg(CAST(microsecond(ts) = 0 AND second(ts) = 0 AS DOUBLE)) >= 0.9 AS minute_stamped,
       CASE WHEN avg(CAST(microsecond(ts) = 0 AND second(ts) = 0 AS DOUBLE)) >= 0.9 THEN 60 ELSE 0 END AS resolution_s
FROM interactions
GROUP BY source_file
ORDER BY source_file;
