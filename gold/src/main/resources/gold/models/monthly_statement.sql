-- monthly_statement: one row per account and month, for the months first_month..last_month.
-- Opening = the month's first day's closing balance less that day's movements, so
-- closing = opening + credits - debits exactly. fees_inr is the SUCCESS FEE transactions;
-- txn_count counts the account's SUCCESS transactions of the month, all_status_count every one
-- (what the statement lists).
WITH daily_balances AS (
  SELECT
    account_key,
    customer_id,
    trunc(balance_date, 'MM') AS month_start,
    balance_date,
    credits_inr,
    debits_inr,
    closing_balance_inr
  FROM ${fct_daily_account_balance}
  WHERE balance_date >= ${first_month} AND balance_date < add_months(${last_month}, 1)
),

monthly_transactions AS (
  SELECT
    account_key,
    trunc(event_date, 'MM') AS month_start,
    count_if(status = 'SUCCESS') AS txn_count,
    count(*) AS all_status_count,
    coalesce(sum(CASE WHEN txn_type = 'FEE' AND status = 'SUCCESS' THEN amount_inr END), 0)
      AS fees_inr
  FROM ${fct_transactions}
  WHERE event_date >= ${first_month} AND event_date < add_months(${last_month}, 1)
  GROUP BY 1, 2
)

SELECT
  balance.account_key AS account_id,
  balance.customer_id,
  balance.month_start,
  min_by(
    balance.closing_balance_inr - balance.credits_inr + balance.debits_inr,
    balance.balance_date
  ) AS opening_balance_inr,
  sum(balance.credits_inr) AS credits_inr,
  sum(balance.debits_inr) AS debits_inr,
  coalesce(max(txns.fees_inr), 0) AS fees_inr,
  max_by(balance.closing_balance_inr, balance.balance_date) AS closing_balance_inr,
  coalesce(max(txns.txn_count), 0) AS txn_count,
  coalesce(max(txns.all_status_count), 0) AS all_status_count
FROM daily_balances balance
LEFT JOIN monthly_transactions txns
  ON txns.account_key = balance.account_key
  AND txns.month_start = balance.month_start
GROUP BY 1, 2, 3
