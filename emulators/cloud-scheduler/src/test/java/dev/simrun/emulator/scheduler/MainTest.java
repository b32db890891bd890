package dev.simrun.emulator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The standalone emulator's options. */
class MainTest {
  @Test
  void readsItsOptions() {
    EmulatorSettings s =
        Main.parse(
                new String[] {
                  "--port",
                  "0",
                  "--issuer=http://issuer",
                  "--min-attempt-deadline",
                  "PT1S",
                  "--faults",
                  "d=0.5,c=0.25",
                  "--seed",
                  "7"
                })
            .settings();
    assertThat(s.port()).isZero();
    assertThat(s.issuer()).isEqualTo("http://issuer");
    assertThat(s.minAttemptDeadline()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.faults()).isEqualTo(new FaultPlan(0.5, 0.25));
    assertThat(s.randomSeed()).isEqualTo(7);
    assertThat(Main.parse(new String[0]).settings().port()).isEqualTo(8124);
    assertThat(Main.parse(new String[] {"--help"})).isNull();
  }

  @Test
  void refusesWhatItDoesNotKnow() {
    assertThatThrownBy(() -> Main.parse(new String[] {"--queue", "q"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Main.parse(new String[] {"--faults", "r=1"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Main.parse(new String[] {"--port"}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
