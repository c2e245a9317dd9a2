-- Dates never change: only the missing ones are inserted.
MERGE INTO ${target} calendar
USING ${source} dates
ON calendar.date_key = dates.date_key
WHEN NOT MATCHED THEN INSERT *
