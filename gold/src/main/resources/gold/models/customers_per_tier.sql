-- customers_per_tier: one row per month (first_month..last_month) and tier present that month:
-- how many customers customer_monthly puts in that tier.
WITH window_customer_months AS (
  SELECT month_start, tier
  FROM ${customer_monthly}
  WHERE month_start BETWEEN ${first_month} AND ${last_month}
)

SELECT month_start, tier, count(*) AS customer_count
FROM window_customer_months
GROUP BY 1, 2
