package dev.lakehouse.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every configuration key the lakehouse knows, with its default next to it. */
public final class Settings {
  public static final String DATA_DIR = "data-dir";
  public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap-servers";
  public static final String KAFKA_EMBEDDED = "kafka.embedded";
  public static final String KAFKA_PARTITIONS = "kafka.partitions";
  public static final String CATALOG_TYPE = "catalog.type";
  public static final String CATALOG_WAREHOUSE = "catalog.warehouse";
  public static final String CATALOG_URI = "catalog.uri";
  public static final String CATALOG_S3_ENDPOINT = "catalog.s3-endpoint";
  public static final String ENGINE_MASTER = "engine.master";
  public static final String ENGINE_SHUFFLE_PARTITIONS = "engine.shuffle-partitions";
  public static final String BRONZE_TRIGGER_SECONDS = "bronze.trigger-seconds";
  public static final String BRONZE_MAX_EVENTS_PER_BATCH = "bronze.max-events-per-batch";
  public static final String BRONZE_MAX_MESSAGE_KB = "bronze.max-message-kb";
  public static final String BRONZE_FAIL_ON_DATA_LOSS = "bronze.fail-on-data-loss";
  public static final String CONTRACT_EARLIEST_TIMESTAMP = "contract.earliest-timestamp";
  public static final String CONTRACT_LATEST_TIMESTAMP = "contract.latest-timestamp";
  public static final String CONTRACT_MAX_AMOUNT = "contract.max-amount";
  public static final String BRONZE_CHECKPOINT_DIR = "bronze.checkpoint-dir";
  public static final String BRONZE_TABLES_AT_ONCE = "bronze.tables-at-once";
  public static final String GEN_LATE_RATE = "generate.late-settlement-rate";
  public static final String GEN_VERY_LATE_RATE = "generate.very-late-settlement-rate";
  public static final String GEN_OUT_OF_ORDER_RATE = "generate.out-of-order-rate";
  public static final String GEN_DUPLICATE_RATE = "generate.duplicate-rate";
  public static final String GEN_MALFORMED_RATE = "generate.malformed-rate";
  public static final String GEN_FAILURE_RATE = "generate.failure-rate";
  public static final String GEN_REVERSAL_RATE = "generate.reversal-rate";
  public static final String GEN_ILLEGAL_UPDATE_RATE = "generate.illegal-update-rate";
  public static final String GEN_FRAUD_RATE = "generate.fraud-rate";
  public static final String FRAUD_CHECKPOINT_DIR = "fraud.checkpoint-dir";
  public static final String FRAUD_TRIGGER_SECONDS = "fraud.trigger-seconds";
  public static final String FRAUD_MAX_EVENTS_PER_BATCH = "fraud.max-events-per-batch";
  public static final String FRAUD_STARTING_OFFSETS = "fraud.starting-offsets";
  public static final String FRAUD_RULES = "fraud.rules";
  public static final String FRAUD_AMOUNT_THRESHOLD_INR = "fraud.amount.threshold-inr";
  public static final String FRAUD_VELOCITY_COUNT = "fraud.velocity.count";
  public static final String FRAUD_VELOCITY_MINUTES = "fraud.velocity.minutes";
  public static final String FRAUD_SPIKE_MIN_HISTORY = "fraud.spike.min-history";
  public static final String FRAUD_SPIKE_Z = "fraud.spike.z";
  public static final String FRAUD_SPIKE_FLOOR_INR = "fraud.spike.floor-inr";
  public static final String FRAUD_TRAVEL_MAX_KMH = "fraud.travel.max-kmh";
  public static final String FRAUD_TRAVEL_MIN_KM = "fraud.travel.min-km";
  public static final String FRAUD_DEVICE_TTL_DAYS = "fraud.device.ttl-days";
  public static final String FRAUD_STATE_TTL_HOURS = "fraud.state-ttl-hours";
  public static final String FRAUD_MODEL_PATH = "fraud.model-path";
  public static final String FRAUD_MODEL_THRESHOLD = "fraud.model.threshold";

