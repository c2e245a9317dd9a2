-- customers_in_red: one row per customer and month (as_of_month in first_month..last_month) for a
-- customer whose month-end balance has been negative for 3 or more consecutive months up to and
-- including that month; streak_months is how many. Gaps and islands: consecutive months share
-- month_index - row_number, so a month out of the red starts a new streak.
WITH red_months AS (
  SELECT *, year(month_start) * 12 + month(month_start) AS month_index
  FROM ${customer_monthly}
  WHERE is_in_red AND month_start <= ${last_month}
),

streak_groups AS (
  SELECT
    *,
    month_index - row_number() OVER (PARTITION BY customer_id ORDER BY month_index)
      AS streak_group
  FROM red_months
),

streaks AS (
  SELECT
    *,
    row_number() OVER (PARTITION BY customer_id, streak_group ORDER BY month_index) AS streak
  FROM streak_groups
)

SELECT
  month_start AS as_of_month,
  customer_id,
  streak AS streak_months,
  month_end_balance_inr
FROM streaks
WHERE streak >= 3 AND month_start >= ${first_month}
