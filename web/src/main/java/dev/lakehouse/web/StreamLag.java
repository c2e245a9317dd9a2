package dev.lakehouse.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bronze stream's lag right now: each partition's end offset in Kafka less the next offset
 * after the last one bronze landed (as the last export saw it). Null when Kafka does not answer
 * within a few seconds, so the page says so instead of waiting.
 */
final class StreamLag implements Function<List<Map<String, Object>>, Map<String, Long>> {
  private static final Logger LOG = LoggerFactory.getLogger(StreamLag.class);

  private final String bootstrap;

  StreamLag(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /** True when the first bootstrap address accepts a TCP connection within half a second. */
  private boolean listening() {
    String first = bootstrap.split(",")[0].trim();
    int colon = first.lastIndexOf(':');
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(
          new java.net.InetSocketAddress(
              first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))),
          500);
      return true;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public Map<String, Long> apply(List<Map<String, Object>> landed) {
    if (landed.isEmpty()) {
      return Map.of();
    }
    if (!listening()) {
      return null; // nothing listens: say so at once rather than after the admin client's timeouts
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (Map<String, Object> r : landed) {
      request.put(
          new TopicPartition(
              (String) r.get("kafka_topic"), ((Number) r.get("kafka_partition")).intValue()),
          OffsetSpec.latest());
    }
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2000))) {
      Map<String, Long> lag = new HashMap<>();
      var ends = admin.listOffsets(request).all().get(4, TimeUnit.SECONDS);
      for (Map<String, Object> r : landed) {
        TopicPartition tp =
            new TopicPartition(
                (String) r.get("kafka_topic"), ((Number) r.get("kafka_partition")).intValue());
        long next = ((Number) r.get("last_offset")).longValue() + 1;
        lag.put(tp.topic() + "-" + tp.partition(), Math.max(0, ends.get(tp).offset() - next));
      }
      return lag;
    } catch (Exception e) {
      LOG.info("Kafka at {} did not give its end offsets: {}", bootstrap, e.toString());
      return null;
    }
  }
}
