-- Usage per subscriber per day (ANA-2, CDR-7), busiest first within each day.
-- Parameters, in order: first day, last day (YYYY-MM-DD, inclusive).
SELECT
  dt AS day,
  caller AS subscriber,
  count(*) AS calls,
  sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) AS answered,
  sum(billsec) AS seconds,
  sum(CASE WHEN international THEN billsec ELSE 0 END) AS international_seconds,
  bool_or(NOT known_subscriber) AS unknown_subscriber
FROM cdr
WHERE dt BETWEEN ? AND ?
GROUP BY dt, caller
ORDER BY day, seconds DESC, subscriber
