-- SimRun's store of record: simulations, their chunks, the outbox that turns chunks into
-- Cloud Tasks tasks, the durable event log and the dead letters.

CREATE TABLE simulations (
    id               uuid        PRIMARY KEY,
    owner            text        NOT NULL,
    kind             text        NOT NULL,
    name             text,
    priority         text        NOT NULL CHECK (priority IN ('interactive', 'batch')),
    status           text        NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED',
                                     'FAILED', 'CANCELLING', 'CANCELLED', 'PARTIAL')),
    params           jsonb       NOT NULL,
    units            bigint      NOT NULL CHECK (units > 0),
    units_per_chunk  integer     NOT NULL CHECK (units_per_chunk > 0),
    chunk_count      integer     NOT NULL CHECK (chunk_count > 0),
    -- Chunks in a terminal state. The commit that makes it equal chunk_count enqueues finalize:
    -- the row lock serialises those commits, so exactly one of them sees the last increment.
    chunks_done      integer     NOT NULL DEFAULT 0,
    idempotency_key  text,
    result           bytea,
    error            text,
    event_seq        bigint      NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz,
    CONSTRAINT simulations_idempotency UNIQUE (owner, idempotency_key)
);

-- Listing a caller's simulations, newest first, with keyset pagination (and by status).
CREATE INDEX simulations_owner_created ON simulations (owner, created_at DESC, id DESC);
CREATE INDEX simulations_owner_status_created
    ON simulations (owner, status, created_at DESC, id DESC);

CREATE TABLE chunks (
    simulation_id  uuid             NOT NULL REFERENCES simulations (id) ON DELETE CASCADE,
    idx            integer          NOT NULL,
    unit_from      bigint           NOT NULL,
    unit_to        bigint           NOT NULL,
    status         text             NOT NULL DEFAULT 'PENDING'
                       CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    -- Bumped when the chunk is dispatched anew (replay, reconcile): names a new task.
    generation     integer          NOT NULL DEFAULT 0,
    -- Bumped by every claim; fences the commit so a stale attempt cannot write.
    attempt        integer          NOT NULL DEFAULT 0,
    lease_until    timestamptz,
    progress       double precision NOT NULL DEFAULT 0,
    result         bytea,
    error          text,
    started_at     timestamptz,
    finished_at    timestamptz,
    PRIMARY KEY (simulation_id, idx),
    CHECK (unit_to > unit_from)
);

-- Counting a simulation's chunks by status for GET /simulations/{id}.
CREATE INDEX chunks_simulation_status ON chunks (simulation_id, status);

-- Tasks to create in Cloud Tasks. A row is written in the transaction that makes the task due
-- and deleted once CreateTask succeeded (or answered ALREADY_EXISTS): nothing accepted is lost.
CREATE TABLE outbox (
    id             bigserial   PRIMARY KEY,
    simulation_id  uuid        NOT NULL REFERENCES simulations (id) ON DELETE CASCADE,
    task_type      text        NOT NULL CHECK (task_type IN ('chunk', 'finalize')),
    chunk_idx      integer,
    generation     integer     NOT NULL,
    queue          text        NOT NULL,
    available_at   timestamptz NOT NULL,
    claimed_until  timestamptz,
    attempts       integer     NOT NULL DEFAULT 0,
    last_error     text,
    CHECK ((task_type = 'chunk') = (chunk_idx IS NOT NULL))
);

CREATE INDEX outbox_due ON outbox (available_at, id);

-- Durable events, appended in the transaction of the change they describe; seq is the SSE id.
CREATE TABLE simulation_events (
    simulation_id  uuid        NOT NULL REFERENCES simulations (id) ON DELETE CASCADE,
    seq            bigint      NOT NULL,
    type           text        NOT NULL,
    payload        jsonb       NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (simulation_id, seq)
);

-- Chunks that exhausted their attempts or failed permanently, for operators to replay.
CREATE TABLE dead_letters (
    id                uuid        PRIMARY KEY,
    simulation_id     uuid        NOT NULL REFERENCES simulations (id) ON DELETE CASCADE,
    chunk_idx         integer     NOT NULL,
    generation        integer     NOT NULL,
    task_name         text        NOT NULL,
    payload           jsonb       NOT NULL,
    error             text        NOT NULL,
    attempts          integer     NOT NULL,
    first_failure_at  timestamptz NOT NULL,
    last_failure_at   timestamptz NOT NULL,
    status            text        NOT NULL DEFAULT 'OPEN'
                          CHECK (status IN ('OPEN', 'REPLAYED', 'DISCARDED')),
    UNIQUE (simulation_id, chunk_idx, generation)
);

CREATE INDEX dead_letters_simulation ON dead_letters (simulation_id);
