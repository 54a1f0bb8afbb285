-- ASR and ACD per route per day (ANA-2).
-- Runs unchanged on DuckDB (sluice report) and Athena (named query) over the archive table `cdr`.
-- Parameters, in order: first day, last day (YYYY-MM-DD, inclusive; `dt` is the partition column).
SELECT
  dt AS day,
  route,
  count(*) AS attempts,
  sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) AS answered,
  round(100.0 * sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) / count(*), 2) AS asr_pct,
  round(CAST(sum(billsec) AS DOUBLE) / nullif(sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END), 0), 1) AS acd_seconds
FROM cdr
WHERE dt BETWEEN ? AND ?
GROUP BY dt, route
ORDER BY dt, route
