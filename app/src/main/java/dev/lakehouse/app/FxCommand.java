package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.silver.FxRates;
import dev.lakehouse.silver.FxRatesLoader;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "fx",
    mixinStandardHelpOptions = true,
    description =
        "Dated FX rates. A transaction is valued in INR at the rate of its event date: the latest"
            + " row of silver.fx_rates on or before that date, else the fixed rate of fx.inr-rates."
            + " load FILE: add or correct rates from a CSV file with the header"
            + " currency,effective_date,inr_per_unit (all lines or none; --check only reports),"
            + " and print the dates"
            + " whose transactions the next silver run revalues (gold then rebuilds them). list:"
            + " the dated rates.")
final class FxCommand extends LakehouseCommand {
  @Parameters(index = "0", paramLabel = "load|list", description = "What to do.")
  String action;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "FILE",
      description = "The CSV file to load (load only).")
  Path file;

  @Option(names = "--currency", paramLabel = "CODE", description = "list: only this currency.")
  String currency;

  @Option(
      names = "--check",
      description = "load: check the file and print what it would change, without writing.")
  boolean checkOnly;

  @Override
  protected void validate(LakehouseConfig config) {
    FxRates.parseDefaults(config.get(Settings.FX_INR_RATES));
    switch (action) {
      case "load" -> {
        if (file == null) {
          throw new ConfigException("fx load needs the CSV file to load.");
        }
        if (!Files.isReadable(file)) {
          throw new ConfigException("Cannot read " + file + ": no such readable file.");
        }
      }
      case "list" -> {
        if (file != null) {
          throw new ConfigException("fx list takes no file.");
        }
      }
      default -> throw new ConfigException("Unknown action '" + action + "'; use load or list.");
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    Map<String, BigDecimal> fixed = FxRates.parseDefaults(config.get(Settings.FX_INR_RATES));
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-fx");
    SparkSession spark = lease.spark();
    try {
      return action.equals("load") ? load(spark, fixed, out) : list(spark, fixed, out);
    } finally {
      lease.close();
    }
  }

  private Map<String, Object> load(
      SparkSession spark, Map<String, BigDecimal> fixed, PrintWriter out) {
    FxRatesLoader.Result r = FxRatesLoader.load(spark, fixed, file, checkOnly);
    out.printf(
        "%s %d rate(s) from %s: %d new, %d corrected, %d unchanged.%n",
        checkOnly ? "Checked" : "Loaded", r.rows(), file, r.added(), r.replaced(), r.unchanged());
    List<Object> changes = new ArrayList<>();
    if (r.changes().isEmpty()) {
      out.println("No date is valued differently; silver needs no revaluation.");
    }
    for (FxRates.Change c : r.changes()) {
      FxRatesLoader.DatesAffected a = r.affected().get(c);
      out.printf(
          "  %s: %d transaction(s) in silver on %d date(s)%s%n",
          c,
          a.transactions(),
          a.dates().size(),
          a.dates().isEmpty() ? "" : " (" + a.dates().first() + " to " + a.dates().last() + ")");
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("currency", c.currency());
      m.put("from", c.from() == null ? null : c.from().toString());
      m.put("until_exclusive", c.until() == null ? null : c.until().toString());
      m.put("transactions", a.transactions());
      m.put("dates", a.dates().stream().map(Object::toString).toList());
      changes.add(m);
    }
    if (!r.changes().isEmpty()) {
      out.println(
          checkOnly
              ? "Nothing was written (--check)."
              : "The next silver run revalues these transactions; gold then rebuilds their dates.");
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("check_only", checkOnly);
    summary.put("rows", r.rows());
    summary.put("added", r.added());
    summary.put("corrected", r.replaced());
    summary.put("unchanged", r.unchanged());
    summary.put("changes", changes);
    return summary;
  }

  private Map<String, Object> list(
      SparkSession spark, Map<String, BigDecimal> fixed, PrintWriter out) {
    List<String[]> cells = new ArrayList<>();
    List<Object> json = new ArrayList<>();
    fixed.forEach(
        (c, rate) -> {
          if (currency == null || currency.equals(c)) {
            cells.add(
                new String[] {
                  c, "(fixed, fx.inr-rates)", rate.stripTrailingZeros().toPlainString()
                });
          }
        });
    for (FxRates.Rate r : FxRatesLoader.list(spark, currency)) {
      cells.add(
          new String[] {
            r.currency(),
            r.effectiveDate().toString(),
            r.inrPerUnit().stripTrailingZeros().toPlainString()
          });
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("currency", r.currency());
      m.put("effective_date", r.effectiveDate().toString());
      m.put("inr_per_unit", r.inrPerUnit().toPlainString());
      json.add(m);
    }
    out.print(TextTable.renderText(new String[] {"currency", "from", "inr_per_unit"}, cells));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("rates", json);
    return summary;
  }
}
