-- dim_merchant: one row per merchant, plus the UNKNOWN and NONE members.
-- Type 1: every merchant in silver as it is now. UNKNOWN stands for a merchant silver does not know
-- yet, NONE for a transaction without a merchant (a deposit, a transfer).
WITH silver_merchant_rows AS (
  SELECT
    merchant_id AS merchant_key,
    merchant_id,
    name,
    category,
    city
  FROM ${silver_merchants}
),

special_members AS (
  SELECT 'UNKNOWN' AS merchant_key, NULL AS merchant_id, 'Unknown merchant' AS name,
    'UNKNOWN' AS category, NULL AS city
  UNION ALL
  SELECT 'NONE', NULL, 'No merchant', 'NONE', NULL
)

SELECT * FROM silver_merchant_rows
UNION ALL
SELECT * FROM special_members
