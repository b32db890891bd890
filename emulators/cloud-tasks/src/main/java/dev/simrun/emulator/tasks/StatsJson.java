package dev.simrun.emulator.tasks;

import dev.simrun.emulator.common.GoogleRest;
import java.util.Map;

/** JSON for the emulator's own endpoints (the Cloud Tasks API itself is printed by JsonFormat). */
final class StatsJson {
  private StatsJson() {}

  static String write(EmulatorStats s) {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"attempts\":").append(s.attempts());
    b.append(",\"successes\":").append(s.successes());
    b.append(",\"failures\":").append(s.failures());
    b.append(",\"inFlight\":").append(s.inFlight());
    b.append(",\"tasks\":").append(s.tasks());
    b.append(",\"queues\":{");
    boolean first = true;
    for (Map.Entry<String, EmulatorStats.Queue> e : s.queues().entrySet()) {
      EmulatorStats.Queue q = e.getValue();
      b.append(first ? "" : ",").append(GoogleRest.quote(e.getKey())).append(":{");
      b.append("\"state\":").append(GoogleRest.quote(q.state()));
      b.append(",\"tasks\":").append(q.tasks());
      b.append(",\"inFlight\":").append(q.inFlight());
      b.append(",\"attempts\":").append(q.attempts());
      b.append(",\"successes\":").append(q.successes());
      b.append(",\"failures\":").append(q.failures());
      b.append(",\"deletedAfterRetries\":").append(q.deletedAfterRetries());
      b.append(",\"duplicatesInjected\":").append(q.duplicatesInjected());
      b.append(",\"responsesDropped\":").append(q.responsesDropped());
      b.append(",\"effectiveDispatchesPerSecond\":").append(q.effectiveDispatchesPerSecond());
      b.append('}');
      first = false;
    }
    return b.append("}}").toString();
  }

  static String write(FaultPlan f) {
    return "{\"duplicateDelivery\":"
        + f.duplicateDelivery()
        + ",\"concurrentDuplicate\":"
        + f.concurrentDuplicate()
        + ",\"dropResponse\":"
        + f.dropResponse()
        + "}";
  }
}
