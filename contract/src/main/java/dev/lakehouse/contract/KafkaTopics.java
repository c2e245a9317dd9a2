package dev.lakehouse.contract;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contract's topics on a Kafka cluster: whether it answers, and creating the topics it lacks.
 */
public final class KafkaTopics {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

  private KafkaTopics() {}

  /**
   * The topic the fraud stream writes its alerts to (at least once: consumers dedupe on {@code
   * alert_id}). Not part of the inbound contract, so bronze does not read it.
   */
  public static final String FRAUD_ALERTS = "fraud-alerts";

  /** True when a TCP connection to one of the bootstrap addresses succeeds within a second. */
  public static boolean reachable(String bootstrap) {
    for (String part : bootstrap.split(",")) {
      String p = part.trim();
      int colon = p.lastIndexOf(':');
      try (Socket socket = new Socket()) {
        socket.connect(
            new InetSocketAddress(p.substring(0, colon), Integer.parseInt(p.substring(colon + 1))),
            1000);
        return true;
      } catch (IOException e) {
        // try the next address
      }
    }
    return false;
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            30000));
  }

  /** Creates the contract's topics when missing, keeping messages forever (retention.ms=-1). */
  public static void ensureTopics(String bootstrap, int partitions) {
    ensureTopics(bootstrap, partitions, Topic.names());
  }

  /** Creates those of the named topics the cluster lacks, kept forever. */
  public static void ensureTopics(String bootstrap, int partitions, List<String> names) {
    try (Admin admin = admin(bootstrap)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : names) {
        if (!existing.contains(topic)) {
          missing.add(
              new NewTopic(topic, Optional.of(partitions), Optional.empty())
                  .configs(Map.of("retention.ms", "-1")));
        }
      }
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
          awaitWritable(admin, missing, partitions);
          LOG.info(
              "Created Kafka topics {} with {} partitions each.",
              missing.stream().map(NewTopic::name).toList(),
              partitions);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating Kafka topics.", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot create the Kafka topics on " + bootstrap + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits until the new topics' partitions are open on their leader. Right after creation a
   * partition can still answer NOT_LEADER: an idempotent producer's first batch is then retried
   * after its second one succeeded, and the broker refuses it for good as out of order (seen under
   * load on a fresh embedded broker). Listing the partitions' end offsets succeeds only once the
   * leader has opened them; the admin client retries that until then.
   */
  private static void awaitWritable(Admin admin, List<NewTopic> created, int partitions)
      throws Exception {
    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request =
        new java.util.HashMap<>();
    for (NewTopic t : created) {
      for (int p = 0; p < partitions; p++) {
        request.put(
            new org.apache.kafka.common.TopicPartition(t.name(), p),
            org.apache.kafka.clients.admin.OffsetSpec.latest());
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        // Until the new topic's metadata reaches the broker, it is unknown or has no leader.
        boolean notYet =
            e.getCause() instanceof org.apache.kafka.common.errors.RetriableException
                || e.getCause() instanceof org.apache.kafka.common.errors.InvalidMetadataException;
        if (!notYet || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /** The number of partitions of each contract topic. */
  public static Map<String, Integer> partitions(String bootstrap) {
    try (Admin admin = admin(bootstrap)) {
      Map<String, Integer> counts = new java.util.TreeMap<>();
      admin
          .describeTopics(Topic.names())
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .forEach((name, d) -> counts.put(name, d.partitions().size()));
      return counts;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while describing Kafka topics.", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot describe the Kafka topics on " + bootstrap + ": " + e.getMessage(), e);
    }
  }

  /** Each contract topic-partition's earliest offset still in Kafka, keyed "topic-partition". */
  public static Map<String, Long> earliestOffsets(String bootstrap) {
    return offsets(bootstrap, org.apache.kafka.clients.admin.OffsetSpec.earliest());
  }

  /** Each contract topic-partition's next offset to be written, keyed "topic-partition". */
  public static Map<String, Long> endOffsets(String bootstrap) {
    return offsets(bootstrap, org.apache.kafka.clients.admin.OffsetSpec.latest());
  }

  private static Map<String, Long> offsets(
      String bootstrap, org.apache.kafka.clients.admin.OffsetSpec spec) {
    try (Admin admin = admin(bootstrap)) {
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>
          request = new java.util.HashMap<>();
      admin
          .describeTopics(Topic.names())
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(
                          p ->
                              request.put(
                                  new org.apache.kafka.common.TopicPartition(name, p.partition()),
                                  spec)));
      Map<String, Long> offsets = new java.util.TreeMap<>();
      admin
          .listOffsets(request)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> offsets.put(tp.topic() + "-" + tp.partition(), info.offset()));
      return offsets;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading Kafka offsets.", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot read the Kafka offsets on " + bootstrap + ": " + e.getMessage(), e);
    }
  }
}
