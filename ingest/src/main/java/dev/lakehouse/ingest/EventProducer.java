package dev.lakehouse.ingest;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends messages with an idempotent producer ({@code acks=all}), so a retried send is never written
 * twice. Fails if any message could not be written.
 */
public final class EventProducer implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<Exception> firstError = new AtomicReference<>();

  public EventProducer(String bootstrapServers) {
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                512 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG,
                128L * 1024 * 1024,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                8 * 1024 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                120_000),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  /** Sends every message, calling progress with the running count; returns how many were sent. */
  public long sendAll(Iterable<OutgoingMessage> messages, LongConsumer progress) {
    long sent = 0;
    for (OutgoingMessage m : messages) {
      send(m);
      sent++;
      if ((sent & 1023) == 0) {
        progress.accept(sent);
        failIfError();
      }
    }
    producer.flush();
    progress.accept(sent);
    failIfError();
    if (acknowledged.get() != sent) {
      throw new IllegalStateException(
          "Kafka acknowledged " + acknowledged.get() + " of " + sent + " messages.");
    }
    return sent;
  }

  public void send(OutgoingMessage m) {
    byte[] key = m.key() == null ? null : m.key().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    producer.send(
        new ProducerRecord<>(m.topic(), null, m.timestampMs(), key, m.value()),
        (metadata, error) -> {
          if (error == null) {
            acknowledged.incrementAndGet();
          } else {
            firstError.compareAndSet(null, error);
          }
        });
  }

  public void flush() {
    producer.flush();
    failIfError();
  }

  private void failIfError() {
    Exception e = firstError.get();
    if (e != null) {
      throw new IllegalStateException("Cannot write to Kafka: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
