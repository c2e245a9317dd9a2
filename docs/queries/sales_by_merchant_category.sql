-- Sales by merchant category and month: volume, revenue, average ticket, failure rate.
SELECT trunc(summary_date, 'MM')                     AS month_start,
       merchant_category,
       sum(txn_count)                                AS sales,
       sum(volume_inr)                               AS volume_inr,
       sum(revenue_inr)                              AS revenue_inr,
       round(sum(volume_inr) / nullif(sum(txn_count), 0), 2) AS avg_ticket_inr,
       round(1 - sum(txn_count) / sum(all_status_count), 4)  AS not_successful_rate
FROM gold.daily_revenue_summary
WHERE merchant_category NOT IN ('NONE')
GROUP BY 1, 2
ORDER BY 1, volume_inr DESC;
