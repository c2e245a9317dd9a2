package dev.lakehouse.ingest;

/** One Kafka message to send: topic, key (the entity id), value bytes and the record timestamp. */
public record OutgoingMessage(String topic, String key, byte[] value, long timestampMs) {}
