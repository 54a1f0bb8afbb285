-- International traffic per destination country (ANA-2).
-- A number libphonenumber cannot place in one country (e.g. +800 freephone) counts under '(unknown)';
-- callers counts distinct subscribers, callers without an E.164 number being one, '(not E.164)', as in every
-- per-subscriber report (issue 16).
-- Parameters, in order: first day, last day (YYYY-MM-DD, inclusive).
SELECT
  CASE WHEN callee_country = '' THEN '(unknown)' ELSE callee_country END AS country,
  count(*) AS calls,
  sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) AS answered,
  round(sum(billsec) / 60.0, 1) AS minutes,
  count(DISTINCT coalesce(caller_msisdn, -1)) AS callers
FROM cdr
WHERE dt BETWEEN ? AND ?
  AND international
GROUP BY callee_country
ORDER BY minutes DESC, country
