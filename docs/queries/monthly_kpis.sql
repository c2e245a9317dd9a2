-- The direction's monthly KPIs with month-over-month growth (null after a zero month).
SELECT month_start, revenue_inr, revenue_growth, volume_inr, volume_growth, txn_count, txn_count_growth,
       new_customers, new_customers_growth, active_customers, active_customers_growth
FROM gold.monthly_kpis
ORDER BY month_start;
