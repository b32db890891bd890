/**
 * Tracing (decision 0036): the W3C trace context a simulation is stored with and sends along with
 * its tasks and events ({@link dev.simrun.shared.tracing.TraceContext}), and the spans the services
 * open around the steps of a chunk or a finalize ({@link dev.simrun.shared.tracing.Tracing}). Only
 * the OpenTelemetry API is used here; the SDK, its sampler and exporters are the services' runtime,
 * and without them every span is a no-op.
 */
package dev.simrun.shared.tracing;
