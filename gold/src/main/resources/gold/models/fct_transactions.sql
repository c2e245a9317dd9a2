-- fct_transactions: one row per transaction in its current state, for the transactions whose
-- event_ts falls in the window [window_start_ts, window_end_exclusive_ts).
-- Each transaction gets the keys of the dimension rows valid when it happened (the customer version
-- by event_ts), the UNKNOWN member where silver does not know the account, customer or merchant yet
-- (NONE without a merchant), its platform fee (fee_inr, from the fee schedule) and its effect on
-- the account balance: + for a credit, - for a debit, 0 unless it is SUCCESS.
-- row_hash covers every other column, so the MERGE rewrites only the rows whose content changed.
WITH window_transactions AS (
  SELECT
    txn.transaction_id,
    CAST(date_format(txn.event_ts, 'yyyyMMdd') AS INT) AS date_key,
    to_date(txn.event_ts) AS event_date,
    txn.event_ts,
    coalesce(customer.customer_key, 'UNKNOWN') AS customer_key,
    txn.customer_id,
    coalesce(account.account_key, 'UNKNOWN') AS account_key,
    CASE
      WHEN txn.merchant_id IS NULL THEN 'NONE'
      ELSE coalesce(merchant.merchant_key, 'UNKNOWN')
    END AS merchant_key,
    CASE
      WHEN txn.merchant_id IS NULL THEN 'NONE'
      ELSE coalesce(merchant.category, 'UNKNOWN')
    END AS merchant_category,
    customer.city_tier,
    txn.txn_type,
    txn.channel,
    txn.status,
    txn.currency,
    txn.amount,
    txn.amount_inr
  FROM ${silver_transactions} txn
  LEFT JOIN ${dim_customer} customer
    ON customer.customer_id = txn.customer_id
    AND txn.event_ts >= customer.valid_from
    AND (customer.valid_to IS NULL OR txn.event_ts < customer.valid_to)
  LEFT JOIN ${dim_account} account ON account.account_key = txn.account_id
  LEFT JOIN ${dim_merchant} merchant ON merchant.merchant_key = txn.merchant_id
  WHERE txn.event_ts >= ${window_start_ts} AND txn.event_ts < ${window_end_exclusive_ts}
),

with_measures AS (
  SELECT
    *,
    ${fee_inr} AS fee_inr,
    CAST(CASE
      WHEN status <> 'SUCCESS' THEN 0
      WHEN txn_type IN (${credit_types}) THEN amount_inr
      ELSE -amount_inr
    END AS DECIMAL(18,2)) AS balance_effect_inr
  FROM window_transactions
)

SELECT *, xxhash64(*) AS row_hash
FROM with_measures
