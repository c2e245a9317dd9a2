-- dim_account: one row per account, plus the UNKNOWN member.
-- Type 1: every account in silver as it is now. Facts whose account silver does not know yet point
-- at the UNKNOWN member, so late reference data never drops a fact.
WITH silver_account_rows AS (
  SELECT
    account_id AS account_key,
    account_id,
    customer_id,
    account_type,
    opened_at,
    opening_balance,
    overdraft_limit
  FROM ${silver_accounts}
),

unknown_member AS (
  SELECT
    'UNKNOWN' AS account_key,
    NULL AS account_id,
    NULL AS customer_id,
    'UNKNOWN' AS account_type,
    NULL AS opened_at,
    CAST(0 AS DECIMAL(18,2)) AS opening_balance,
    CAST(0 AS DECIMAL(18,2)) AS overdraft_limit
)

SELECT * FROM silver_account_rows
UNION ALL
SELECT * FROM unknown_member
