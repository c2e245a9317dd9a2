package dev.lakehouse.gold;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One gold model: a SELECT in {@code gold/models/<name>.sql} whose rows go to {@code target} as
 * {@code write} says. {@code parameters} are the names the SQL uses (${name}), tables and values
 * alike; the run binds them (tables to their lakehouse names), a test binds them to inline rows.
 */
record GoldModel(String name, String target, Write write, List<String> parameters) {
  static final String MODELS = "gold/models/";
  static final String WRITES = "gold/writes/";

  /** How a model's rows reach its table. */
  sealed interface Write {
    /**
     * A MERGE statement in {@code gold/writes/<statement>.sql}, with the model's rows as ${source}
     * and the table as ${target}. Only a counted merge reports its source rows as rows written.
     */
    record Merge(String statement, boolean counted) implements Write {}

    /**
     * Replaces the table's rows matching {@code condition} (over the run's parameters) in one
     * commit.
     */
    record Overwrite(String condition) implements Write {}

    /**
     * Type 2 history. The model classifies each source row against the current versions ({@code
     * change}); the {@code close} statement (in writes) closes or updates current versions; the
     * {@code versions} model gives the versions to insert; the {@code unknownMember} model gives
     * the UNKNOWN row, inserted once. The sub-models take the classified rows as
     * ${customer_changes}.
     */
    record Scd2(String close, String versions, String unknownMember, String inferredMembers)
        implements Write {}
  }

  /** The model's SELECT, its parameters taken from {@code available} (which may hold more). */
  String sql(Map<String, ?> available) {
    return template(MODELS + name).render(pick(available, Set.copyOf(parameters), "model " + name));
  }

  static SqlTemplate template(String resource) {
    return SqlTemplate.load(resource + ".sql");
  }

  /**
   * The values of {@code names} from {@code available}; a name it lacks is an error naming {@code
   * user}.
   */
  static Map<String, Object> pick(Map<String, ?> available, Set<String> names, String user) {
    Map<String, Object> picked = new LinkedHashMap<>();
    for (String n : names) {
      if (!available.containsKey(n)) {
        throw new IllegalArgumentException(
            "Cannot build gold "
                + user
                + ": it needs the parameter "
                + n
                + ", which the run does not provide.");
      }
      picked.put(n, available.get(n));
    }
    return picked;
  }
}
