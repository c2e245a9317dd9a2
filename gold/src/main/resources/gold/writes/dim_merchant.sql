-- Type 1: a merchant whose attributes changed is updated in place; a new one is inserted.
MERGE INTO ${target} merchant
USING ${source} latest
ON merchant.merchant_key = latest.merchant_key
WHEN MATCHED AND xxhash64(merchant.name, merchant.category, merchant.city)
  <> xxhash64(latest.name, latest.category, latest.city)
  THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
