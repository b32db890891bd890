/**
 * SimRun's platform: the simulation domain and its status rules, persistence, dispatch, events,
 * recovery, dead letters, datasets and the adapters to Google Cloud, running the kinds through
 * their SPI ({@code dev.simrun.kinds}). Organised by feature; only adapter classes import Google
 * SDKs.
 */
package dev.simrun.shared;
