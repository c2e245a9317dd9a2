-- dim_customer's inferred members, in dim_customer's column order: one version for every customer
-- the window's transactions name that has no version yet (silver does not know it). Keyed like any
-- version (customer id @ start), valid from the epoch, attributes unknown, is_inferred. When silver
-- learns the customer, step 2 completes this version in place (change 'completed'), so facts keep
-- their key.
SELECT
  concat(txn.customer_id, '@19700101000000') AS customer_key,
  txn.customer_id,
  NULL AS full_name_masked,
  NULL AS email_domain,
  NULL AS birth_year,
  NULL AS city,
  NULL AS state,
  NULL AS city_tier,
  NULL AS kyc_status,
  NULL AS signup_ts,
  TIMESTAMP '1970-01-01 00:00:00' AS valid_from,
  NULL AS valid_to,
  true AS is_current,
  true AS is_inferred
FROM ${silver_transactions} txn
LEFT ANTI JOIN ${dim_customer} version ON version.customer_id = txn.customer_id
WHERE txn.event_ts >= ${window_start_ts} AND txn.event_ts < ${window_end_exclusive_ts}
  AND txn.customer_id IS NOT NULL
GROUP BY txn.customer_id
