package dev.simrun.kinds;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One kind of simulation: how its parameters are checked, how its work splits into units, how a
 * chunk of units runs, and how chunk results combine into the final result.
 *
 * <p>Kinds are plain Java: no HTTP, JDBC or Google types. The pipeline serializes {@code P}, {@code
 * C} and {@code R} as JSON, so they are {@code @Serdeable} records.
 *
 * <p>Determinism is part of the contract: {@link #runChunk} must depend only on the parameters and
 * the unit range (randomness keyed by seed and unit index, never by thread or time), and {@link
 * #reduce} must give the same result for any split of the same units into chunks.
 *
 * @param <P> the parameters
 * @param <C> the result of one chunk
 * @param <R> the final result
 */
public interface SimulationKind<P, C, R> {

  /** The name callers use in {@code kind}, e.g. {@code strategy-backtest}. */
  String name();

  Class<P> paramsType();

  Class<C> chunkResultType();

  Class<R> resultType();

  /**
   * Checks parameters that parsed; returns every problem found, each naming its field with a
   * JSON-pointer-like path (e.g. {@code grid.fast[2]}). Empty when the parameters are good.
   */
  List<FieldError> validate(P params);

  /** How many units of work the parameters describe; at least 1 for valid parameters. */
  long unitCount(P params);

  /**
   * The ids of the uploaded datasets the parameters read: the api checks that they belong to the
   * caller. None by default.
   */
  default List<String> datasetIds(P params) {
    return List.of();
  }

  /**
   * What one unit costs, estimated from the parameters alone: when the caller gives no chunk size,
   * the planner picks one from this and the slots that will run the chunks.
   */
  UnitCost unitCost(P params);

  /**
   * What this kind's chunks mostly do, whatever their parameters: the worker decides whether a
   * chunk may start from this alone, before it reads the chunk. CPU-bound by default; a kind whose
   * chunks mostly wait answers {@link ChunkLoad#IO}.
   */
  default ChunkLoad chunkLoad() {
    return ChunkLoad.CPU;
  }

  /**
   * Small parameters, as JSON, whose first units a worker runs once when it starts, before it takes
   * pushes: the first real chunk then finds this kind's code loaded and compiled instead of paying
   * for it (hundreds of milliseconds on a cold JVM). Each should run in a few tens of milliseconds.
   * None by default.
   */
  default List<String> warmUpParams() {
    return List.of();
  }

  /**
   * Runs units {@code [range.from(), range.to())}. Throw {@link PermanentChunkFailure} when a retry
   * cannot succeed; any other exception is retried.
   */
  C runChunk(P params, UnitRange range, ChunkContext context);

  /** Combines all chunk results, given in chunk order, into the final result. */
  R reduce(P params, List<C> chunkResults);

  /**
   * Combines the results of the chunks that succeeded, in chunk order, when others failed and the
   * simulation's failure policy tolerates that (its status becomes PARTIAL). A kind without a
   * meaningful partial result answers empty, and the simulation FAILS instead; that is the default.
   */
  default Optional<R> reducePartial(P params, List<C> succeededChunks) {
    return Optional.empty();
  }

  /**
   * The result as a table for {@code result.csv}: one row per unit or per whatever the kind's
   * natural row is (a unit of a backtest, a day and agent of a forecast). None by default, and then
   * the api answers that the kind has no CSV form.
   */
  default Optional<ResultTable> table(P params, R result) {
    return Optional.empty();
  }

  /**
   * A few fields that say how the result came out, for the {@code simulation.succeeded} event
   * (kilobytes at most: the result itself is fetched by its link). None by default.
   */
  default Map<String, Object> summary(R result) {
    return Map.of();
  }
}
