package dev.simrun.shared.testing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which thread renders a service's metrics page: a gauge's value is read while the page is written,
 * so a gauge that records the thread reading it tells.
 */
public final class RenderingThread {
  private RenderingThread() {}

  /** The thread that read a probe gauge in {@code registry} while {@code scrape} ran. */
  public static Thread of(MeterRegistry registry, Runnable scrape) {
    AtomicReference<Thread> renderer = new AtomicReference<>();
    Gauge probe =
        Gauge.builder(
                "simrun_test_renderer",
                () -> {
                  renderer.set(Thread.currentThread());
                  return 1;
                })
            .register(registry);
    try {
      scrape.run();
    } finally {
      registry.remove(probe);
    }
    if (renderer.get() == null) {
      throw new AssertionError("the scrape never read the probe gauge: it is not on the page");
    }
    return renderer.get();
  }
}
