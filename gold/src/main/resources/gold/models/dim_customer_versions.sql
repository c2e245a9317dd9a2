-- dim_customer (SCD type 2), step 3: the versions to insert, one row per new or moved customer,
-- in dim_customer's column order. A moved customer's version starts when silver recorded the
-- move; a new one starts where its last closed version ended, or else at the earlier of signup and
-- update.
-- The key is the customer id and the version's start, so a rerun rebuilds the same keys.
WITH opening_versions AS (
  SELECT
    *,
    CASE
      WHEN change = 'moved' THEN updated_at
      ELSE coalesce(last_valid_to, least(signup_ts, updated_at))
    END AS valid_from
  FROM ${customer_changes}
  WHERE change IN ('new', 'moved')
)

SELECT
  concat(customer_id, '@', date_format(valid_from, 'yyyyMMddHHmmss')) AS customer_key,
  customer_id,
  full_name_masked,
  email_domain,
  birth_year,
  city,
  state,
  city_tier,
  kyc_status,
  signup_ts,
  valid_from,
  NULL AS valid_to,
  true AS is_current,
  false AS is_inferred
FROM opening_versions
