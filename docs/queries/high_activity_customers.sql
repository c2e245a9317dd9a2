-- Advisors: customers with high withdrawals, loans or investments for 3 or more consecutive months.
SELECT h.as_of_month, h.customer_id, c.full_name_masked, h.streak_months,
       h.withdrawals_inr, h.loans_inr, h.investments_inr
FROM gold.high_activity_customers h
JOIN gold.dim_customer c ON c.customer_id = h.customer_id AND c.is_current
WHERE h.as_of_month = (SELECT max(as_of_month) FROM gold.high_activity_customers)
ORDER BY h.streak_months DESC, h.customer_id;
