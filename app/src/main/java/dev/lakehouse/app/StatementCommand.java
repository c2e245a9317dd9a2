package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "statement",
    mixinStandardHelpOptions = true,
    description =
        "A customer's monthly statement from gold: opening and closing balance, credits, debits and"
            + " fees of the month, then the month's transactions with the balance after each.")
final class StatementCommand extends LakehouseCommand {
  @Option(
      names = "--account",
      required = true,
      paramLabel = "A",
      description = "Account id, e.g. A00000001.")
  String account;

  @Option(names = "--month", required = true, paramLabel = "YYYY-MM", description = "The month.")
  String month;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Also write the statement as CSV to this file.")
  Path csv;

  @Override
  protected void validate(LakehouseConfig config) {
    yearMonth();
  }

  private YearMonth yearMonth() {
    if (!account.matches("[A-Za-z0-9_-]+")) {
      throw new ConfigException(
          "Invalid --account '" + account + "': letters, digits, '-' and '_' only.");
    }
    try {
      return YearMonth.parse(month);
    } catch (DateTimeParseException e) {
      throw new ConfigException("Invalid --month '" + month + "': use YYYY-MM, e.g. 2026-10.");
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out)
      throws IOException {
    YearMonth ym = yearMonth();
    String start = ym.atDay(1).toString();
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-statement");
    SparkSession spark = lease.spark();
    try {
      if (!spark.catalog().tableExists("lakehouse.gold.monthly_statement")) {
        throw new ConfigException(
            "There is no gold yet; run 'lakehouse gold' (or 'lakehouse demo') first.");
      }
      List<Row> header =
          spark
              .sql(
                  "SELECT customer_id, opening_balance_inr, credits_inr, debits_inr, fees_inr,"
                      + " closing_balance_inr, all_status_count FROM gold.monthly_statement"
                      + " WHERE account_id = '"
                      + account
                      + "' AND month_start = DATE '"
                      + start
                      + "'")
              .collectAsList();
      if (header.isEmpty()) {
        throw new ConfigException(
            "No statement for account "
                + account
                + " in "
                + ym
                + ": the account is unknown to gold or has no balance that month.");
      }
      Row h = header.get(0);
      List<Row> lines =
          spark
              .sql(
                  "SELECT event_ts, transaction_id, txn_type, status, amount, currency, amount_inr,"
                      + " balance_effect_inr, fee_inr, merchant_category FROM gold.fct_transactions"
                      + " WHERE account_key = '"
                      + account
                      + "' AND event_ts >= TIMESTAMP '"
                      + start
                      + " 00:00:00'"
                      + " AND event_ts < TIMESTAMP '"
                      + ym.plusMonths(1).atDay(1)
                      + " 00:00:00' ORDER BY event_ts, transaction_id")
              .collectAsList();
      out.printf("Statement of account %s (customer %s) for %s%n", account, h.getString(0), ym);
      out.printf(
          "  Opening balance  %,15.2f INR%n  Credits          %,15.2f%n  Debits           %,15.2f%n"
              + "  of which fees    %,15.2f%n  Closing balance  %,15.2f INR%n  Transactions    "
              + " %,15d%n%n",
          h.getDecimal(1),
          h.getDecimal(2),
          h.getDecimal(3),
          h.getDecimal(4),
          h.getDecimal(5),
          h.getLong(6));
      String[] columns = {
        "time (UTC)",
        "transaction",
        "type",
        "status",
        "amount",
        "cur",
        "amount INR",
        "effect INR",
        "balance INR"
      };
      List<String[]> cells = new ArrayList<>();
      java.math.BigDecimal balance = h.getDecimal(1);
      for (Row r : lines) {
        balance = balance.add(r.getDecimal(7));
        cells.add(
            new String[] {
              r.getTimestamp(0).toInstant().toString(),
              r.getString(1),
              r.getString(2),
              r.getString(3),
              r.getDecimal(4).toPlainString(),
              r.getString(5),
              r.getDecimal(6).toPlainString(),
              r.getDecimal(7).toPlainString(),
              balance.toPlainString()
            });
      }
      out.print(TextTable.renderText(columns, cells));
      if (csv != null) {
        StringBuilder sb =
            new StringBuilder(
                "account_id,month,opening_balance_inr,credits_inr,debits_inr,fees_inr,closing_balance_inr\n");
        sb.append(
                String.join(
                    ",",
                    account,
                    ym.toString(),
                    h.getDecimal(1).toPlainString(),
                    h.getDecimal(2).toPlainString(),
                    h.getDecimal(3).toPlainString(),
                    h.getDecimal(4).toPlainString(),
                    h.getDecimal(5).toPlainString()))
            .append("\n\n");
        sb.append(
            "event_ts,transaction_id,txn_type,status,amount,currency,amount_inr,balance_effect_inr,balance_after_inr\n");
        for (String[] c : cells) {
          sb.append(String.join(",", c)).append('\n');
        }
        Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);
        out.println("Written to " + csv);
      }
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("account_id", account);
      summary.put("month", ym.toString());
      summary.put("opening_balance_inr", h.getDecimal(1).toPlainString());
      summary.put("closing_balance_inr", h.getDecimal(5).toPlainString());
      summary.put("transactions", lines.size());
      return summary;
    } finally {
      lease.close();
    }
  }
}
