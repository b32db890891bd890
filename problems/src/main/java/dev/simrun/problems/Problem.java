package dev.simrun.problems;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.simrun.kinds.FieldError;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.net.URI;
import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every error answer.
 *
 * @param type stable URI of the kind of problem, see {@link ProblemType}
 * @param instance the request path the problem occurred on
 * @param errors each invalid field or parameter, when the problem is about some; else absent
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
    URI type,
    String title,
    int status,
    String detail,
    @Nullable String instance,
    @Nullable List<FieldError> errors) {}
