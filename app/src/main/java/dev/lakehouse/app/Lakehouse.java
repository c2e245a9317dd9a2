package dev.lakehouse.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.DataQualityException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The lakehouse command line. Exit codes: 0 success, 1 failure, 2 usage or configuration, 3 data
 * quality.
 */
@Command(
    name = "lakehouse",
    mixinStandardHelpOptions = true,
    versionProvider = Lakehouse.Version.class,
    sortOptions = false,
    description = {
      "A fintech lakehouse: Kafka events into Apache Iceberg bronze, silver and gold tables on"
          + " Apache Spark.",
      ""
    },
    subcommands = {
      DemoCommand.class,
      GenerateCommand.class,
      IngestCommand.class,
      BronzeCommand.class,
      FraudCommand.class,
      AlertsCommand.class,
      FraudEvalCommand.class,
      FraudTrainCommand.class,
      SilverCommand.class,
      GoldCommand.class,
      BackfillCommand.class,
      ExportCommand.class,
      StatementCommand.class,
      ServeCommand.class,
      DeadLettersCommand.class,
      FxCommand.class,
      PricesCommand.class,
      TradingCommand.class,
      ObserveCommand.class,
      AnomaliesCommand.class,
      StatusCommand.class,
      DqGateCommand.class,
      MaintainCommand.class,
      SqlCommand.class,
      ServicesCommand.class,
      ConfigCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 failure, 2 usage or configuration error, 3 data-quality failure.",
      "Configuration precedence: --conf > LAKEHOUSE_<KEY> environment variables >"
          + " conf/<profile>.properties > defaults."
    })
public final class Lakehouse implements Runnable {
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_DATA_QUALITY = 3;

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  @Spec CommandSpec spec;

  @Option(
      names = "--profile",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description =
          "Configuration profile: local (default, embedded services) or compose, or a path to a"
              + " .properties file.")
  String profile = System.getenv().getOrDefault("LAKEHOUSE_PROFILE", "local");

  @Option(
      names = "--conf",
      scope = ScopeType.INHERIT,
      paramLabel = "KEY=VALUE",
      description = "Set a configuration key (repeatable); 'lakehouse config' lists them.")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(
      names = "--data-dir",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description =
          "Directory for all local state (Kafka logs, warehouse, checkpoints). Default: data/.")
  String dataDir;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "Print a one-line JSON summary of the run as the last line of stdout.")
  boolean json;

  @Option(
      names = "--dry-run",
      scope = ScopeType.INHERIT,
      description =
          "Validate the arguments and the configuration, then stop without running anything.")
  boolean dryRun;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces of failures.")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  LakehouseConfig loadConfig() {
    return loadConfig(Map.of());
  }

  /**
   * The run's configuration with some keys set on top of the command line (the demo's own data
   * directory).
   */
  LakehouseConfig loadConfig(Map<String, String> overrides) {
    Map<String, String> commandLine = new LinkedHashMap<>(conf);
    if (dataDir != null) {
      commandLine.put(Settings.DATA_DIR, dataDir);
    }
    commandLine.putAll(overrides);
    return LakehouseConfig.load(profile, commandLine);
  }

  void printSummary(PrintWriter out, String command, String status, Map<String, Object> summary) {
    if (!json) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("command", command);
    line.put("status", status);
    line.putAll(summary);
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      out.println("{\"command\":\"" + command + "\",\"status\":\"" + status + "\"}");
    }
    out.flush();
  }

  public static void main(String[] args) {
    int code = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    System.exit(code);
  }

  /** Runs the command line and returns the exit code; used by main and by tests. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(out, err, List.of(), args);
  }

  /**
   * Runs the command line with extra subcommands (the benchmark module adds {@code bench}, which
   * the application jar does not carry) and returns the exit code.
   */
  public static int execute(
      PrintWriter out, PrintWriter err, List<LakehouseCommand> extraCommands, String... args) {
    Lakehouse root = new Lakehouse();
    CommandLine cli = new CommandLine(root);
    extraCommands.forEach(cli::addSubcommand);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          String command = commandLine.getCommandName();
          int code;
          String message;
          if (e instanceof ConfigException) {
            code = EXIT_USAGE;
            message = "lakehouse " + command + ": " + e.getMessage();
          } else if (e instanceof StatusCommand.StatusProblem) {
            err.println("lakehouse status: " + e.getMessage());
            err.flush();
            return EXIT_FAILURE;
          } else if (e instanceof DataQualityException) {
            code = EXIT_DATA_QUALITY;
            message = "lakehouse " + command + ": " + e.getMessage();
          } else {
            code = EXIT_FAILURE;
            message = "lakehouse " + command + " failed: " + describe(e);
          }
          err.println(message);
          if (root.verbose) {
            e.printStackTrace(err);
          } else if (code == EXIT_FAILURE) {
            err.println("(run again with --verbose for the stack trace)");
          }
          err.flush();
          Map<String, Object> failure = new LinkedHashMap<>();
          failure.put("error", message);
          root.printSummary(out, command, "failed", failure);
          return code;
        });
    return cli.execute(args);
  }

  /** The exception's message and its causes' messages, without stack frames. */
  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable cause = e.getCause();
    int depth = 0;
    while (cause != null && depth++ < 3) {
      String m = cause.getMessage();
      if (m != null && !sb.toString().contains(firstLine(m))) {
        sb.append(" (caused by: ").append(firstLine(m)).append(')');
      }
      cause = cause.getCause();
    }
    return sb.toString();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Lakehouse.class.getPackage().getImplementationVersion();
      return new String[] {
        "lakehouse "
            + (v == null ? "development build" : v)
            + ", Spark 4.0.0, Iceberg 1.11.0, Kafka 3.9.0"
      };
    }
  }
}
