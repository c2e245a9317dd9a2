package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.ingest.EmbeddedKafka;
import dev.lakehouse.ingest.KafkaServices;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

@Command(
    name = "services",
    mixinStandardHelpOptions = true,
    description = "Run the embedded services in the foreground until Ctrl-C, so that a long-running 'lakehouse bronze' and a 'lakehouse generate' can run side by side in other terminals. Now: the Kafka broker, with its logs under <data-dir>/kafka.")
final class ServicesCommand extends LakehouseCommand {
  @Override
  Map<String, Object> execute(LakehouseConfig config, PrintWriter out) throws InterruptedException {
    String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("kafka", bootstrap);
    if (KafkaServices.reachable(bootstrap)) {
      out.printf("Kafka is already running at %s; nothing to start.%n", bootstrap);
      return summary;
    }
    Optional<EmbeddedKafka> kafka = KafkaServices.ensureBroker(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kafka.ifPresent(EmbeddedKafka::close);
                  stopped.countDown();
                },
                "services-stop"));
    out.printf("Kafka broker (embedded KRaft) listening on %s, logs in %s.%n", bootstrap, config.dataDir().resolve("kafka"));
    out.println("Connect with kafka.bootstrap-servers=" + bootstrap + " (the local profile's default), e.g.:");
    out.println("  bin/lakehouse bronze          # in a second terminal");
    out.println("  bin/lakehouse generate --events 100000   # in a third");
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return summary;
  }
}
