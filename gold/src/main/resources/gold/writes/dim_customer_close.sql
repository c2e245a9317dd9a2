-- dim_customer (SCD type 2), step 2: a moved customer's current version closes when silver recorded
-- the move; a type1 change updates the current version in place; a correction (same updated_at)
-- rewrites the current version's attributes, city included, in place; so does silver's first row
-- for an inferred member, which then stops being inferred.
MERGE INTO ${target} customer_version
USING (SELECT * FROM ${customer_changes}
  WHERE change IN ('moved', 'type1', 'corrected', 'completed')) changed
ON customer_version.customer_key = changed.current_key
WHEN MATCHED AND changed.change = 'moved' THEN
  UPDATE SET valid_to = changed.updated_at, is_current = false
WHEN MATCHED AND changed.change = 'type1' THEN
  UPDATE SET full_name_masked = changed.full_name_masked, email_domain = changed.email_domain,
    birth_year = changed.birth_year, kyc_status = changed.kyc_status
WHEN MATCHED AND changed.change = 'corrected' THEN
  UPDATE SET city = changed.city, state = changed.state, city_tier = changed.city_tier,
    full_name_masked = changed.full_name_masked, email_domain = changed.email_domain,
    birth_year = changed.birth_year, kyc_status = changed.kyc_status
WHEN MATCHED AND changed.change = 'completed' THEN
  UPDATE SET city = changed.city, state = changed.state, city_tier = changed.city_tier,
    full_name_masked = changed.full_name_masked, email_domain = changed.email_domain,
    birth_year = changed.birth_year, kyc_status = changed.kyc_status,
    signup_ts = changed.signup_ts, is_inferred = false
