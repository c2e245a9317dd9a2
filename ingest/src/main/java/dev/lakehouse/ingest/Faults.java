package dev.lakehouse.ingest;

import dev.lakehouse.contract.Vocabulary.Channel;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Faults the generator injects on chosen days, so that anomaly detection can be checked against a
 * known truth: a volume drop (70 % of the day's transactions never sent), a null spike (60 % of the
 * day's transactions without {@code device_id}), a channel-mix shift (half of the day's
 * transactions moved to channel {@code WEB}). Each takes its own random draws, so the rest of the
 * data set is what it would be for the same seed.
 */
public record Faults(LocalDate volumeDrop, LocalDate nullSpike, LocalDate channelShift) {
  public static final Faults NONE = new Faults(null, null, null);

  static final double DROPPED = 0.7;
  static final double WITHOUT_DEVICE = 0.6;
  static final double SHIFTED = 0.5;
  static final String SHIFTED_TO = Channel.WEB.name();
  public static final String NULL_SPIKE_FIELD = "device_id";

  /** What a detector should find: the metric (and its dimension) that moves on the day. */
  public record Truth(String fault, LocalDate date, String metric, String dimension) {}

  /**
   * Parses {@code kind@YYYY-MM-DD} entries ({@code volume-drop}, {@code null-spike}, {@code
   * channel-shift}); an IllegalArgumentException naming the entry that is wrong.
   */
  public static Faults parse(List<String> specs) {
    LocalDate drop = null;
    LocalDate nulls = null;
    LocalDate shift = null;
    for (String spec : specs) {
      String[] p = spec.split("@");
      LocalDate day;
      try {
        day = p.length == 2 ? LocalDate.parse(p[1].trim()) : null;
      } catch (DateTimeParseException e) {
        day = null;
      }
      String kind = p[0].trim();
      if (day == null) {
        throw new IllegalArgumentException(
            "Invalid fault '" + spec + "': use KIND@YYYY-MM-DD, e.g. volume-drop@2026-10-10.");
      }
      switch (kind) {
        case "volume-drop" -> drop = day;
        case "null-spike" -> nulls = day;
        case "channel-shift" -> shift = day;
        default ->
            throw new IllegalArgumentException(
                "Unknown fault '"
                    + kind
                    + "' in '"
                    + spec
                    + "': volume-drop, null-spike or channel-shift.");
      }
    }
    return new Faults(drop, nulls, shift);
  }

  /** The anomalies these faults should cause. */
  public List<Truth> truth() {
    List<Truth> t = new ArrayList<>();
    if (volumeDrop != null) {
      t.add(new Truth("volume-drop", volumeDrop, "row_count", ""));
    }
    if (nullSpike != null) {
      t.add(new Truth("null-spike", nullSpike, "null_rate", NULL_SPIKE_FIELD));
    }
    if (channelShift != null) {
      t.add(new Truth("channel-shift", channelShift, "share", "channel"));
    }
    return t;
  }

  boolean drops(LocalDate day, Random random) {
    return day.equals(volumeDrop) && random.nextDouble() < DROPPED;
  }

  boolean dropsDevice(LocalDate day, Random random) {
    return day.equals(nullSpike) && random.nextDouble() < WITHOUT_DEVICE;
  }

  boolean shiftsChannel(LocalDate day, Random random) {
    return day.equals(channelShift) && random.nextDouble() < SHIFTED;
  }
}
