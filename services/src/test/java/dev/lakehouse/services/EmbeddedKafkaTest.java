package dev.lakehouse.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
  @TempDir Path dir;

  @Test
  void messagesSurviveABrokerRestartOnTheSameLogDirectory() {
    Path logs = dir.resolve("kafka");
    int port = EmbeddedKafka.freePort();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(logs, "localhost", port)) {
      KafkaTopics.ensureTopics(kafka.bootstrapServers(), 2);
      try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
        for (int i = 0; i < 10; i++) {
          producer.send(
              new OutgoingMessage(
                  Topic.CUSTOMERS.topicName(),
                  "C" + i,
                  ("m" + i).getBytes(StandardCharsets.UTF_8),
                  1_700_000_000_000L));
        }
        producer.flush();
      }
      // A second broker on the same directory is refused while the first runs.
      assertThatThrownBy(() -> EmbeddedKafka.start(logs, "localhost", EmbeddedKafka.freePort()))
          .hasMessageContaining("in use by another lakehouse process");
    }
    // Like a second command: a new broker (even on another port) finds the topics and messages.
    try (EmbeddedKafka again = EmbeddedKafka.start(logs, "localhost", EmbeddedKafka.freePort())) {
      assertThat(readAll(again.bootstrapServers(), Topic.CUSTOMERS.topicName(), 10))
          .containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
    }
  }

  private static List<String> readAll(String bootstrap, String topic, int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }
}
