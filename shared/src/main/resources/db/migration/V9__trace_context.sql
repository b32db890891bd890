-- Tracing (decision 0036): the W3C trace context of the request that created a simulation (a submit,
-- or a batch trigger). Its tasks are created later, by whichever api instance drains the outbox, and
-- its finalize task by a worker; each sends this context as the task's traceparent header, so one
-- trace shows the simulation from submit to finalize. Null when the request was not traced.
ALTER TABLE simulations
    ADD COLUMN traceparent text,
    ADD COLUMN tracestate text;
