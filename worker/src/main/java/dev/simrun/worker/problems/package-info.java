/**
 * The worker's one error mapping: every error answer, the worker's own and Micronaut's, is an
 * {@code application/problem+json} {@link dev.simrun.worker.problems.Problem} with a stable {@code
 * type} URI from {@link dev.simrun.worker.problems.ProblemType}.
 */
package dev.simrun.worker.problems;
