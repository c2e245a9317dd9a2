-- Type 1: an account whose attributes changed is updated in place; a new one is inserted.
MERGE INTO ${target} account
USING ${source} latest
ON account.account_key = latest.account_key
WHEN MATCHED AND xxhash64(account.customer_id, account.account_type, account.opened_at,
    account.opening_balance, account.overdraft_limit)
  <> xxhash64(latest.customer_id, latest.account_type, latest.opened_at, latest.opening_balance,
    latest.overdraft_limit)
  THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
