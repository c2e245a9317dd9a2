-- fct_daily_account_balance: one row per account and day from window_start to range_end (the last
-- day gold has balances for), from the earlier of the day the account opened and its first
-- transaction, but never before the first day gold has facts for: the day's credits and debits and
-- the balance at the end of the day.
-- closing balance = opening balance + every SUCCESS effect up to that day (a REVERSED
-- transaction has none). The UNKNOWN account gets no balance.
WITH calendar AS (
  SELECT explode(sequence(${window_start}, ${range_end})) AS balance_date
),

first_fact_day AS (
  SELECT coalesce(min(event_date), ${window_start}) AS first_day
  FROM ${fct_transactions}
),

known_accounts AS (
  SELECT account_key, customer_id, opening_balance, to_date(opened_at) AS opened_date
  FROM ${dim_account}
  WHERE account_key <> 'UNKNOWN'
),

first_transaction AS (
  SELECT account_key, min(event_date) AS first_date
  FROM ${fct_transactions}
  GROUP BY account_key
),

net_before_window AS (
  SELECT account_key, sum(balance_effect_inr) AS net_inr
  FROM ${fct_transactions}
  WHERE event_date < ${window_start}
  GROUP BY account_key
),

daily_movements AS (
  SELECT
    account_key,
    event_date,
    sum(CASE WHEN balance_effect_inr > 0 THEN balance_effect_inr ELSE 0 END) AS credits,
    sum(CASE WHEN balance_effect_inr < 0 THEN -balance_effect_inr ELSE 0 END) AS debits,
    sum(balance_effect_inr) AS net_inr
  FROM ${fct_transactions}
  WHERE event_date BETWEEN ${window_start} AND ${range_end}
  GROUP BY account_key, event_date
),

account_days AS (
  SELECT
    account.account_key,
    account.customer_id,
    least(account.opened_date, first_transaction.first_date) AS series_start,
    first_fact_day.first_day,
    calendar.balance_date,
    CAST(date_format(calendar.balance_date, 'yyyyMMdd') AS INT) AS date_key,
    coalesce(movement.credits, 0) AS credits_inr,
    coalesce(movement.debits, 0) AS debits_inr,
    account.opening_balance + coalesce(before_window.net_inr, 0)
      + sum(coalesce(movement.net_inr, 0))
        OVER (PARTITION BY account.account_key ORDER BY calendar.balance_date)
      AS closing_balance_inr
  FROM known_accounts account
  CROSS JOIN calendar
  CROSS JOIN first_fact_day
  LEFT JOIN first_transaction ON first_transaction.account_key = account.account_key
  LEFT JOIN net_before_window before_window ON before_window.account_key = account.account_key
  LEFT JOIN daily_movements movement
    ON movement.account_key = account.account_key
    AND movement.event_date = calendar.balance_date
)

SELECT
  account_key,
  customer_id,
  balance_date,
  date_key,
  credits_inr,
  debits_inr,
  closing_balance_inr
FROM account_days
WHERE balance_date >= greatest(series_start, first_day)
