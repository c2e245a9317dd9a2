-- dim_customer's UNKNOWN member, in dim_customer's column order: the version facts point at when
-- silver does not know their customer yet. Valid from the epoch, never closed.
WITH unknown_member AS (
  SELECT
    'UNKNOWN' AS customer_key,
    NULL AS customer_id,
    NULL AS full_name_masked,
    NULL AS email_domain,
    NULL AS birth_year,
    'UNKNOWN' AS city,
    NULL AS state,
    NULL AS city_tier,
    NULL AS kyc_status,
    NULL AS signup_ts,
    TIMESTAMP '1970-01-01 00:00:00' AS valid_from,
    NULL AS valid_to,
    true AS is_current,
    false AS is_inferred
)

SELECT * FROM unknown_member
