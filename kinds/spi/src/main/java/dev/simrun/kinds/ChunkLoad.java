package dev.simrun.kinds;

/**
 * What a kind's chunks spend their time on. A worker limits how many chunks of each load run at
 * once, apart: CPU-bound chunks to about its cores, I/O-bound ones much higher.
 */
public enum ChunkLoad {
  /**
   * Computing. More such chunks at once than the worker has cores do not finish sooner: they share
   * the cores and each holds its working set in memory.
   */
  CPU,
  /**
   * Mostly waiting: on external calls, modelled latency or the database. Many can run at once on a
   * few cores, each holding little memory.
   */
  IO
}
