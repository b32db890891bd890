/** The api's side of recovery: the reconciler on a timer in every instance. */
package dev.simrun.api.recovery;
