-- Traffic per hour of the day, UTC, over the period (ANA-2); the busy hour is the row with the most erlangs.
-- avg_erlangs = billed hours in that hour of the day / days with traffic in the period.
-- Parameters, in order: first day, last day (YYYY-MM-DD, inclusive).
WITH period AS (
  SELECT * FROM cdr WHERE dt BETWEEN ? AND ?
),
days AS (
  SELECT count(DISTINCT dt) AS n FROM period
)
SELECT
  hour(start_time) AS hour_utc,
  count(*) AS attempts,
  sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) AS answered,
  round(sum(billsec) / 60.0, 1) AS minutes,
  round(sum(billsec) / 3600.0 / max(days.n), 2) AS avg_erlangs
FROM period CROSS JOIN days
GROUP BY hour(start_time)
ORDER BY hour_utc
