/** The dataset endpoints: upload OHLCV CSV, list and read the caller's datasets. */
package dev.simrun.api.datasets;
