-- Type 1: a merchant whose attributes changed is updated in place (an inferred member completed by
-- silver's row included); a new one is inserted. An inferred member never overwrites a known one.
MERGE INTO ${target} merchant
USING ${source} latest
ON merchant.merchant_key = latest.merchant_key
WHEN MATCHED AND NOT latest.is_inferred
  AND xxhash64(merchant.name, merchant.category, merchant.city, merchant.is_inferred)
  <> xxhash64(latest.name, latest.category, latest.city, latest.is_inferred)
  THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
