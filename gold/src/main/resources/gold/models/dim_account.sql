-- dim_account: one row per account, plus the UNKNOWN member.
-- Type 1: every account in silver as it is now. An account the window's transactions use before
-- silver knows it gets an inferred member (Kimball): keyed by its account id like any account,
-- with the customer its transactions name, no opening date, a zero opening balance and
-- is_inferred. When silver learns the account, its row completes that member in place, so facts
-- keep their key and count in the account's balances from the first transaction on.
WITH silver_account_rows AS (
  SELECT
    account_id AS account_key,
    account_id,
    customer_id,
    account_type,
    opened_at,
    opening_balance,
    overdraft_limit,
    false AS is_inferred
  FROM ${silver_accounts}
),

inferred_members AS (
  SELECT
    txn.account_id AS account_key,
    txn.account_id,
    max(txn.customer_id) AS customer_id,
    'UNKNOWN' AS account_type,
    CAST(NULL AS TIMESTAMP) AS opened_at,
    CAST(0 AS DECIMAL(18,2)) AS opening_balance,
    CAST(0 AS DECIMAL(18,2)) AS overdraft_limit,
    true AS is_inferred
  FROM ${silver_transactions} txn
  LEFT ANTI JOIN ${silver_accounts} known ON known.account_id = txn.account_id
  WHERE txn.event_ts >= ${window_start_ts} AND txn.event_ts < ${window_end_exclusive_ts}
    AND txn.account_id IS NOT NULL
  GROUP BY txn.account_id
),

unknown_member AS (
  SELECT
    'UNKNOWN' AS account_key,
    NULL AS account_id,
    NULL AS customer_id,
    'UNKNOWN' AS account_type,
    NULL AS opened_at,
    CAST(0 AS DECIMAL(18,2)) AS opening_balance,
    CAST(0 AS DECIMAL(18,2)) AS overdraft_limit,
    false AS is_inferred
)

SELECT * FROM silver_account_rows
UNION ALL
SELECT * FROM inferred_members
UNION ALL
SELECT * FROM unknown_member
