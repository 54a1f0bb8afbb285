-- Telemetry per device and metric per hour (IOT-3): readings, minimum, maximum, average and last value.
-- Over the raw readings (table telemetry). A reading is its device, metric and time: one archived twice (Firehose
-- delivers at least once) counts once.
-- Parameters, in order: first day, last day (YYYY-MM-DD, inclusive).
SELECT
  dt AS day,
  device_id,
  metric,
  date_trunc('hour', reading_time) AS hour,
  count(*) AS readings,
  min(value) AS min_value,
  max(value) AS max_value,
  avg(value) AS avg_value,
  max_by(value, reading_time) AS last_value
FROM (
  SELECT dt, device_id, metric, reading_time, value,
         row_number() OVER (PARTITION BY device_id, metric, reading_time ORDER BY received_at) AS copy
  FROM telemetry
  WHERE dt BETWEEN ? AND ?
) readings
WHERE copy = 1
GROUP BY dt, device_id, metric, date_trunc('hour', reading_time)
ORDER BY day, device_id, metric, hour
