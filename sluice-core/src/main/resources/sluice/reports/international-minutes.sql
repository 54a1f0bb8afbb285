-- International traffic per destination country (ANA-2).
-- A number libphonenumber cannot place in one country (e.g. +800 freephone) counts under '(unknown)'.
-- Parameters, in order: first day, last day (YYYY-MM-DD, inclusive).
SELECT
  coalesce(nullif(callee_country, ''), '(unknown)') AS country,
  count(*) AS calls,
  sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) AS answered,
  round(sum(billsec) / 60.0, 1) AS minutes,
  count(DISTINCT caller) AS callers
FROM cdr
WHERE dt BETWEEN ? AND ?
  AND international
GROUP BY coalesce(nullif(callee_country, ''), '(unknown)')
ORDER BY minutes DESC, country
