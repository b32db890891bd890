/**
 * Logs as Cloud Logging reads them (decision 0036): {@link
 * dev.simrun.shared.logging.JsonLogLayout}, one JSON object per line with the severity, the trace
 * and span of the current span and the log fields of {@link dev.simrun.shared.logging.LogFields}.
 * The services' {@code logback.xml} include {@code simrun-log-text.xml} or {@code
 * simrun-log-json.xml} from this module's resources, as {@code SIMRUN_LOG_FORMAT} says.
 */
package dev.simrun.shared.logging;
