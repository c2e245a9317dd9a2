package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.contract.KafkaTopics;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

@Command(
    name = "services",
    mixinStandardHelpOptions = true,
    description =
        "Run the embedded services in the foreground until Ctrl-C, so that a long-running"
            + " 'lakehouse bronze' and a 'lakehouse generate' can run side by side in other"
            + " terminals: the Kafka broker (logs under <data-dir>/kafka) and PostgreSQL (data"
            + " under <data-dir>/postgres).")
final class ServicesCommand extends LakehouseCommand {
  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out)
      throws InterruptedException {
    String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("kafka", bootstrap);
    summary.put("postgres", config.get(Settings.POSTGRES_URL));
    boolean kafkaRunning = KafkaTopics.reachable(bootstrap);
    Optional<LocalServices.Started> kafka =
        kafkaRunning ? Optional.empty() : LocalServices.kafka(config);
    Optional<LocalServices.Started> pg = LocalServices.postgres(config);
    if (kafka.isEmpty() && pg.isEmpty()) {
      out.printf(
          "Kafka (%s) and PostgreSQL (%s) are already running; nothing to start.%n",
          bootstrap, config.get(Settings.POSTGRES_URL));
      return summary;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kafka.ifPresent(LocalServices.Started::close);
                  pg.ifPresent(
                      p -> {
                        try {
                          p.close();
                        } catch (Exception e) {
                          // the JVM is ending; the server's own shutdown hook stops it too
                        }
                      });
                  stopped.countDown();
                },
                "services-stop"));
    out.printf(
        "Kafka broker (embedded KRaft) %s on %s, logs in %s.%n",
        kafka.isPresent() ? "listening" : "already running",
        bootstrap,
        config.dataDir().resolve("kafka"));
    java.net.URI uri = java.net.URI.create(config.get(Settings.POSTGRES_URL).substring(5));
    out.printf(
        "PostgreSQL %s on %s, data in %s.%n",
        pg.isPresent() ? "listening" : "already running",
        config.get(Settings.POSTGRES_URL),
        config.dataDir().resolve("postgres"));
    out.printf(
        "  psql -h %s -p %d -U %s %s   # the marts are in schema marts%n",
        uri.getHost(),
        uri.getPort(),
        config.get(Settings.POSTGRES_USER),
        uri.getPath().substring(1));
    out.println("Commands use these through the local profile's defaults, e.g.:");
    out.println("  bin/lakehouse bronze          # in a second terminal");
    out.println("  bin/lakehouse generate --events 100000   # in a third");
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return summary;
  }
}
