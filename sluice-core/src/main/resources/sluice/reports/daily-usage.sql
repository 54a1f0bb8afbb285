-- Usage per subscriber per day (ANA-2, CDR-7), busiest first within each day.
-- A subscriber is an E.164 caller; calls from callers without one (withheld, extensions, names, unallocated numbers)
-- are one row, '(not E.164)', in every per-subscriber report (issue 16), so that the rows add up to all calls.
-- Parameters, in order: first day, last day (YYYY-MM-DD, inclusive).
SELECT
  dt AS day,
  CASE WHEN caller_msisdn IS NULL THEN '(not E.164)' ELSE caller END AS subscriber,
  count(*) AS calls,
  sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) AS answered,
  sum(billsec) AS seconds,
  sum(CASE WHEN international THEN billsec ELSE 0 END) AS international_seconds,
  bool_or(NOT known_subscriber) AS unknown_subscriber
FROM cdr
WHERE dt BETWEEN ? AND ?
GROUP BY dt, CASE WHEN caller_msisdn IS NULL THEN '(not E.164)' ELSE caller END
ORDER BY day, seconds DESC, subscriber
