-- Type 1: an account whose attributes changed is updated in place (an inferred member completed
-- by silver's row included); a new one is inserted. An inferred member never overwrites a known
-- account.
MERGE INTO ${target} account
USING ${source} latest
ON account.account_key = latest.account_key
WHEN MATCHED AND NOT latest.is_inferred AND xxhash64(account.customer_id, account.account_type,
    account.opened_at, account.opening_balance, account.overdraft_limit, account.is_inferred)
  <> xxhash64(latest.customer_id, latest.account_type, latest.opened_at, latest.opening_balance,
    latest.overdraft_limit, latest.is_inferred)
  THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
