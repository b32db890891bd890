/** OHLCV datasets: reading and checking uploads, storing them compactly, reading them back. */
package dev.simrun.shared.datasets;
