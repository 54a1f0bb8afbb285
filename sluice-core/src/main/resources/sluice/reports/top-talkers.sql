-- The 20 subscribers with the most billed minutes (ANA-2). Withheld callers are left out.
-- Parameters, in order: first day, last day (YYYY-MM-DD, inclusive).
SELECT
  caller AS subscriber,
  max(plan) AS plan,
  count(*) AS calls,
  sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) AS answered,
  round(sum(billsec) / 60.0, 1) AS minutes,
  round(sum(CASE WHEN international THEN billsec ELSE 0 END) / 60.0, 1) AS international_minutes
FROM cdr
WHERE dt BETWEEN ? AND ?
  AND NOT caller_withheld
GROUP BY caller
ORDER BY minutes DESC, subscriber
LIMIT 20
