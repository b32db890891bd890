package dev.simrun.emulator.scheduler;

import dev.simrun.emulator.common.GoogleRest;
import java.util.Map;

/** JSON for the emulator's own endpoints (the Cloud Scheduler API is printed by JsonFormat). */
final class StatsJson {
  private StatsJson() {}

  static String write(EmulatorStats s) {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"attempts\":").append(s.attempts());
    b.append(",\"successes\":").append(s.successes());
    b.append(",\"failures\":").append(s.failures());
    b.append(",\"inFlight\":").append(s.inFlight());
    b.append(",\"jobs\":{");
    boolean first = true;
    for (Map.Entry<String, EmulatorStats.Job> e : s.jobs().entrySet()) {
      EmulatorStats.Job j = e.getValue();
      b.append(first ? "" : ",").append(GoogleRest.quote(e.getKey())).append(":{");
      b.append("\"state\":").append(GoogleRest.quote(j.state()));
      b.append(",\"executions\":").append(j.executions());
      b.append(",\"attempts\":").append(j.attempts());
      b.append(",\"successes\":").append(j.successes());
      b.append(",\"failures\":").append(j.failures());
      b.append(",\"inFlight\":").append(j.inFlight());
      b.append(",\"duplicatesInjected\":").append(j.duplicatesInjected());
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
        + "}";
  }
}
