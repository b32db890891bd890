-- Batches (decision 0031): a named list of simulation templates and the policies of its runs.
-- Operators define them through the api; Cloud Scheduler (or an operator) starts runs.
CREATE TABLE batches (
    name             text        PRIMARY KEY,
    -- Whose simulations a run creates: the operator who last defined the batch.
    owner            text        NOT NULL,
    -- The submit bodies, as given (a JSON array).
    templates        jsonb       NOT NULL,
    overlap          text        NOT NULL CHECK (overlap IN ('skip', 'cancelPrevious', 'allow')),
    deadline_seconds bigint      CHECK (deadline_seconds > 0),
    fail_fast_first  integer     NOT NULL DEFAULT 0 CHECK (fail_fast_first >= 0),
    version          bigint      NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

-- One run of a batch. A trigger's key (Cloud Scheduler's schedule time, or a manual run's
-- Idempotency-Key) names at most one run: retries and duplicate deliveries find it.
CREATE TABLE batch_runs (
    id             uuid        PRIMARY KEY,
    batch_name     text        NOT NULL,
    trigger        text        NOT NULL CHECK (trigger IN ('scheduler', 'manual')),
    trigger_key    text        NOT NULL,
    schedule_time  timestamptz,
    requested_by   text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED',
                                   'CANCELLED', 'TIMED_OUT', 'SKIPPED', 'MISSED')),
    reason         text,
    -- A run FAILED only because simulations failed goes on when one of them is resumed (a replayed
    -- dead letter); a run ended by its policies (deadline, failFastFirst) does not.
    reopenable     boolean     NOT NULL DEFAULT false,
    owner          text        NOT NULL,
    deadline_at    timestamptz,
    fail_fast_first integer    NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    ended_at       timestamptz,
    CONSTRAINT batch_runs_trigger UNIQUE (batch_name, trigger_key)
);

CREATE INDEX batch_runs_by_batch ON batch_runs (batch_name, created_at DESC, id DESC);
-- The supervisor's scan: runs still going.
CREATE INDEX batch_runs_running ON batch_runs (created_at) WHERE status = 'RUNNING';

-- Each status a run has been in, in order: runs' transitions are durable.
CREATE TABLE batch_run_transitions (
    run_id      uuid        NOT NULL REFERENCES batch_runs (id) ON DELETE CASCADE,
    seq         integer     NOT NULL,
    status      text        NOT NULL,
    reason      text,
    at          timestamptz NOT NULL,
    PRIMARY KEY (run_id, seq)
);

-- A simulation a run created, and its place in the batch's list of templates.
ALTER TABLE simulations
    ADD COLUMN batch_run_id   uuid REFERENCES batch_runs (id),
    ADD COLUMN batch_position integer;

CREATE INDEX simulations_batch_run ON simulations (batch_run_id, batch_position)
    WHERE batch_run_id IS NOT NULL;