  public static final String PII_HMAC_KEY = "pii.hmac-key";
  public static final String TRADING_HOLIDAYS = "trading.holidays";
  public static final String MARKET_BASE_URL = "market.base-url";
  public static final String MARKET_API_KEY = "market.api-key";
  public static final String MARKET_SYMBOLS = "market.symbols";
  public static final String MARKET_DAILY_BUDGET = "market.daily-request-budget";
  public static final String MARKET_MAX_ATTEMPTS = "market.max-attempts";
  public static final String MARKET_INITIAL_BACKOFF_MS = "market.initial-backoff-ms";
  public static final String MARKET_MAX_BACKOFF_MS = "market.max-backoff-ms";
  public static final String MARKET_TIMEOUT_MS = "market.timeout-ms";
  public static final String MARKET_SIMULATED_SEED = "market.simulated-seed";

  /** The 15 stocks of the trading warehouse. */
  public static final String DEFAULT_SYMBOLS =
      "AAPL,MSFT,GOOGL,AMZN,META,TSLA,NVDA,JPM,BAC,JNJ,PFE,XOM,CVX,WMT,KO";

  /** NYSE and Nasdaq full-day closures of 2025 and 2026. */
  public static final String DEFAULT_HOLIDAYS =
      "2025-01-01,2025-01-09,2025-01-20,2025-02-17,2025-04-18,2025-05-26,2025-06-19,2025-07-04,"
          + "2025-09-01,2025-11-27,2025-12-25,2026-01-01,2026-01-19,2026-02-16,2026-04-03,"
          + "2026-05-25,2026-06-19,2026-07-03,2026-09-07,2026-11-26,2026-12-25";

  public static final String SILVER_LOOKBACK_DAYS = "silver.lookback-days";
  public static final String SILVER_FUTURE_TOLERANCE_MINUTES = "silver.future-tolerance-minutes";
  public static final String SILVER_ON_GAP = "silver.on-gap";
  public static final String SILVER_SEVERITY_OVERRIDES = "silver.severity-overrides";
  public static final String DQ_MAX_QUARANTINE_RATIO = "dq.max-quarantine-ratio";
  public static final String FX_INR_RATES = "fx.inr-rates";
  public static final String POSTGRES_URL = "postgres.url";
  public static final String POSTGRES_USER = "postgres.user";
  public static final String POSTGRES_PASSWORD = "postgres.password";
  public static final String POSTGRES_EMBEDDED = "postgres.embedded";
  public static final String EXPORT_PARALLELISM = "export.parallelism";
  public static final String EXPORT_DRIVER_COPY_ROWS = "export.driver-copy-rows";
  public static final String EXPORT_TABLES_AT_ONCE = "export.tables-at-once";
  public static final String ANOMALY_CHECKS = "anomaly.checks";
  public static final String ANOMALY_TRAINING_DAYS = "anomaly.training-days";
  public static final String ANOMALY_MIN_POINTS = "anomaly.min-points";
  public static final String ANOMALY_OPEN_DAYS = "anomaly.open-days";
  public static final String ANOMALY_MIN_ROWS = "anomaly.min-rows";
  public static final String DQ_GATE_FAIL_ON_ANOMALIES = "dq-gate.fail-on-anomalies";
  public static final String WEB_BIND_ADDRESS = "web.bind-address";
  public static final String WEB_PORT = "web.port";
  public static final String WEB_POSTGRES_USER = "web.postgres-user";
  public static final String BI_PASSWORD = "bi.password";
  public static final String EXPORT_LOCK_TIMEOUT_SECONDS = "export.lock-timeout-seconds";
  public static final String EXPORT_PUBLISH_ATTEMPTS = "export.publish-attempts";
  public static final String STATUS_MAX_RUN_AGE_HOURS = "status.max-run-age-hours";
  public static final String STATUS_MAX_STREAM_LAG = "status.max-stream-lag";
  public static final String MAINTAIN_SNAPSHOT_RETENTION_DAYS = "maintain.snapshot-retention-days";
  public static final String MAINTAIN_ORPHAN_AGE_DAYS = "maintain.orphan-age-days";
  public static final String GOLD_FEE_SCHEDULE = "gold.fee-schedule";
  public static final String GOLD_TIER_THRESHOLDS = "gold.tier-thresholds";
  public static final String GOLD_ACTIVITY_THRESHOLDS = "gold.activity-thresholds";
  public static final String GOLD_MODELS_AT_ONCE = "gold.models-at-once";

