-- Failure handling: a per-simulation failure policy, the first failure time of a chunk (for its
-- dead letter), checkpoints of long chunks, and dead letters an operator can find and resolve.

-- failFast is 0: the first FAILED chunk fails the simulation. tolerate N allows N, giving PARTIAL.
ALTER TABLE simulations
    ADD COLUMN max_failed_chunks integer NOT NULL DEFAULT 0 CHECK (max_failed_chunks >= 0),
    -- Bumped each time a replay resumes a finished simulation: names its next finalize task.
    ADD COLUMN generation integer NOT NULL DEFAULT 0;

ALTER TABLE chunks
    ADD COLUMN first_failure_at timestamptz,
    -- Saved by a kind during a long chunk, fenced by the attempt; a retry resumes from it.
    ADD COLUMN checkpoint bytea;

ALTER TABLE dead_letters
    ADD COLUMN owner       text,
    ADD COLUMN permanent   boolean     NOT NULL DEFAULT false,
    ADD COLUMN created_at  timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN resolved_at timestamptz;
UPDATE dead_letters d SET owner = s.owner FROM simulations s WHERE s.id = d.simulation_id;
ALTER TABLE dead_letters ALTER COLUMN owner SET NOT NULL;

-- An owner's dead letters, newest first, with keyset pagination; and the open ones.
CREATE INDEX dead_letters_owner_created ON dead_letters (owner, created_at DESC, id DESC);
CREATE INDEX dead_letters_open ON dead_letters (simulation_id) WHERE status = 'OPEN';
