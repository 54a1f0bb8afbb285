-- The 20 subscribers with the most billed minutes (ANA-2).
-- Callers without an E.164 number (withheld, extensions, names, unallocated numbers) are one row, '(not E.164)', as
-- in every per-subscriber report (issue 16): unattributed traffic is shown, not dropped. Grouped by the numeric
-- caller_msisdn (twice as fast as by the text). The plan is not shown: it is in the profiles table,
-- because carrying it through the aggregation cost a quarter of the report's time over 10M CDRs.
-- Parameters, in order: first day, last day (YYYY-MM-DD, inclusive).
SELECT
  CASE WHEN caller_msisdn IS NULL THEN '(not E.164)' ELSE '+' || CAST(caller_msisdn AS VARCHAR) END AS subscriber,
  count(*) AS calls,
  sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) AS answered,
  round(sum(billsec) / 60.0, 1) AS minutes,
  round(sum(CASE WHEN international THEN billsec ELSE 0 END) / 60.0, 1) AS international_minutes
FROM cdr
WHERE dt BETWEEN ? AND ?
GROUP BY caller_msisdn
ORDER BY minutes DESC, subscriber
LIMIT 20
