/**
 * Fixtures for the tests of every module: plain Java, no Micronaut, so the emulator's tests use
 * them as well as the services'. Depend on this module in test scope only.
 */
package dev.simrun.testing;
