-- A chunk's commit in one round trip, and the simulation row's counters updated in place
-- (docs/decisions/0017-chunk-commit-in-one-call.md).

-- Every chunk commit updates its simulation's row (chunks_done, event_seq). With chunks_done in an
-- index, each of those updates wrote a new entry into every index of the table (no HOT update):
-- one simulation of 10,000 chunks left 10,000 entries per index for one key. Admission reads the
-- active simulations' counts from the heap instead; the partial index still finds them.
DROP INDEX simulations_active;
CREATE INDEX simulations_active ON simulations (status)
    INCLUDE (chunk_count)
    WHERE status IN ('QUEUED', 'RUNNING', 'CANCELLING');

-- The fenced commit of a chunk's successful attempt, as one call: the chunk's result (only while
-- attempt p_attempt still owns it), the simulation's count and the chunk.succeeded event with the
-- next id, and then either finalize into the outbox (the last chunk) or, for a simulation being
-- cancelled, CANCELLED and simulation.cancelled when no chunk runs any more. The simulation's row
-- lock, which orders event ids as their commits, is held from the count to the commit without a
-- round trip to the client in between: called outside a transaction block, the call is the
-- transaction.
--
-- No row: the attempt no longer owns the chunk (superseded, cancelled), and nothing changed.
-- Otherwise one row: the counts after this commit, the event's id, the owner and status, the
-- finalize outbox row's id (or null) and simulation.cancelled's id (or null).
--
-- PL/pgSQL because each statement of a volatile function sees what committed before it began:
-- "does a chunk still run?" must be asked after this chunk's row lock and the simulation's row
-- lock are held, as CancelCompletion asks it, which one SQL statement (one snapshot) cannot do.
CREATE FUNCTION commit_chunk_success(
    p_simulation     uuid,
    p_idx            integer,
    p_attempt        integer,
    p_result         bytea,
    p_at             timestamptz,
    p_finalize_queue text)
RETURNS TABLE (
    done          integer,
    total         integer,
    event_id      bigint,
    sim_owner     text,
    sim_status    text,
    finalize_id   bigint,
    cancelled_id  bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    s record;
BEGIN
    UPDATE chunks
    SET status = 'SUCCEEDED', result = p_result, progress = 1, finished_at = p_at,
        lease_until = NULL, error = NULL, checkpoint = NULL
    WHERE simulation_id = p_simulation AND idx = p_idx AND attempt = p_attempt
      AND status = 'RUNNING';
    IF NOT FOUND THEN
        RETURN;
    END IF;

    UPDATE simulations
    SET chunks_done = chunks_done + 1, event_seq = event_seq + 1
    WHERE id = p_simulation
    RETURNING chunks_done, chunk_count, event_seq, owner, status, generation INTO s;

    INSERT INTO simulation_events (simulation_id, seq, type, payload, created_at)
    VALUES (p_simulation, s.event_seq, 'chunk.succeeded',
            jsonb_build_object('chunk', p_idx, 'attempt', p_attempt,
                               'chunksDone', s.chunks_done, 'chunkCount', s.chunk_count),
            p_at);

    done := s.chunks_done;
    total := s.chunk_count;
    event_id := s.event_seq;
    sim_owner := s.owner;
    sim_status := s.status;

    IF s.status = 'CANCELLING' THEN
        IF NOT EXISTS (SELECT 1 FROM chunks
                       WHERE simulation_id = p_simulation AND status = 'RUNNING') THEN
            UPDATE simulations
            SET status = 'CANCELLED', finished_at = p_at, event_seq = event_seq + 1
            WHERE id = p_simulation AND status = 'CANCELLING'
            RETURNING event_seq INTO cancelled_id;
            IF cancelled_id IS NOT NULL THEN
                INSERT INTO simulation_events (simulation_id, seq, type, payload, created_at)
                VALUES (p_simulation, cancelled_id, 'simulation.cancelled', '{}'::jsonb, p_at);
            END IF;
        END IF;
    ELSIF s.chunks_done >= s.chunk_count THEN
        INSERT INTO outbox (simulation_id, task_type, generation, queue, available_at)
        VALUES (p_simulation, 'finalize', s.generation, p_finalize_queue, p_at)
        RETURNING id INTO finalize_id;
    END IF;
    RETURN NEXT;
END;
$$;
