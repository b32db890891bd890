/**
 * The api's own problem types ({@link dev.simrun.api.problems.ApiProblems}) and how it answers
 * them; the mapping itself, one for both services, is {@code dev.simrun.problems}.
 */
package dev.simrun.api.problems;
