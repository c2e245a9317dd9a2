-- dim_customer (SCD type 2), step 1: one row per silver customer, its silver columns plus how it
-- differs from its current dim_customer version:
--   new    no current version yet
--   completed  the current version is an inferred member (facts named the customer before silver
--          knew it): silver's row completes it in place
--   corrected  city, state or city tier changed, recorded no later than the current version
--          started (a correction with the same updated_at): the current version is corrected in
--          place, so versions never overlap
--   moved  city, state or city tier changed later: the current version closes and a new one opens
--   type1  only another attribute changed: the current version is updated in place
--   same   nothing to do
-- current_key is the current version's key; last_valid_to the end of the customer's latest closed
-- version, where a returning customer's next version starts.
WITH current_versions AS (
  SELECT * FROM ${dim_customer} WHERE is_current
),

version_history AS (
  SELECT customer_id, max(valid_to) AS last_valid_to
  FROM ${dim_customer}
  GROUP BY customer_id
)

SELECT
  silver.*,
  current_version.customer_key AS current_key,
  history.last_valid_to,
  CASE
    WHEN current_version.customer_key IS NULL THEN 'new'
    WHEN current_version.is_inferred THEN 'completed'
    WHEN NOT (current_version.city <=> silver.city
      AND current_version.state <=> silver.state
      AND current_version.city_tier <=> silver.city_tier)
      AND silver.updated_at <= current_version.valid_from THEN 'corrected'
    WHEN NOT (current_version.city <=> silver.city
      AND current_version.state <=> silver.state
      AND current_version.city_tier <=> silver.city_tier) THEN 'moved'
    WHEN NOT (current_version.full_name_masked <=> silver.full_name_masked
      AND current_version.email_domain <=> silver.email_domain
      AND current_version.birth_year <=> silver.birth_year
      AND current_version.kyc_status <=> silver.kyc_status) THEN 'type1'
    ELSE 'same'
  END AS change
FROM ${silver_customers} silver
LEFT JOIN current_versions current_version ON current_version.customer_id = silver.customer_id
LEFT JOIN version_history history ON history.customer_id = silver.customer_id
