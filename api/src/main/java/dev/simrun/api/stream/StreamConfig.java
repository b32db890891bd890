package dev.simrun.api.stream;

import dev.simrun.shared.config.Settings;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * Server-Sent Event streams ({@code simrun.stream.*}).
 *
 * @param heartbeat how often an idle stream gets a comment line, so proxies keep it open (15 s)
 * @param buffer events a stream may hold for a slow client; a client further behind is disconnected
 *     and resumes from the log with {@code Last-Event-ID} (256)
 * @param tailInterval how often the api reads the durable log for events the feed did not bring:
 *     all of them while Pub/Sub is down, otherwise only gaps (1 s)
 * @param replayPage durable events read from the log per query while replaying (500)
 * @param maxStreams streams this instance holds at most; beyond, 503 with {@code Retry-After}
 *     (20,000)
 * @param maxStreamsPerOwner streams one owner may hold open on this instance at once, both routes
 *     together (20: a console in a few tabs, each with its list and a simulation or two); beyond,
 *     429 {@code over-limit} with {@code Retry-After}, before the stream opens. At most {@code
 *     max-streams}, and far below it, so that one caller cannot take the instance's streams.
 *     Counted per instance: with several, an owner may hold this many on each
 */
@ConfigurationProperties("simrun.stream")
public record StreamConfig(
    @Bindable(defaultValue = "15s") @NotNull Duration heartbeat,
    @Bindable(defaultValue = "256") @Min(8) @Max(100_000) int buffer,
    @Bindable(defaultValue = "1s") @NotNull Duration tailInterval,
    @Bindable(defaultValue = "500") @Min(1) @Max(10_000) int replayPage,
    @Bindable(defaultValue = "20000") @Min(1) int maxStreams,
    @Bindable(defaultValue = "20") @Min(1) int maxStreamsPerOwner) {

  public StreamConfig {
    Settings.positive("simrun.stream.heartbeat", heartbeat);
    Settings.positive("simrun.stream.tail-interval", tailInterval);
    if (maxStreamsPerOwner > maxStreams) {
      throw new IllegalArgumentException(
          "simrun.stream.max-streams-per-owner must not exceed simrun.stream.max-streams, or one"
              + " caller can take every stream; were "
              + maxStreamsPerOwner
              + " and "
              + maxStreams);
    }
  }
}
