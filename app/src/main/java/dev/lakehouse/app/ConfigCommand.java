package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Setting;
import dev.lakehouse.common.Settings;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description =
        "Print every configuration key with its value in this run and where the value came from"
            + " (--conf, environment, profile file or default). Secrets are never printed.")
final class ConfigCommand extends LakehouseCommand {
  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    Map<String, String> described = config.describe();
    out.printf("Profile: %s%n", config.profile());
    for (Setting s : Settings.all()) {
      out.printf("%-36s %s%n", s.key(), described.get(s.key()));
      out.printf("%-36s   %s (env %s)%n", "", s.description(), s.environmentVariable());
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("profile", config.profile());
    summary.put("values", described);
    return summary;
  }
}
