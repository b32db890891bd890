/**
 * The one error mapping of the api: every error answer, ours and Micronaut's, is an {@code
 * application/problem+json} {@link dev.simrun.api.problems.Problem} with a stable {@code type} URI
 * from {@link dev.simrun.api.problems.ProblemType}.
 */
package dev.simrun.api.problems;
