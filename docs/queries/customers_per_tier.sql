-- The direction: customers per tier (Bronze, Gold, Diamond) each month, and the month's share.
SELECT month_start, tier, customer_count,
       round(customer_count / sum(customer_count) OVER (PARTITION BY month_start), 4) AS share
FROM gold.customers_per_tier
ORDER BY month_start, tier;
