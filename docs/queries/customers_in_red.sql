-- Advisors: customers in the red for 3 or more consecutive months, as of the latest month.
SELECT r.customer_id, c.full_name_masked, c.city, r.streak_months, r.month_end_balance_inr
FROM gold.customers_in_red r
JOIN gold.dim_customer c ON c.customer_id = r.customer_id AND c.is_current
WHERE r.as_of_month = (SELECT max(as_of_month) FROM gold.customers_in_red)
ORDER BY r.streak_months DESC, r.month_end_balance_inr;