  private static final List<Setting> ALL =
      List.of(
          Setting.of(
              DATA_DIR,
              "data",
              Setting::anyText,
              "Directory holding all local state: Kafka logs, warehouse, checkpoints."),
          Setting.of(
              KAFKA_BOOTSTRAP, "localhost:9092", Setting::hostPorts, "Kafka bootstrap servers."),
          Setting.of(
              KAFKA_EMBEDDED,
              "true",
              Setting::bool,
              "Start an in-JVM broker under the data directory when the bootstrap address is not"
                  + " reachable."),
          Setting.of(
              KAFKA_PARTITIONS,
              "3",
              Setting.integer(1, 1000),
              "Partitions per topic when the lakehouse creates its topics."),
          Setting.of(
              CATALOG_TYPE,
              "hadoop",
              Setting.oneOf("hadoop", "rest", "hive", "glue"),
              "Iceberg catalog type: hadoop (a directory), rest, hive (a metastore) or glue (AWS"
                  + " Glue)."),
          Setting.of(
              CATALOG_WAREHOUSE,
              "${data-dir}/warehouse",
              Setting::anyText,
              "Iceberg warehouse location (a directory for hadoop, a URI such as s3://bucket/path"
                  + " otherwise)."),
          Setting.of(
              CATALOG_URI,
              "http://localhost:8181",
              Setting::uriWithoutCredentials,
              "The catalog's address: http(s)://... for rest, thrift://host:9083 for hive; unused"
                  + " for hadoop and glue."),
          Setting.of(
              CATALOG_S3_ENDPOINT,
              "",
              value -> null,
              "S3-compatible endpoint for the warehouse (empty: AWS default)."),
          Setting.of(
              ENGINE_MASTER,
              "local[*]",
              Setting::anyText,
              "Spark master when not launched by spark-submit (which names its own)."),
          Setting.of(
              ENGINE_SHUFFLE_PARTITIONS,
              "4",
              Setting.integer(1, 100_000),
              "spark.sql.shuffle.partitions unless Spark's own configuration (spark-submit --conf,"
                  + " spark-defaults.conf) sets it."),
          Setting.of(
              BRONZE_TRIGGER_SECONDS,
              "60",
              Setting.integer(1, 86_400),
              "Processing-time trigger of the continuous bronze stream, in seconds."),
          Setting.of(
              BRONZE_MAX_EVENTS_PER_BATCH,
              "500000",
              Setting.integer(1, Integer.MAX_VALUE),
              "Upper bound of Kafka messages per bronze micro-batch."),
          Setting.of(
              BRONZE_MAX_MESSAGE_KB,
              "64",
              Setting.integer(1, 100_000),
              "Messages larger than this many KiB are dead letters (reason OVERSIZED)."),
          Setting.of(
              CONTRACT_EARLIEST_TIMESTAMP,
              "1970-01-01T00:00:00Z",
              Setting::instant,
              "Timestamps in messages before this instant are dead letters (OUT_OF_RANGE)."),
          Setting.of(
              CONTRACT_LATEST_TIMESTAMP,
              "2100-01-01T00:00:00Z",
              Setting::instant,
              "Timestamps and dates in messages from this instant on are dead letters"
                  + " (OUT_OF_RANGE)."),
          Setting.of(
              CONTRACT_MAX_AMOUNT,
              "1000000000",
              Setting::businessMaximum,
              "Money values in messages beyond this absolute value (INR or the message's"
                  + " currency) are dead letters (OUT_OF_RANGE); at most 10^11, so that with FX"
                  + " rates below 10,000 every INR amount fits DECIMAL(18,2)."),
          Setting.of(
              BRONZE_FAIL_ON_DATA_LOSS,
              "true",
              Setting::bool,
              "Stop the stream when offsets it needs were deleted from Kafka."),
          Setting.of(
              BRONZE_CHECKPOINT_DIR,
              "${data-dir}/checkpoints/bronze",
              Setting::anyText,
              "Checkpoint location of the bronze stream."),
          Setting.of(
              BRONZE_TABLES_AT_ONCE,
              "3",
              Setting.integer(1, 16),
              "Bronze tables a micro-batch appends to at the same time (the topics' tables and the"
                  + " dead letters; the batch ledger always last; 1: one after another)."),
          Setting.of(
              GEN_LATE_RATE,
              "0.25",
              Setting.fraction(),
              "Share of settlements that arrive one to three days after the transaction."),
          Setting.of(
              GEN_VERY_LATE_RATE,
              "0.02",
              Setting.fraction(),
              "Share of settlements that arrive more than three days after the transaction."),
          Setting.of(
              GEN_OUT_OF_ORDER_RATE,
              "0.03",
              Setting.fraction(),
              "Share of lifecycles whose later status is delivered before the earlier one."),
          Setting.of(
              GEN_DUPLICATE_RATE,
              "0.02",
              Setting.fraction(),
              "Share of messages delivered twice (same event_id)."),
          Setting.of(
              GEN_MALFORMED_RATE,
              "0.01",
              Setting.fraction(),
              "Share of messages replaced by a malformed one."),
          Setting.of(
              GEN_FAILURE_RATE,
              "0.06",
              Setting.fraction(),
              "Share of transactions that end FAILED."),
          Setting.of(
              GEN_REVERSAL_RATE,
              "0.02",
              Setting.fraction(),
              "Share of successful transactions later REVERSED."),
          Setting.of(
              GEN_ILLEGAL_UPDATE_RATE,
              "0.002",
              Setting.fraction(),
              "Share of lifecycles followed by an illegal update (SUCCESS after FAILED, PENDING"
                  + " after SUCCESS)."),
          Setting.of(
              GEN_FRAUD_RATE,
              "0.003",
              Setting.fraction(),
              "Share of generated transactions that belong to a labelled fraud pattern"
                  + " (card-testing bursts, spikes, impossible travel, new devices)."),
          Setting.of(
              FRAUD_CHECKPOINT_DIR,
              "${data-dir}/checkpoints/fraud",
              Setting::anyText,
              "Checkpoint location of the fraud-alert stream (its offsets and rule state)."),
          Setting.of(
              FRAUD_TRIGGER_SECONDS,
              "1",
              Setting.integer(0, 3_600),
              "Processing-time trigger of the continuous fraud stream, in seconds (0: as soon as"
                  + " the previous batch ends)."),
          Setting.of(
              FRAUD_MAX_EVENTS_PER_BATCH,
              "100000",
              Setting.integer(1, Integer.MAX_VALUE),
              "Upper bound of Kafka messages per fraud micro-batch."),
          Setting.of(
              FRAUD_STARTING_OFFSETS,
              "earliest",
              Setting.oneOf("earliest", "latest"),
              "Where a fraud stream without a checkpoint starts reading the transactions topic."),
          Setting.of(
              FRAUD_RULES,
              "amount,velocity,spike,travel,new-device,model",
              Setting.listOf("amount", "velocity", "spike", "travel", "new-device", "model"),
              "The fraud rules that raise alerts, comma-separated; the others are still computed"
                  + " as features (and a saved model still fills model_score). The model rule"
                  + " alerts only once fraud-train has saved a model at fraud.model-path."),
          Setting.of(
              FRAUD_AMOUNT_THRESHOLD_INR,
              "200000",
              Setting.positiveNumber(1e12),
              "Rule amount: a transaction above this many INR."),
          Setting.of(
              FRAUD_VELOCITY_COUNT,
              "5",
              Setting.integer(2, 10_000),
              "Rule velocity: at least this many transactions of a customer ..."),
          Setting.of(
              FRAUD_VELOCITY_MINUTES,
              "10",
              Setting.integer(1, 10_080),
              "... within this many minutes of event time."),
          Setting.of(
              FRAUD_SPIKE_MIN_HISTORY,
              "10",
              Setting.integer(2, 1_000_000),
              "Rule spike: the customer needs this many earlier transactions first."),
          Setting.of(
              FRAUD_SPIKE_Z,
              "4",
              Setting.positiveNumber(1_000),
              "Rule spike: standard deviations above the customer's running mean (the deviation"
                  + " is taken as at least a tenth of the mean)."),
          Setting.of(
              FRAUD_SPIKE_FLOOR_INR,
              "10000",
              Setting.positiveNumber(1e12),
              "Rule spike: amounts below this many INR never count as a spike."),
          Setting.of(
              FRAUD_TRAVEL_MAX_KMH,
              "900",
              Setting.positiveNumber(1e6),
              "Rule travel: a speed between consecutive transactions above this (km/h)."),
          Setting.of(
              FRAUD_TRAVEL_MIN_KM,
              "100",
              Setting.positiveNumber(40_000),
              "Rule travel: distances below this (km) never count, whatever the time."),
          Setting.of(
              FRAUD_DEVICE_TTL_DAYS,
              "90",
              Setting.integer(1, 3_650),
              "Rule new-device: a device unused for this many days (event time) is new again."),
          Setting.of(
              FRAUD_STATE_TTL_HOURS,
              "2160",
              Setting.integer(1, 87_600),
              "A customer's rule state unused for this many hours (processing time) is dropped"
                  + " from the state store."),
          Setting.of(
              FRAUD_MODEL_PATH,
              "${data-dir}/models/fraud",
              Setting::anyText,
              "Where fraud-train saves the learned fraud model and the fraud stream loads it at"
                  + " start (a Spark ML pipeline directory; any Hadoop file system)."),
          Setting.of(
              FRAUD_MODEL_THRESHOLD,
              "0.9",
              Setting.fraction(),
              "Rule model: alert when the model's fraud probability is at least this."),
          Setting.of(
              SILVER_LOOKBACK_DAYS,
              "3",
              Setting.integer(0, 60),
              "Days before the business date that a daily silver run reprocesses (late"
                  + " settlements)."),
          Setting.of(
              SILVER_FUTURE_TOLERANCE_MINUTES,
              "10",
              Setting.integer(0, 10_080),
              "How far event_ts may lie after the message's arrival before the event is"
                  + " quarantined."),
          Setting.of(
              SILVER_ON_GAP,
              "stop",
              Setting.oneOf("stop", "process"),
              "When the previous date was never processed: stop, or process the missed dates"
                  + " first."),
          Setting.of(
              SILVER_SEVERITY_OVERRIDES,
              "",
              Setting::severityOverrides,
              "Change rule severities, e.g."
                  + " txn_event_ts_not_future=fail,txn_account_known=quarantine."),
          Setting.of(
              DQ_MAX_QUARANTINE_RATIO,
              "0.05",
              Setting.fraction(),
              "A silver run is not published when any date of its window quarantined more than this"
                  + " share of the messages read for it; lakehouse dq-gate fails a date whose"
                  + " silver run quarantined more than this share of all it read."),
          Setting.of(
              FX_INR_RATES,
              "INR=1,USD=83.25,EUR=90.10,GBP=105.60,AED=22.67,SGD=61.90",
              Setting::rates,
              "Fixed INR value of one unit of each accepted currency; other currencies are"
                  + " quarantined."),
          Setting.of(
              POSTGRES_URL,
              "jdbc:postgresql://localhost:5433/postgres",
              Setting::jdbcUrl,
              "PostgreSQL that receives the marts (schema marts). No credentials in the URL: the"
                  + " user is postgres.user, the password LAKEHOUSE_POSTGRES_PASSWORD."),
          Setting.of(POSTGRES_USER, "postgres", Setting::anyText, "PostgreSQL user of the export."),
          Setting.of(
              POSTGRES_EMBEDDED,
              "true",
              Setting::bool,
              "Start an embedded PostgreSQL under the data directory when the URL is not"
                  + " reachable."),
          Setting.of(
              EXPORT_PARALLELISM,
              "4",
              Setting.integer(1, 64),
              "Parallel COPY streams of the PostgreSQL export."),
          Setting.of(
              EXPORT_DRIVER_COPY_ROWS,
              "50000",
              Setting.integer(0, 10_000_000),
              "Tables of at most this many rows are COPYed from the driver over one connection;"
                  + " larger ones from the executors in parallel (export.parallelism)."),
          Setting.of(
              EXPORT_TABLES_AT_ONCE,
              "3",
              Setting.integer(1, 16),
              "Tables the PostgreSQL export stages at the same time, each read by its own Spark"
                  + " job and copied, keyed and indexed over its own connection."),
          Setting.of(
              EXPORT_LOCK_TIMEOUT_SECONDS,
              "5",
              Setting.integer(1, 3600),
              "PostgreSQL lock_timeout of the export's statements: how long it waits behind a"
                  + " reader's lock before the attempt fails (readers queued behind it wait at most"
                  + " as long)."),
          Setting.of(
              EXPORT_PUBLISH_ATTEMPTS,
              "3",
              Setting.integer(1, 20),
              "Attempts of the publishing transaction when a lock wait times out (2 s, then twice"
                  + " as long, between them); then the export fails naming the blocking sessions."),
          Setting.secret(POSTGRES_PASSWORD, "Password of postgres.user. Environment only."),
          Setting.of(
              ANOMALY_CHECKS,
              "row_count:zscore:3,row_count:rate_of_change:0.5,distinct_keys:zscore:3,"
                  + "null_rate:zscore:4,mean:zscore:4,p50:zscore:4,sum:zscore:4,"
                  + "quarantine_ratio:zscore:4,dead_letter_ratio:zscore:4,"
                  + "share.txn_type:psi:0.2,share.channel:psi:0.2,share.currency:psi:0.2",
              Setting::anyText,
              "The anomaly checks of lakehouse observe, metric:strategy:threshold each (zscore,"
                  + " seasonal_zscore: standard deviations from the mean of the training days, of"
                  + " the same weekday for seasonal; rate_of_change: the largest fall from the"
                  + " level of the days before, as a fraction; psi: the index on a column's"
                  + " shares). See docs/anomalies.md."),
          Setting.of(
              ANOMALY_TRAINING_DAYS,
              "28",
              Setting.integer(7, 3660),
              "Days of history before a date that its metrics are judged against."),
          Setting.of(
              ANOMALY_MIN_POINTS,
              "4",
              Setting.integer(2, 100),
              "Same-weekday values a seasonal baseline needs (twice as many of any weekday"
                  + " otherwise); with fewer a metric is not judged."),
          Setting.of(
              ANOMALY_MIN_ROWS,
              "200",
              Setting.integer(0, 1_000_000_000),
              "Below this many rows on a date only its counts are judged: the null rates, shares"
                  + " and amounts of a handful of rows are noise."),
          Setting.of(
              ANOMALY_OPEN_DAYS,
              "3",
              Setting.integer(1, 366),
              "status reports the anomalies of the newest this many observed dates as open."),
          Setting.of(
              DQ_GATE_FAIL_ON_ANOMALIES,
              "none",
              Setting.oneOf("none", "error", "warn"),
              "dq-gate fails when the date has open anomalies of this severity or worse (none:"
                  + " never)."),
          Setting.of(
              WEB_BIND_ADDRESS,
              "127.0.0.1",
              Setting::anyText,
              "Address lakehouse serve listens on; 127.0.0.1 keeps the dashboards on this machine,"
                  + " 0.0.0.0 opens them to the network."),
          Setting.of(
              WEB_PORT,
              "8090",
              Setting.integer(0, 65535),
              "Port of lakehouse serve (0: any free port)."),
          Setting.of(
              WEB_POSTGRES_USER,
              "lakehouse_bi",
              Setting::anyText,
              "The read-only PostgreSQL login the dashboards read the marts with (a member of"
                  + " lakehouse_reader; see docs/postgres-access.md). With the embedded"
                  + " PostgreSQL, lakehouse serve creates it."),
          Setting.secret(
              BI_PASSWORD,
              "Password of web.postgres-user (LAKEHOUSE_BI_PASSWORD). Environment only."),
          Setting.of(
              STATUS_MAX_RUN_AGE_HOURS,
              "26",
              Setting.integer(1, 8760),
              "lakehouse status reports a job stale when its last successful run ended longer ago"
                  + " than this."),
          Setting.of(
              STATUS_MAX_STREAM_LAG,
              "100000",
              Setting.integer(0, Long.MAX_VALUE),
              "lakehouse status reports the stream stale when Kafka holds more unread messages than"
                  + " this."),
          Setting.of(
              MAINTAIN_SNAPSHOT_RETENTION_DAYS,
              "7",
              Setting.integer(0, 3650),
              "lakehouse maintain expires snapshots older than this many days (the last 10 are"
                  + " always kept)."),
          Setting.of(
              MAINTAIN_ORPHAN_AGE_DAYS,
              "3",
              Setting.integer(1, 3650),
              "lakehouse maintain deletes unreferenced files only when they are older than this"
                  + " many days."),
          Setting.of(
              GOLD_FEE_SCHEDULE,
              "CARD_PAYMENT=180+0,CARD_PAYMENT:TRAVEL=220+0,"
                  + "CARD_PAYMENT:FUEL=100+0,CARD_PAYMENT:GROCERY=120+0,"
                  + "UPI_PAYMENT=0+0,P2P_TRANSFER_OUT=0+2.00,WITHDRAWAL=0+20.00,"
                  + "LOAN_DISBURSEMENT=100+0,INVESTMENT=25+0",
              Setting::feeSchedule,
              "Platform fee per txn_type (and merchant category for card payments): basis points +"
                  + " fixed INR."),
          Setting.of(
              GOLD_TIER_THRESHOLDS,
              "gold=100000,diamond=500000",
              Setting::namedAmounts,
              "Customer tier by average month-end balance (INR) over the trailing three months."),
          Setting.of(
              GOLD_ACTIVITY_THRESHOLDS,
              "withdrawals=100000,loans=100000,investments=100000",
              Setting::namedAmounts,
              "Monthly INR totals above which a month counts as high activity."),
          Setting.of(
              GOLD_MODELS_AT_ONCE,
              "3",
              Setting.integer(1, 16),
              "Gold models written at the same time when none reads another's table (1: one after"
                  + " another)."),
          Setting.secret(
              PII_HMAC_KEY, "Key of the HMAC that replaces PII in silver. Environment only."),
          Setting.of(
              TRADING_HOLIDAYS,
              DEFAULT_HOLIDAYS,
              Setting::dateList,
              "Exchange holidays (yyyy-MM-dd, comma-separated); with weekends, the days without"
                  + " prices."),
          Setting.of(
              MARKET_BASE_URL,
              "embedded",
              Setting::anyText,
              "The market-data API (Alpha Vantage's TIME_SERIES_DAILY format), for example"
                  + " https://www.alphavantage.co; 'embedded' starts the simulated feed in the"
                  + " process (local profile and tests)."),
          Setting.secret(
              MARKET_API_KEY,
              "The market-data API's key. Environment only; the embedded feed needs none."),
          Setting.of(
              MARKET_SYMBOLS,
              DEFAULT_SYMBOLS,
              Setting::anyText,
              "The stocks whose daily prices prices fetch keeps, comma-separated."),
          Setting.of(
              MARKET_DAILY_BUDGET,
              "25",
              Setting.integer(1, 1_000_000),
              "API requests allowed per UTC day (Alpha Vantage's free tier: 25); retries count."),
          Setting.of(
              MARKET_MAX_ATTEMPTS,
              "4",
              Setting.integer(1, 20),
              "Attempts per symbol before falling back to the archive (429, 5xx, timeouts and"
                  + " malformed bodies are retried)."),
          Setting.of(
              MARKET_INITIAL_BACKOFF_MS,
              "2000",
              Setting.integer(0, 3_600_000),
              "The wait before the first retry; each next one doubles, with jitter."),
          Setting.of(
              MARKET_MAX_BACKOFF_MS,
              "60000",
              Setting.integer(0, 3_600_000),
              "The longest wait between two attempts (a 429's Retry-After may ask for more)."),
          Setting.of(
              MARKET_TIMEOUT_MS,
              "15000",
              Setting.integer(1, 600_000),
              "How long one request may take before it counts as failed."),
          Setting.of(
              MARKET_SIMULATED_SEED,
              "42",
              Setting.integer(Long.MIN_VALUE, Long.MAX_VALUE),
              "Seed of the embedded feed's simulated prices (and of the trading generator)."));

  private static final Map<String, Setting> BY_KEY = new LinkedHashMap<>();

  static {
    for (Setting s : ALL) {
      BY_KEY.put(s.key(), s);
    }
  }

  /** Keys that were renamed: old name -> new name. The old names are refused, naming the new. */
  private static final Map<String, String> RENAMED =
      Map.of("spark.master", ENGINE_MASTER, "spark.shuffle-partitions", ENGINE_SHUFFLE_PARTITIONS);

  private Settings() {}

  /** The new name of a renamed key, or null. */
  static String renamedTo(String oldKey) {
    return RENAMED.get(oldKey);
  }

  /** The new key of a renamed key's environment variable, or null. */
  static String renamedFromVariable(String variable) {
    for (Map.Entry<String, String> e : RENAMED.entrySet()) {
      if (Setting.variableOf(e.getKey()).equals(variable)) {
        return e.getValue();
      }
    }
    return null;
  }

  public static List<Setting> all() {
    return ALL;
  }

  static Setting find(String key) {
    return BY_KEY.get(key);
  }
}
