/**
 * The one error mapping of the api and the worker: every error answer, a service's own and
 * Micronaut's (unknown route, wrong method, media type, bad JSON, unparseable parameters), is an
 * {@code application/problem+json} {@link dev.simrun.problems.Problem} with a stable {@code type}
 * URI. Controllers throw; the handlers here map: {@link dev.simrun.problems.ProblemException}, a
 * database that cannot be reached, a cursor no page handed out, an admission refused.
 *
 * <p>The problem types every service may answer are {@link dev.simrun.problems.ProblemTypes}; each
 * service keeps its own beside them and says, through one {@link dev.simrun.problems.ProblemPolicy}
 * bean, what differs in how it answers.
 */
package dev.simrun.problems;
