package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand: loads the configuration, runs, prints its readable report and the JSON summary. */
public abstract class LakehouseCommand implements Callable<Integer> {
  @ParentCommand Lakehouse root;
  @Spec CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    LakehouseConfig config = root.loadConfig();
    validate(config);
    if (root.dryRun) {
      out()
          .printf(
              "lakehouse %s: arguments and configuration (profile %s) are valid; nothing was run"
                  + " (--dry-run).%n",
              spec.name(), config.profile());
      root.printSummary(
          out(), spec.name(), "ok", Map.of("dry_run", true, "profile", config.profile()));
      return 0;
    }
    Map<String, Object> summary = execute(config, out());
    root.printSummary(out(), spec.name(), "ok", summary);
    return 0;
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected boolean json() {
    return root.json;
  }

  /** Checks the arguments beyond what picocli checks; throws ConfigException (exit 2). */
  protected void validate(LakehouseConfig config) {}

  /** Does the work; returns the fields of the JSON summary. */
  protected abstract Map<String, Object> execute(LakehouseConfig config, PrintWriter out)
      throws Exception;
}
