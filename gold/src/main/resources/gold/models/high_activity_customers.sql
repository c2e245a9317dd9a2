-- high_activity_customers: one row per customer and month (as_of_month in
-- first_month..last_month) for a customer whose months have been high activity
-- (customer_monthly.is_high_activity) for 3 or more consecutive months up to and including that
-- month; streak_months is how many. Gaps and islands: consecutive months share
-- month_index - row_number, so a quiet month starts a new streak.
WITH active_months AS (
  SELECT *, year(month_start) * 12 + month(month_start) AS month_index
  FROM ${customer_monthly}
  WHERE is_high_activity AND month_start <= ${last_month}
),

streak_groups AS (
  SELECT
    *,
    month_index - row_number() OVER (PARTITION BY customer_id ORDER BY month_index)
      AS streak_group
  FROM active_months
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
  withdrawals_inr,
  loans_inr,
  investments_inr
FROM streaks
WHERE streak >= 3 AND month_start >= ${first_month}
