/**
 * The worker's Prometheus scrape endpoint, on a management port of its own (decision 0035). The
 * meters themselves live with the features they measure ({@code chunks/ChunkMetrics}).
 */
package dev.simrun.worker.metrics;
