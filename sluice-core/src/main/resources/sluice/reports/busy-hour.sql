-- Traffic per hour of the day, UTC, over the period (ANA-2): the busy hour is the top row by erlangs.
-- avg_erlangs = billed hours in that hour of the day / number of days with traffic.
-- Parameters, in order: first day, last day (YYYY-MM-DD, inclusive).
SELECT
  hour(start_time) AS hour_utc,
  count(*) AS attempts,
  sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) AS answered,
  round(sum(billsec) / 60.0, 1) AS minutes,
  round(sum(billsec) / 3600.0 / count(DISTINCT dt), 2) AS avg_erlangs
FROM cdr
WHERE dt BETWEEN ? AND ?
GROUP BY hour(start_time)
ORDER BY hour_utc
