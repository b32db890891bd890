/**
 * The api's Prometheus scrape endpoint on a management port of its own, and the gauges read from
 * the database on a timer (decision 0035, docs/metrics.md). Meters that belong to a feature live
 * with it ({@code stream/EventHub}, {@code limits/LimitMetrics}, {@code batches/BatchMetrics}).
 */
package dev.simrun.api.metrics;
