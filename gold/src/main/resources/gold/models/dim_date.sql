-- dim_date: one row per calendar date, from the earlier of window_start and the first transaction
-- in silver to the later of window_end and the last one, so every fact's date_key has its row.
WITH date_span AS (
  SELECT
    least(${window_start}, coalesce(min(to_date(event_ts)), ${window_start})) AS first_date,
    greatest(${window_end}, coalesce(max(to_date(event_ts)), ${window_end})) AS last_date
  FROM ${silver_transactions}
),

calendar AS (
  SELECT explode(sequence(first_date, last_date)) AS d FROM date_span
)

SELECT
  CAST(date_format(d, 'yyyyMMdd') AS INT) AS date_key,
  d AS date,
  year(d) AS year,
  quarter(d) AS quarter,
  month(d) AS month,
  trunc(d, 'MM') AS month_start,
  dayofmonth(d) AS day_of_month,
  dayofweek(d) AS day_of_week,
  date_format(d, 'EEEE') AS day_name,
  dayofweek(d) IN (1, 7) AS is_weekend
FROM calendar
