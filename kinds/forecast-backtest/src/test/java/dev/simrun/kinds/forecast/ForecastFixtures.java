package dev.simrun.kinds.forecast;

import dev.simrun.kinds.ChunkContext;
import dev.simrun.kinds.Datasets;
import dev.simrun.kinds.Endpoints;
import io.micronaut.serde.ObjectMapper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parameters, agents and contexts shared by the forecast-backtest tests. */
final class ForecastFixtures {

  static final ObjectMapper JSON = ObjectMapper.getDefault();

  private ForecastFixtures() {}

  static ForecastBacktestKind kind() {
    return new ForecastBacktestKind(Clock.systemUTC(), JSON);
  }

  static ForecastBacktestKind kind(Clock clock, Endpoints endpoints) {
    return new ForecastBacktestKind(Datasets.NONE, endpoints, clock, JSON);
  }

  static ForecastParams.Series synthetic(int days, long seed) {
    return new ForecastParams.Series(
        new ForecastParams.Synthetic(
            days, seed, 100.0, 0.3, new ForecastParams.Seasonality(7, 5.0), 1.5),
        null,
        null);
  }

  static ForecastParams params(
      ForecastParams.Series series,
      int start,
      int end,
      int history,
      List<ForecastParams.Agent> agents,
      ForecastParams.Ensemble ensemble) {
    return new ForecastParams(series, start, end, history, agents, ensemble);
  }

  /** Every built-in agent, over 120 days, forecast days 28..118, inverse-error ensemble. */
  static ForecastParams builtIns() {
    return params(
        synthetic(120, 42),
        28,
        118,
        28,
        List.of(
            agent("naive").build(),
            agent("seasonal-naive").period(7).build(),
            agent("moving-average").window(5).build(),
            agent("holt").alpha(0.5).beta(0.1).build(),
            agent("ar").order(3).build()),
        new ForecastParams.Ensemble("inverse-error", 10));
  }

  static AgentBuilder agent(String type) {
    return new AgentBuilder(type);
  }

  /** A test-data builder for {@link ForecastParams.Agent}. */
  static final class AgentBuilder {
    private final String type;
    private String name;
    private Integer period;
    private Integer window;
    private Double alpha;
    private Double beta;
    private Integer order;
    private String url;
    private Integer timeoutMs;
    private Integer retries;
    private Integer backoffMs;
    private ForecastParams.Breaker breaker;
    private Integer latencyMs;

    AgentBuilder(String type) {
      this.type = type;
    }

    AgentBuilder name(String name) {
      this.name = name;
      return this;
    }

    AgentBuilder period(Integer period) {
      this.period = period;
      return this;
    }

    AgentBuilder window(Integer window) {
      this.window = window;
      return this;
    }

    AgentBuilder alpha(Double alpha) {
      this.alpha = alpha;
      return this;
    }

    AgentBuilder beta(Double beta) {
      this.beta = beta;
      return this;
    }

    AgentBuilder order(Integer order) {
      this.order = order;
      return this;
    }

    AgentBuilder url(String url) {
      this.url = url;
      return this;
    }

    AgentBuilder timeoutMs(Integer timeoutMs) {
      this.timeoutMs = timeoutMs;
      return this;
    }

    AgentBuilder retries(Integer retries) {
      this.retries = retries;
      return this;
    }

    AgentBuilder backoffMs(Integer backoffMs) {
      this.backoffMs = backoffMs;
      return this;
    }

    AgentBuilder breaker(Integer failures, Integer openMs) {
      this.breaker = new ForecastParams.Breaker(failures, openMs);
      return this;
    }

    AgentBuilder latencyMs(Integer latencyMs) {
      this.latencyMs = latencyMs;
      return this;
    }

    ForecastParams.Agent build() {
      return new ForecastParams.Agent(
          type, name, period, window, alpha, beta, order, url, timeoutMs, retries, backoffMs,
          breaker, latencyMs);
    }
  }

  /**
   * A context recording progress and checkpoints (thread-safe: agents run in parallel), cancelled
   * once {@link #cancel()} is called, starting from an optional checkpoint.
   */
  static final class RecordingContext implements ChunkContext {
    final List<Double> fractions = Collections.synchronizedList(new ArrayList<>());
    final List<Map<String, Object>> details = Collections.synchronizedList(new ArrayList<>());
    final List<Object> checkpoints = Collections.synchronizedList(new ArrayList<>());
    private final Object checkpoint;
    private volatile boolean cancelled;

    RecordingContext() {
      this(null);
    }

    RecordingContext(Object checkpoint) {
      this.checkpoint = checkpoint;
    }

    void cancel() {
      cancelled = true;
    }

    @Override
    public void progress(double fractionDone, Map<String, Object> details) {
      fractions.add(fractionDone);
      this.details.add(details);
    }

    @Override
    public boolean cancelled() {
      return cancelled;
    }

    @Override
    public <T> Optional<T> checkpoint(Class<T> type) {
      return Optional.ofNullable(checkpoint).map(type::cast);
    }

    @Override
    public void saveCheckpoint(Object state) {
      checkpoints.add(state);
    }
  }
}
