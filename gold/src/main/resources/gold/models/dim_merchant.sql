-- dim_merchant: one row per merchant, plus the UNKNOWN and NONE members.
-- Type 1: every merchant in silver as it is now. A merchant the window's transactions use before
-- silver knows it gets an inferred member keyed by its merchant id, category UNKNOWN and
-- is_inferred, completed in place when silver learns it. UNKNOWN stands for a merchant that cannot
-- be named, NONE for a transaction without a merchant (a deposit, a transfer).
WITH silver_merchant_rows AS (
  SELECT
    merchant_id AS merchant_key,
    merchant_id,
    name,
    category,
    city,
    false AS is_inferred
  FROM ${silver_merchants}
),

inferred_members AS (
  SELECT DISTINCT
    txn.merchant_id AS merchant_key,
    txn.merchant_id,
    CAST(NULL AS STRING) AS name,
    'UNKNOWN' AS category,
    CAST(NULL AS STRING) AS city,
    true AS is_inferred
  FROM ${silver_transactions} txn
  LEFT ANTI JOIN ${silver_merchants} known ON known.merchant_id = txn.merchant_id
  WHERE txn.event_ts >= ${window_start_ts} AND txn.event_ts < ${window_end_exclusive_ts}
    AND txn.merchant_id IS NOT NULL
),

special_members AS (
  SELECT 'UNKNOWN' AS merchant_key, NULL AS merchant_id, 'Unknown merchant' AS name,
    'UNKNOWN' AS category, NULL AS city, false AS is_inferred
  UNION ALL
  SELECT 'NONE', NULL, 'No merchant', 'NONE', NULL, false
)

SELECT * FROM silver_merchant_rows
UNION ALL
SELECT * FROM inferred_members
UNION ALL
SELECT * FROM special_members
