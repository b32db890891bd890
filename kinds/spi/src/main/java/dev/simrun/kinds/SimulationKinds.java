package dev.simrun.kinds;

import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every {@link SimulationKind} of the process, by name, and the JSON codec the pipeline stores
 * their parameters and results with.
 */
@Singleton
public class SimulationKinds {
  private final Map<String, SimulationKind<?, ?, ?>> byName = new TreeMap<>();
  private final ObjectMapper json;

  public SimulationKinds(List<SimulationKind<?, ?, ?>> kinds, ObjectMapper json) {
    for (SimulationKind<?, ?, ?> kind : kinds) {
      if (byName.put(kind.name(), kind) != null) {
        throw new IllegalStateException("two simulation kinds are named " + kind.name());
      }
    }
    this.json = json;
  }

  public Optional<SimulationKind<?, ?, ?>> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public SimulationKind<?, ?, ?> get(String name) {
    return find(name)
        .orElseThrow(() -> new IllegalStateException("no simulation kind named " + name));
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** Parses parameters; {@link IOException} names what does not fit the kind's type. */
  public <P> P readParams(SimulationKind<P, ?, ?> kind, String paramsJson) throws IOException {
    return json.readValue(paramsJson, kind.paramsType());
  }

  public byte[] write(Object value) {
    try {
      return json.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String writeString(Object value) {
    return new String(write(value), StandardCharsets.UTF_8);
  }

  public <T> T read(byte[] bytes, Class<T> type) {
    try {
      return json.readValue(bytes, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A stored result as the kind's table (see {@link SimulationKind#table}); empty when the kind has
   * none.
   */
  public <P, C, R> Optional<ResultTable> table(
      SimulationKind<P, C, R> kind, String paramsJson, byte[] result) {
    try {
      return kind.table(readParams(kind, paramsJson), read(result, kind.resultType()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A final result as stored (JSON) and the kind's summary of it. */
  public record Reduced(byte[] json, Map<String, Object> summary) {}

  /** Reduces stored chunk results (JSON, in chunk order) into the final result. */
  public <P, C, R> Reduced reduce(SimulationKind<P, C, R> kind, P params, List<byte[]> chunks) {
    List<C> results = new ArrayList<>(chunks.size());
    for (byte[] c : chunks) {
      results.add(read(c, kind.chunkResultType()));
    }
    R result = kind.reduce(params, results);
    return new Reduced(write(result), kind.summary(result));
  }

  /**
   * Reduces the chunk results that exist (null entries are chunks that failed) with the kind's
   * {@link SimulationKind#reducePartial}; empty when the kind has no partial result.
   */
  public <P, C, R> Optional<Reduced> reducePartial(
      SimulationKind<P, C, R> kind, P params, List<byte[]> chunks) {
    List<C> results = new ArrayList<>(chunks.size());
    for (byte[] c : chunks) {
      if (c != null) {
        results.add(read(c, kind.chunkResultType()));
      }
    }
    return kind.reducePartial(params, results)
        .map(result -> new Reduced(write(result), kind.summary(result)));
  }
}
