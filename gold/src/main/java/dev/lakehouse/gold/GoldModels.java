package dev.lakehouse.gold;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Vocabulary;
import dev.lakehouse.contract.Vocabulary.BalanceEffect;
import dev.lakehouse.gold.GoldModel.Write;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gold models in the order a run builds them: each reads only what the models before it wrote
 * (dimensions, then facts, then balances, then the marts; the streaks and tiers read
 * customer_monthly).
 */
final class GoldModels {
  private static final String MONTHS = "month_start BETWEEN ${first_month} AND ${last_month}";

  static final List<GoldModel> ORDER =
      List.of(
          new GoldModel(
              "dim_account",
              Tables.GOLD_DIM_ACCOUNT,
              new Write.Merge("dim_account", false),
              List.of(
                  "silver_accounts",
                  "silver_transactions",
                  "window_start_ts",
                  "window_end_exclusive_ts")),
          new GoldModel(
              "dim_merchant",
              Tables.GOLD_DIM_MERCHANT,
              new Write.Merge("dim_merchant", false),
              List.of(
                  "silver_merchants",
                  "silver_transactions",
                  "window_start_ts",
                  "window_end_exclusive_ts")),
          new GoldModel(
              "dim_customer_changes",
              Tables.GOLD_DIM_CUSTOMER,
              new Write.Scd2(
                  "dim_customer_close",
                  "dim_customer_versions",
                  "dim_customer_unknown",
                  "dim_customer_inferred"),
              // dim_customer_inferred also reads silver_transactions and the window.
              List.of("silver_customers", "dim_customer")),
          new GoldModel(
              "dim_date",
              Tables.GOLD_DIM_DATE,
              new Write.Merge("dim_date", false),
              List.of("silver_transactions", "window_start", "window_end")),
          new GoldModel(
              "fct_transactions",
              Tables.GOLD_FCT_TRANSACTIONS,
              new Write.Merge("fct_transactions", true),
              List.of(
                  "silver_transactions",
                  "dim_customer",
                  "dim_account",
                  "dim_merchant",
                  "window_start_ts",
                  "window_end_exclusive_ts",
                  "fee_inr",
                  "credit_types")),
          new GoldModel(
              "fct_daily_account_balance",
              Tables.GOLD_FCT_DAILY_ACCOUNT_BALANCE,
              new Write.Overwrite("balance_date BETWEEN ${window_start} AND ${range_end}"),
              List.of("fct_transactions", "dim_account", "window_start", "range_end")),
          new GoldModel(
              "daily_revenue_summary",
              Tables.GOLD_DAILY_REVENUE_SUMMARY,
              new Write.Overwrite("summary_date BETWEEN ${window_start} AND ${window_end}"),
              List.of("fct_transactions", "window_start", "window_end")),
          new GoldModel(
              "monthly_statement",
              Tables.GOLD_MONTHLY_STATEMENT,
              new Write.Overwrite(MONTHS),
              List.of(
                  "fct_daily_account_balance", "fct_transactions", "first_month", "last_month")),
          new GoldModel(
              "customer_monthly",
              Tables.GOLD_CUSTOMER_MONTHLY,
              new Write.Overwrite(MONTHS),
              List.of(
                  "fct_daily_account_balance",
                  "fct_transactions",
                  "first_month",
                  "last_month",
                  "tier_gold",
                  "tier_diamond",
                  "activity_withdrawals",
                  "activity_loans",
                  "activity_investments")),
          new GoldModel(
              "customers_in_red",
              Tables.GOLD_CUSTOMERS_IN_RED,
              new Write.Overwrite("as_of_month BETWEEN ${first_month} AND ${last_month}"),
              List.of("customer_monthly", "first_month", "last_month")),
          new GoldModel(
              "high_activity_customers",
              Tables.GOLD_HIGH_ACTIVITY_CUSTOMERS,
              new Write.Overwrite("as_of_month BETWEEN ${first_month} AND ${last_month}"),
              List.of("customer_monthly", "first_month", "last_month")),
          new GoldModel(
              "monthly_kpis",
              Tables.GOLD_MONTHLY_KPIS,
              new Write.Overwrite(MONTHS),
              List.of(
                  "fct_transactions",
                  "dim_customer",
                  "first_month",
                  "last_month",
                  "range_end",
                  "credit_types")),
          new GoldModel(
              "customers_per_tier",
              Tables.GOLD_CUSTOMERS_PER_TIER,
              new Write.Overwrite(MONTHS),
              List.of("customer_monthly", "first_month", "last_month")),
          new GoldModel(
              "monthly_transaction_trend",
              Tables.GOLD_MONTHLY_TRANSACTION_TREND,
              new Write.Overwrite(MONTHS),
              List.of("fct_transactions", "first_month", "last_month")));

