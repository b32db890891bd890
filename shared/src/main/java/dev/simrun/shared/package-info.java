/**
 * SimRun's shared core: the simulation domain and its status rules, the simulation kinds,
 * persistence and the adapters to Google Cloud. Organised by feature; only adapter classes import
 * Google SDKs.
 */
package dev.simrun.shared;
