-- customer_monthly: one row per customer and month, for the months first_month..last_month.
-- month_end_balance_inr: the sum over the customer's accounts of each account's balance on the last
-- day gold has in that month. avg_balance_3m_inr: the average of the trailing three month-ends
-- (fewer at the start of the data), which sets the tier: Diamond from tier_diamond, Gold from
-- tier_gold, else Bronze. The month's SUCCESS withdrawals, loan disbursements and investments, each
-- above its activity_* threshold, make the month high activity; a negative month-end, in the red.
WITH account_month_ends AS (
  SELECT
    customer_id,
    account_key,
    trunc(balance_date, 'MM') AS month_start,
    max_by(closing_balance_inr, balance_date) AS closing_inr
  FROM ${fct_daily_account_balance}
  WHERE customer_id IS NOT NULL
    AND balance_date >= add_months(${first_month}, -2)
    AND balance_date < add_months(${last_month}, 1)
  GROUP BY 1, 2, 3
),

customer_month_ends AS (
  SELECT customer_id, month_start, sum(closing_inr) AS month_end_inr
  FROM account_month_ends
  GROUP BY 1, 2
),

monthly_activity AS (
  SELECT
    customer_id,
    trunc(event_date, 'MM') AS month_start,
    sum(CASE WHEN status = 'SUCCESS' AND txn_type = 'WITHDRAWAL' THEN amount_inr ELSE 0 END)
      AS withdrawals_inr,
    sum(CASE WHEN status = 'SUCCESS' AND txn_type = 'LOAN_DISBURSEMENT' THEN amount_inr ELSE 0 END)
      AS loans_inr,
    sum(CASE WHEN status = 'SUCCESS' AND txn_type = 'INVESTMENT' THEN amount_inr ELSE 0 END)
      AS investments_inr
  FROM ${fct_transactions}
  WHERE event_date >= ${first_month} AND event_date < add_months(${last_month}, 1)
  GROUP BY 1, 2
),

trailing_averages AS (
  SELECT
    customer_id,
    month_start,
    month_end_inr,
    avg(month_end_inr) OVER (
      PARTITION BY customer_id
      ORDER BY year(month_start) * 12 + month(month_start)
      RANGE BETWEEN 2 PRECEDING AND CURRENT ROW
    ) AS avg_3m_inr
  FROM customer_month_ends
)

SELECT
  balance.customer_id,
  balance.month_start,
  balance.month_end_inr AS month_end_balance_inr,
  balance.avg_3m_inr AS avg_balance_3m_inr,
  CASE
    WHEN balance.avg_3m_inr >= ${tier_diamond} THEN 'Diamond'
    WHEN balance.avg_3m_inr >= ${tier_gold} THEN 'Gold'
    ELSE 'Bronze'
  END AS tier,
  coalesce(activity.withdrawals_inr, 0) AS withdrawals_inr,
  coalesce(activity.loans_inr, 0) AS loans_inr,
  coalesce(activity.investments_inr, 0) AS investments_inr,
  balance.month_end_inr < 0 AS is_in_red,
  (coalesce(activity.withdrawals_inr, 0) > ${activity_withdrawals}
    OR coalesce(activity.loans_inr, 0) > ${activity_loans}
    OR coalesce(activity.investments_inr, 0) > ${activity_investments}) AS is_high_activity
FROM trailing_averages balance
LEFT JOIN monthly_activity activity
  ON activity.customer_id = balance.customer_id
  AND activity.month_start = balance.month_start
WHERE balance.month_start >= ${first_month}
