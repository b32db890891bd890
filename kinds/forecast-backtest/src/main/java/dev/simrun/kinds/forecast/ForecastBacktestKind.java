package dev.simrun.kinds.forecast;

import dev.simrun.kinds.ChunkCancelledException;
import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.ChunkLoad;
import dev.simrun.kinds.Datasets;
import dev.simrun.kinds.Endpoints;
import dev.simrun.kinds.FieldError;
import dev.simrun.kinds.PermanentChunkFailure;
import dev.simrun.kinds.ResultTable;
import dev.simrun.kinds.SimulationKind;
import dev.simrun.kinds.UnitCost;
import dev.simrun.kinds.UnitRange;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code forecast-backtest}: forecasting agents walked forward over a daily series, and an ensemble
 * of them.
 *
 * <h2>Units</h2>
 *
 * One unit is one forecast day: unit {@code u} is day {@code d = start + u}, for {@code d} in
 * {@code [start, end]}. On day {@code d} every agent sees the {@code history} values of days {@code
 * d - history + 1 .. d} and predicts the value of day {@code d + 1}. A chunk is a range of days.
 *
 * <h2>Agents</h2>
 *
 * {@code naive}, {@code seasonal-naive}, {@code moving-average}, {@code holt} and {@code ar} are
 * pure functions of the window ({@link Forecasters}); {@code http} asks an external model ({@link
 * HttpAgent}) with a timeout, retries and a circuit breaker, and a failed call leaves that agent's
 * prediction for the day missing (null, with the reason in the day's {@code failures}). Any agent
 * may add {@code latencyMs} of pause before each prediction. The agents of one day run in parallel,
 * each on its own virtual thread, so a day takes as long as its slowest agent; waits check {@link
 * ChunkContext#cancelled()} every {@value Pause#SLICE_MILLIS} ms ({@link DayCalls}).
 *
 * <h2>Ensemble and metrics</h2>
 *
 * Chunks return the agents' predictions only. {@link #reduce} orders all days, combines each day's
 * predictions with the {@link Ensemble} method and computes the {@link Metrics} of every agent and
 * of the ensemble. Because the ensemble (whose {@code inverse-error} weights look back over earlier
 * days) is computed there from the days alone, the result is the same, bit for bit, for any split
 * into chunks, as long as the agents' predictions are: always for the built-in agents (the series
 * and every agent are deterministic, see {@link SyntheticSeries}); for {@code http} agents only as
 * far as the external model and the network are.
 *
 * <h2>Retries</h2>
 *
 * A chunk saves the days it finished as a checkpoint after each day; a retried attempt resumes
 * after them instead of asking slow agents again.
 */
@Singleton
public final class ForecastBacktestKind
    implements SimulationKind<ForecastParams, ForecastChunkResult, ForecastResult> {

  public static final String NAME = "forecast-backtest";

  public static final String NAME_PATTERN = "[A-Za-z0-9._-]{1,40}";
  public static final int MAX_DAYS = 20_000;
  public static final int MAX_HISTORY = 2_000;
  public static final int MAX_PERIOD = 366;
  public static final double MAX_MAGNITUDE = 1e9;
  public static final int MAX_AGENTS = 20;
  public static final int MAX_AR_ORDER = 20;

  /**
   * The longest {@code latencyMs} of one agent: one simulated model call, a pause before each
   * prediction.
   */
  public static final int MAX_LATENCY_MS = 10_000;

  public static final int MAX_URL_LENGTH = 2_048;
  public static final int MAX_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_TIMEOUT_MS = 2_000;
  public static final int MAX_RETRIES = 5;
  public static final int DEFAULT_RETRIES = 2;
  public static final int MAX_BACKOFF_MS = 10_000;
  public static final int DEFAULT_BACKOFF_MS = 100;
  public static final int MAX_BREAKER_FAILURES = 100;
  public static final int DEFAULT_BREAKER_FAILURES = 5;
  public static final int MAX_BREAKER_OPEN_MS = 3_600_000;
  public static final int DEFAULT_BREAKER_OPEN_MS = 30_000;
  public static final int MAX_ENSEMBLE_WINDOW = 100;
  public static final int DEFAULT_ENSEMBLE_WINDOW = 7;

  /**
   * The longest one day may take, counting every agent's latency, attempts and backoffs: a chunk of
   * one day must end well within the worker's soft time limit (9 minutes by default).
   */
  public static final long MAX_DAY_MILLIS = 120_000;

  /** The most arithmetic one simulation may ask for (days × operations per day, roughly). */
  public static final long MAX_WORK = 2_000_000_000L;

  /**
   * The most simulated latency one simulation may ask for, counted per call: days × the sum of the
   * agents' {@code latencyMs} (30 minutes). The 83-day example with 5 agents of 2.5 s asks for 17.3
   * minutes. Each call parks a thread of a worker slot for its pause, so this bounds how long one
   * caller can hold slots doing nothing.
   */
  public static final long MAX_TOTAL_LATENCY_MS = 30 * 60_000L;

  /** CPU time of one operation of the built-in agents (their {@code workPerDay}), roughly. */
  static final double NANOS_PER_OPERATION = 1.0;

  private final List<SeriesSource> sources;
  private final Datasets datasets;
  private final Endpoints endpoints;
  private final CircuitBreakers breakers;
  private final ObjectMapper json;

  /** On generated series only, calling no endpoints: for direct runs and tests. */
  public ForecastBacktestKind(Clock clock, ObjectMapper json) {
    this(Datasets.NONE, Endpoints.NONE, clock, json);
  }

  /**
   * On generated series and on a column of an uploaded dataset.
   *
   * @param endpoints what the http agents call their models through
   * @param clock the time of the circuit breakers
   * @param json the codec of the http agents' requests and answers
   */
  @Inject
  public ForecastBacktestKind(
      Datasets datasets, Endpoints endpoints, Clock clock, ObjectMapper json) {
    this.sources = List.of(new SyntheticSeries(), new DatasetSeries(datasets));
    this.datasets = datasets;
    this.endpoints = endpoints;
    this.breakers = new CircuitBreakers(clock);
    this.json = json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<ForecastParams> paramsType() {
    return ForecastParams.class;
  }

  @Override
  public Class<ForecastChunkResult> chunkResultType() {
    return ForecastChunkResult.class;
  }

  @Override
  public Class<ForecastResult> resultType() {
    return ForecastResult.class;
  }

  @Override
  public List<FieldError> validate(ForecastParams params) {
    return ForecastValidation.errors(params, datasets, endpoints.egress());
  }

  @Override
  public List<String> datasetIds(ForecastParams params) {
    return params.series() != null && params.series().dataset() != null
        ? List.of(params.series().dataset())
        : List.of();
  }

  @Override
  public long unitCount(ForecastParams params) {
    return ForecastValidation.plan(params, datasets).days();
  }

  /**
   * I/O-bound: a day waits on its agents (model calls over HTTP, {@code latencyMs}); the agents
   * without waits are cheap enough (validation bounds the work) that a chunk mostly waits.
   */
  @Override
  public ChunkLoad chunkLoad() {
    return ChunkLoad.IO;
  }

  /** Every built-in agent over 60 synthetic days, no latency. */
  @Override
  public List<String> warmUpParams() {
    return List.of(
        """
        {"series": {"synthetic": {"days": 90, "seed": 1}}, "start": 30, "end": 88, "history": 28,
         "agents": [{"type": "naive"}, {"type": "seasonal-naive", "period": 7},
                    {"type": "moving-average", "window": 7}, {"type": "holt", "alpha": 0.3, "beta": 0.1},
                    {"type": "ar", "order": 3}]}
        """);
  }

  /**
   * A unit is one day: it waits for its slowest agent's usual time (latency plus, for http, one
   * attempt's timeout) and computes what the built-in agents do that day.
   */
  @Override
  public UnitCost unitCost(ForecastParams params) {
    ForecastPlan plan = ForecastValidation.plan(params, datasets);
    return new UnitCost(
        Math.round(plan.workPerDay() * NANOS_PER_OPERATION),
        plan.typicalDayMillis() * 1_000_000L,
        0);
  }

  // ------------------------------------------------------------------------------- runChunk

  @Override
  public ForecastChunkResult runChunk(
      ForecastParams params, UnitRange range, ChunkContext context) {
    ForecastPlan plan;
    try {
      plan = ForecastValidation.plan(params, datasets);
    } catch (IllegalArgumentException e) {
      throw new PermanentChunkFailure(e.getMessage(), e);
    }
    if (range.to() > plan.days()) {
      throw new PermanentChunkFailure(
          "unit range " + range + " is beyond the " + plan.days() + " forecast days");
    }
    double[] values = values(params.series());
    List<AgentSpec> specs = plan.agents();
    BooleanSupplier cancelled = context::cancelled;
    List<Forecaster> agents = specs.stream().map(a -> forecaster(a, cancelled)).toList();

    List<DayForecast> done = new ArrayList<>(resume(context, range, plan));
    Metrics.Accumulator[] running = new Metrics.Accumulator[specs.size()];
    Arrays.setAll(running, i -> new Metrics.Accumulator());
    for (DayForecast day : done) {
      for (int a = 0; a < specs.size(); a++) {
        running[a].add(day.last(), day.actual(), day.predictions().get(a));
      }
    }
    double size = range.size();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (long u = range.from() + done.size(); u < range.to(); u++) {
        if (context.cancelled()) {
          throw new ChunkCancelledException();
        }
        int day = plan.start() + (int) u;
        double[] history = Arrays.copyOfRange(values, day - plan.history() + 1, day + 1);
        DayCalls.Outcome[] outcomes = DayCalls.run(pool, specs, agents, day, history, context);

        List<Double> predictions = new ArrayList<>(agents.size());
        List<DayForecast.Failure> failures = new ArrayList<>();
        for (int a = 0; a < agents.size(); a++) {
          predictions.add(outcomes[a].prediction());
          if (outcomes[a].failure() != null) {
            failures.add(new DayForecast.Failure(specs.get(a).name(), outcomes[a].failure()));
          }
        }
        DayForecast forecast =
            new DayForecast(day, values[day], values[day + 1], predictions, failures);
        done.add(forecast);
        double index = u - range.from();
        for (int a = 0; a < agents.size(); a++) {
          running[a].add(forecast.last(), forecast.actual(), predictions.get(a));
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("day", day);
          details.put("agent", specs.get(a).name());
          // What the day's predictions are for: the console draws both as they come.
          details.put("actual", forecast.actual());
          if (predictions.get(a) != null) {
            details.put("prediction", predictions.get(a));
          } else {
            details.put("failure", outcomes[a].failure());
          }
          Double mae = running[a].mae();
          if (mae != null) {
            details.put("error", mae);
          }
          context.progress((index + (a + 1.0) / agents.size()) / size, details);
        }
        context.saveCheckpoint(new ForecastCheckpoint(range.from(), done));
      }
    }
    return new ForecastChunkResult(done);
  }

  /** The days a checkpoint of this very chunk holds, if it is consistent with the plan. */
  private static List<DayForecast> resume(
      ChunkContext context, UnitRange range, ForecastPlan plan) {
    return context
        .checkpoint(ForecastCheckpoint.class)
        .filter(c -> c.from() == range.from() && c.days().size() <= range.size())
        .filter(
            c -> {
              for (int i = 0; i < c.days().size(); i++) {
                DayForecast day = c.days().get(i);
                if (day.day() != plan.start() + range.from() + i
                    || day.predictions().size() != plan.agents().size()) {
                  return false;
                }
              }
              return true;
            })
        .map(ForecastCheckpoint::days)
        .orElse(List.of());
  }

  private double[] values(ForecastParams.Series series) {
    for (SeriesSource source : sources) {
      if (source.handles(series)) {
        return source.values(series);
      }
    }
    throw new PermanentChunkFailure("no series source reads " + series);
  }

  private Forecaster forecaster(AgentSpec spec, BooleanSupplier cancelled) {
    int k = spec.intParam();
    return switch (spec.type()) {
      case AgentTypes.NAIVE -> (day, h) -> Forecasters.naive(h);
      case AgentTypes.SEASONAL_NAIVE -> (day, h) -> Forecasters.seasonalNaive(h, k);
      case AgentTypes.MOVING_AVERAGE -> (day, h) -> Forecasters.movingAverage(h, k);
      case AgentTypes.HOLT -> (day, h) -> Forecasters.holt(h, spec.alpha(), spec.beta());
      case AgentTypes.AR -> (day, h) -> Forecasters.ar(h, k);
      case AgentTypes.HTTP ->
          new HttpAgent(
              spec.name(),
              spec.url(),
              spec.retry(),
              breakers.get(spec.url().toString(), spec.breakerFailures(), spec.breakerOpen()),
              endpoints,
              json,
              cancelled);
      default -> throw new IllegalStateException("no agent type " + spec.type());
    };
  }

  // --------------------------------------------------------------------------------- reduce

  /**
   * Orders the chunks' days, computes the ensemble and every metric.
   *
   * @throws IllegalArgumentException unless the chunks hold each forecast day exactly once
   */
  @Override
  public ForecastResult reduce(ForecastParams params, List<ForecastChunkResult> chunkResults) {
    ForecastPlan plan = ForecastValidation.plan(params, datasets);
    List<DayForecast> days = ForecastResults.days(plan, chunkResults);
    if (days.size() != plan.days()) {
      throw new IllegalArgumentException(
          "chunk results hold " + days.size() + " of the " + plan.days() + " forecast days");
    }
    return ForecastResults.of(plan, days);
  }

  /**
   * The result over the days of the chunks that succeeded: metrics over those days, and the {@code
   * inverse-error} ensemble looking back over those of them inside its window (the missing days
   * have no errors to weigh). {@code days} still counts every day asked for; {@code daysRan} the
   * days present.
   */
  @Override
  public Optional<ForecastResult> reducePartial(
      ForecastParams params, List<ForecastChunkResult> succeededChunks) {
    ForecastPlan plan = ForecastValidation.plan(params, datasets);
    return Optional.of(ForecastResults.of(plan, ForecastResults.days(plan, succeededChunks)));
  }

  /**
   * One row per day and agent, then the day's ensemble (agent {@code ensemble}): the prediction,
   * the actual value, the error (prediction minus actual) and, for a failed agent, why.
   */
  @Override
  public Optional<ResultTable> table(ForecastParams params, ForecastResult result) {
    return Optional.of(ForecastResults.table(result));
  }

  /** The days, the best agent and its MAE, and the ensemble's MAE. */
  @Override
  public Map<String, Object> summary(ForecastResult result) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("days", result.days());
    if (result.daysRan() < result.days()) {
      summary.put("daysRan", result.daysRan());
    }
    summary.put("bestAgent", result.best());
    summary.put(
        "bestMae",
        result.agents().stream()
            .filter(a -> a.name().equals(result.best()))
            .findFirst()
            .map(a -> a.metrics().mae())
            .orElse(null));
    summary.put("ensemble", result.ensemble());
    summary.put("ensembleMae", result.ensembleMetrics().mae());
    return summary;
  }
}