  private GoldModels() {}

  /**
   * {@link #ORDER} in waves: a model goes in the wave after the last one holding a model whose
   * table it reads (its parameters name the tables it reads), so the models of one wave read only
   * tables that earlier waves finished and can be written at the same time. Within a wave, ORDER's
   * order.
   */
  static List<List<GoldModel>> waves() {
    Map<String, Integer> waveOfTable = new HashMap<>();
    List<List<GoldModel>> waves = new ArrayList<>();
    for (GoldModel model : ORDER) {
      int wave = 0;
      // A model's own table is not known yet here: reading it (dim_customer) delays nothing.
      for (String parameter : model.parameters()) {
        Integer upstream = waveOfTable.get(parameter);
        if (upstream != null) {
          wave = Math.max(wave, upstream + 1);
        }
      }
      if (wave == waves.size()) {
        waves.add(new ArrayList<>());
      }
      waves.get(wave).add(model);
      waveOfTable.put(shortName(model.target()), wave);
    }
    return waves.stream().map(List::copyOf).toList();
  }

  /** gold.dim_account -> dim_account: the parameter name a model reads the table by. */
  private static String shortName(String target) {
    return target.substring(target.indexOf('.') + 1);
  }

  static GoldModel named(String name) {
    return ORDER.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No gold model named " + name + "."));
  }

  /**
   * The tables the models read, by parameter name; silver at the snapshots the run recorded (as it
   * is now for a table without one), so a silver commit during the run cannot reach gold
   * unrecorded.
   */
  static Map<String, Object> tables(Map<String, Long> silverSnapshots) {
    Map<String, Object> t = new LinkedHashMap<>();
    for (String[] silver :
        new String[][] {
          {"silver_transactions", Tables.SILVER_TRANSACTIONS},
          {"silver_customers", Tables.SILVER_CUSTOMERS},
          {"silver_accounts", Tables.SILVER_ACCOUNTS},
          {"silver_merchants", Tables.SILVER_MERCHANTS}
        }) {
      t.put(
          silver[0],
          SqlTemplate.tableAt(
              Tables.qualified(silver[1]), silverSnapshots.getOrDefault(silver[1], -1L)));
    }
    t.put("dim_customer", table(Tables.GOLD_DIM_CUSTOMER));
    t.put("dim_account", table(Tables.GOLD_DIM_ACCOUNT));
    t.put("dim_merchant", table(Tables.GOLD_DIM_MERCHANT));
    t.put("fct_transactions", table(Tables.GOLD_FCT_TRANSACTIONS));
    t.put("fct_daily_account_balance", table(Tables.GOLD_FCT_DAILY_ACCOUNT_BALANCE));
    t.put("customer_monthly", table(Tables.GOLD_CUSTOMER_MONTHLY));
    return t;
  }

  private static SqlTemplate.Sql table(String name) {
    return SqlTemplate.table(Tables.qualified(name));
  }

