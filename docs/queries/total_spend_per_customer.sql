-- Total spend per customer: successful card, UPI and P2P payments, in INR, top 20.
-- Run: bin/lakehouse sql -f docs/queries/total_spend_per_customer.sql
SELECT f.customer_id,
       c.full_name_masked,
       c.city,
       count(*)             AS payments,
       sum(f.amount_inr)    AS spend_inr
FROM gold.fct_transactions f
JOIN gold.dim_customer c ON c.customer_key = f.customer_key
WHERE f.status = 'SUCCESS'
  AND f.txn_type IN ('CARD_PAYMENT', 'UPI_PAYMENT', 'P2P_TRANSFER_OUT')
GROUP BY f.customer_id, c.full_name_masked, c.city
ORDER BY spend_inr DESC
LIMIT 20;
