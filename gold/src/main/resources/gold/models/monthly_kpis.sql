-- monthly_kpis: one row per month, for the months first_month..last_month (the month before
-- first_month is computed too, as the base of first_month's growth).
-- revenue: the platform fees; volume, txn_count: SUCCESS transactions only; active_customers:
-- customers who initiated a SUCCESS debit (a payment, transfer out, withdrawal, investment, loan
-- repayment; not a platform FEE, and a salary or incoming transfer alone does not count);
-- new_customers: customer ids that signed up that month. is_partial_month: gold's facts do not
-- cover the whole month (it starts before the first fact day or ends after range_end, the last
-- day gold has data for). Each growth is (this - previous) / previous, null when the previous
-- month is zero or when either month is partial (a half month against a full one is no growth).
WITH months AS (
  SELECT explode(sequence(add_months(${first_month}, -1), ${last_month}, INTERVAL 1 MONTH))
    AS month_start
),

coverage AS (
  SELECT min(event_date) AS first_day FROM ${fct_transactions}
),

transaction_totals AS (
  SELECT
    trunc(event_date, 'MM') AS month_start,
    sum(fee_inr) AS revenue_inr,
    sum(CASE WHEN status = 'SUCCESS' THEN amount_inr ELSE 0 END) AS volume_inr,
    count_if(status = 'SUCCESS') AS txn_count,
    count(DISTINCT CASE
      WHEN status = 'SUCCESS' AND txn_type NOT IN (${credit_types}) AND txn_type <> 'FEE'
        THEN customer_id
    END) AS active_customers
  FROM ${fct_transactions}
  WHERE event_date >= add_months(${first_month}, -1) AND event_date < add_months(${last_month}, 1)
  GROUP BY 1
),

signups AS (
  SELECT
    trunc(to_date(signup_ts), 'MM') AS month_start,
    count(DISTINCT customer_id) AS new_customers
  FROM ${dim_customer}
  WHERE customer_id IS NOT NULL
  GROUP BY 1
),

monthly AS (
  SELECT
    months.month_start,
    coalesce(totals.revenue_inr, 0) AS revenue_inr,
    coalesce(totals.volume_inr, 0) AS volume_inr,
    coalesce(totals.txn_count, 0) AS txn_count,
    coalesce(signups.new_customers, 0) AS new_customers,
    coalesce(totals.active_customers, 0) AS active_customers,
    coalesce(
      months.month_start < coverage.first_day OR last_day(months.month_start) > ${range_end},
      true
    ) AS is_partial_month
  FROM months
  CROSS JOIN coverage
  LEFT JOIN transaction_totals totals ON totals.month_start = months.month_start
  LEFT JOIN signups ON signups.month_start = months.month_start
),

with_previous AS (
  SELECT
    *,
    lag(revenue_inr) OVER by_month AS previous_revenue_inr,
    lag(volume_inr) OVER by_month AS previous_volume_inr,
    lag(txn_count) OVER by_month AS previous_txn_count,
    lag(new_customers) OVER by_month AS previous_new_customers,
    lag(active_customers) OVER by_month AS previous_active_customers,
    is_partial_month OR coalesce(lag(is_partial_month) OVER by_month, true) AS no_growth
  FROM monthly
  WINDOW by_month AS (ORDER BY month_start)
)

SELECT
  month_start,
  revenue_inr,
  volume_inr,
  txn_count,
  new_customers,
  active_customers,
  CASE WHEN NOT no_growth AND previous_revenue_inr > 0
    THEN (revenue_inr - previous_revenue_inr) / previous_revenue_inr
  END AS revenue_growth,
  CASE WHEN NOT no_growth AND previous_volume_inr > 0
    THEN (volume_inr - previous_volume_inr) / previous_volume_inr
  END AS volume_growth,
  CASE WHEN NOT no_growth AND previous_txn_count > 0
    THEN (txn_count - previous_txn_count) / previous_txn_count
  END AS txn_count_growth,
  CASE WHEN NOT no_growth AND previous_new_customers > 0
    THEN (new_customers - previous_new_customers) / previous_new_customers
  END AS new_customers_growth,
  CASE WHEN NOT no_growth AND previous_active_customers > 0
    THEN (active_customers - previous_active_customers) / previous_active_customers
  END AS active_customers_growth,
  is_partial_month
FROM with_previous
WHERE month_start >= ${first_month}
