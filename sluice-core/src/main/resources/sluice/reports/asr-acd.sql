-- ASR, NER, ACD and answer delay per route per day (ANA-2, issue 16).
-- NER (network effectiveness ratio, ITU-T E.411): calls the network delivered to the called party, whatever the party
-- did (answered, busy, no answer, refused: REJECTED, FreeSWITCH's CALL_REJECTED and DECLINE), over attempts: a trunk
-- that fails calls (FAILED, CONGESTION) lowers NER; a caller who gives up (CANCEL) is not counted as delivered.
-- answer_delay_seconds: the average time from the call's start to its answer, over answered calls with both times.
-- Runs unchanged on DuckDB (sluice report) and Athena (named query) over the archive table `cdr`.
-- Parameters, in order: first day, last day (YYYY-MM-DD, inclusive; `dt` is the partition column).
SELECT
  dt AS day,
  route,
  count(*) AS attempts,
  sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) AS answered,
  round(100.0 * sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END) / count(*), 2) AS asr_pct,
  round(100.0 * sum(CASE WHEN disposition IN ('ANSWERED', 'BUSY', 'NO_ANSWER', 'REJECTED') THEN 1 ELSE 0 END) / count(*), 2) AS ner_pct,
  round(CAST(sum(billsec) AS DOUBLE) / nullif(sum(CASE WHEN disposition = 'ANSWERED' THEN 1 ELSE 0 END), 0), 1) AS acd_seconds,
  round(avg(CASE WHEN disposition = 'ANSWERED' AND answer_time IS NOT NULL
                 THEN date_diff('second', start_time, answer_time) END), 1) AS answer_delay_seconds
FROM cdr
WHERE dt BETWEEN ? AND ?
GROUP BY dt, route
ORDER BY dt, route