  /**
   * Every parameter a run offers its models: the tables, the window {@code start..end} (also as
   * timestamps, the end exclusive), {@code rangeEnd} (the last day balances are recomputed to), the
   * months those days touch, the thresholds and fee schedule from configuration, and the credit
   * types.
   */
  static Map<String, Object> parameters(
      LakehouseConfig config,
      LocalDate start,
      LocalDate end,
      LocalDate rangeEnd,
      Map<String, Long> silverSnapshots) {
    Map<String, BigDecimal> tiers =
        amounts(config, Settings.GOLD_TIER_THRESHOLDS, "gold", "diamond");
    Map<String, BigDecimal> activity =
        amounts(config, Settings.GOLD_ACTIVITY_THRESHOLDS, "withdrawals", "loans", "investments");
    Map<String, Object> p = tables(silverSnapshots);
    p.put("window_start", start);
    p.put("window_end", end);
    p.put("window_start_ts", start.atStartOfDay());
    p.put("window_end_exclusive_ts", end.plusDays(1).atStartOfDay());
    p.put("range_end", rangeEnd);
    p.put("first_month", start.withDayOfMonth(1));
    p.put("last_month", rangeEnd.withDayOfMonth(1));
    p.put("tier_gold", tiers.get("gold"));
    p.put("tier_diamond", tiers.get("diamond"));
    p.put("activity_withdrawals", activity.get("withdrawals"));
    p.put("activity_loans", activity.get("loans"));
    p.put("activity_investments", activity.get("investments"));
    p.put(
        "fee_inr", SqlTemplate.sql(new FeeSchedule(config.get(Settings.GOLD_FEE_SCHEDULE)).sql()));
    p.put("credit_types", SqlTemplate.sql(Vocabulary.sqlList(BalanceEffect.CREDIT)));
    return p;
  }

  /** The settings that change gold's numbers: a run under others is not a no-op. */
  static final List<String> NUMBER_SETTINGS =
      List.of(
          Settings.GOLD_FEE_SCHEDULE,
          Settings.GOLD_TIER_THRESHOLDS,
          Settings.GOLD_ACTIVITY_THRESHOLDS,
          Settings.SILVER_LOOKBACK_DAYS);

  /**
   * A short hash of the values of {@link #NUMBER_SETTINGS} and of every model's SQL, recorded with
   * every run: a new fee schedule, or a release that changes a definition, rebuilds history.
   */
  static String fingerprint(LakehouseConfig config) {
    StringBuilder text = new StringBuilder();
    for (String key : NUMBER_SETTINGS) {
      text.append(key).append('=').append(config.get(key)).append('\n');
    }
    for (GoldModel model : ORDER) {
      text.append(GoldModel.template(GoldModel.MODELS + model.name()).text());
      if (model.write() instanceof Write.Merge merge) {
        text.append(GoldModel.template(GoldModel.WRITES + merge.statement()).text());
      } else if (model.write() instanceof Write.Scd2 scd2) {
        text.append(GoldModel.template(GoldModel.WRITES + scd2.close()).text())
            .append(GoldModel.template(GoldModel.MODELS + scd2.versions()).text())
            .append(GoldModel.template(GoldModel.MODELS + scd2.unknownMember()).text())
            .append(GoldModel.template(GoldModel.MODELS + scd2.inferredMembers()).text());
      } else if (model.write() instanceof Write.Overwrite overwrite) {
        text.append(overwrite.condition());
      }
    }
    // The tables' columns too: a table whose columns change is created again and must be rebuilt.
    for (GoldTables.Spec spec : GoldTables.SPECS) {
      text.append(spec.table()).append(spec.columns()).append('\n');
    }
    try {
      byte[] hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available.", e);
    }
  }

  private static Map<String, BigDecimal> amounts(
      LakehouseConfig config, String key, String... required) {
    Map<String, BigDecimal> m = new TreeMap<>();
    for (String part : config.get(key).split(",")) {
      String[] kv = part.trim().split("=");
      m.put(kv[0].trim(), new BigDecimal(kv[1].trim()));
    }
    for (String r : required) {
      if (!m.containsKey(r)) {
        throw new ConfigException(
            "Invalid value for "
                + key
                + ": '"
                + config.get(key)
                + "' has no '"
                + r
                + "' threshold.");
      }
    }
    return m;
  }
}
