package dev.lakehouse.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description =
        "Run Spark SQL against the lake and print the result as a table. The Iceberg catalog is the"
            + " default catalog, so tables are named layer.table (bronze.transactions,"
            + " ops.stream_batches). With -f, the file's statements (separated by ';' at the end of"
            + " a line) run in order.")
final class SqlCommand extends LakehouseCommand {
  @Parameters(arity = "0..1", paramLabel = "STATEMENT", description = "The SQL statement to run.")
  String statement;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Run the statements in this file.")
  Path file;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Rows to print per statement (default: ${DEFAULT-VALUE}).")
  int limit = 100;

  @Override
  protected void validate(LakehouseConfig config) {
    try {
      statements();
    } catch (IOException e) {
      throw new ConfigException("Cannot read -f " + file + ": " + e.getMessage());
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out)
      throws IOException {
    List<String> statements = statements();
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-sql");
    SparkSession spark = lease.spark();
    List<Object> results = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try {
      for (String sql : statements) {
        Dataset<Row> df;
        try {
          df = spark.sql(sql);
        } catch (Exception e) {
          if (e instanceof AnalysisException bad) {
            throw new ConfigException("Cannot run the statement: " + bad.getSimpleMessage());
          }
          throw e;
        }
        List<Row> rows = df.limit(limit + 1).collectAsList();
        boolean more = rows.size() > limit;
        List<Row> shown = more ? rows.subList(0, limit) : rows;
        if (!json()) {
          out.print(TextTable.render(df.columns(), shown));
          out.printf(
              "(%d row%s%s)%n",
              shown.size(),
              shown.size() == 1 ? "" : "s",
              more ? ", more not shown; use --limit" : "");
        }
        List<Object> jsonRows = new ArrayList<>();
        for (String line : df.limit(limit).toJSON().collectAsList()) {
          jsonRows.add(json.readTree(line));
        }
        results.add(jsonRows);
      }
    } finally {
      lease.close();
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("statements", statements.size());
    summary.put("results", results.size() == 1 ? results.get(0) : results);
    return summary;
  }

  private List<String> statements() throws IOException {
    if ((statement == null) == (file == null)) {
      throw new ConfigException("Give either a statement or -f FILE.");
    }
    if (statement != null) {
      return List.of(statement);
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Cannot read -f " + file + ": no such file.");
    }
    List<String> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") && current.length() == 0) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        add(result, current);
      }
    }
    add(result, current);
    if (result.isEmpty()) {
      throw new ConfigException("The file " + file + " holds no SQL statement.");
    }
    return result;
  }

  private static void add(List<String> result, StringBuilder current) {
    String sql = current.toString().strip();
    while (sql.endsWith(";")) {
      sql = sql.substring(0, sql.length() - 1).strip();
    }
    if (!sql.isEmpty()) {
      result.add(sql);
    }
    current.setLength(0);
  }
}
