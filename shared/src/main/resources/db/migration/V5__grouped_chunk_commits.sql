-- Chunk commits grouped, each group in one round trip, and the simulation row's counters updated
-- in place
-- (docs/decisions/0017-grouped-chunk-claims-and-commits.md).

-- Every chunk commit updates its simulation's row (chunks_done, event_seq). With chunks_done in an
-- index, each of those updates wrote a new entry into every index of the table (no HOT update):
-- one simulation of 10,000 chunks left 10,000 entries per index for one key. Admission reads the
-- active simulations' counts from the heap instead; the partial index still finds them.
DROP INDEX simulations_active;
CREATE INDEX simulations_active ON simulations (status)
    INCLUDE (chunk_count)
    WHERE status IN ('QUEUED', 'RUNNING', 'CANCELLING');

-- The fenced commits of chunks' successful attempts, any number in one call: each chunk's result
-- (only while its attempt still owns it); then, simulation by simulation in id order, one update
-- of the simulation's row counting them and taking as many event ids, one chunk.succeeded per
-- chunk in chunk order, and either finalize into the outbox (the last chunk) or, for a simulation
-- being cancelled, CANCELLED and simulation.cancelled when no chunk runs any more. Called outside
-- a transaction block, the call is the transaction: a simulation's row lock, which orders event
-- ids as their commits, is held from the count to the commit without a round trip to the client.
-- Chunk rows are all locked before any simulation row, and simulation rows in id order, so two
-- calls cannot wait for each other in a circle unless they commit the same chunk.
--
-- One row per chunk committed (p_ord: its position in the arrays, from 1): its event's id, the
-- count after it, the simulation's chunk count, owner and status, and on the simulation's last
-- row of this call the finalize outbox row's id (or null) and simulation.cancelled's id (or
-- null). A chunk without a row was not committed: its attempt no longer owns it.
--
-- PL/pgSQL because each statement of a volatile function sees what committed before it began:
-- "does a chunk still run?" must be asked once the simulation's row lock is held, as
-- CancelCompletion asks it, which one SQL statement (one snapshot) cannot do.
CREATE FUNCTION commit_chunks_success(
    p_simulations    uuid[],
    p_idxs           integer[],
    p_attempts       integer[],
    p_results        bytea[],
    p_at             timestamptz,
    p_finalize_queue text)
RETURNS TABLE (
    p_ord         integer,
    event_id      bigint,
    done          integer,
    total         integer,
    sim_owner     text,
    sim_status    text,
    finalize_id   bigint,
    cancelled_id  bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    c_sims      uuid[];
    c_ords      integer[];
    c_idxs      integer[];
    c_attempts  integer[];
    n           integer;
    i           integer := 1;
    j           integer;
    k           integer;
    sim         uuid;
    s           record;
    v_finalize  bigint;
    v_cancelled bigint;
BEGIN
    WITH committed AS (
        UPDATE chunks AS c
        SET status = 'SUCCEEDED', result = req.result, progress = 1, finished_at = p_at,
            lease_until = NULL, error = NULL, checkpoint = NULL
        FROM unnest(p_simulations, p_idxs, p_attempts, p_results)
             WITH ORDINALITY AS req(simulation_id, idx, attempt, result, ord)
        WHERE c.simulation_id = req.simulation_id AND c.idx = req.idx
          AND c.attempt = req.attempt AND c.status = 'RUNNING'
        RETURNING req.ord::integer AS ord, c.simulation_id AS sim_id, c.idx AS chunk, c.attempt AS att
    )
    SELECT array_agg(committed.sim_id ORDER BY committed.sim_id, committed.chunk),
           array_agg(committed.ord ORDER BY committed.sim_id, committed.chunk),
           array_agg(committed.chunk ORDER BY committed.sim_id, committed.chunk),
           array_agg(committed.att ORDER BY committed.sim_id, committed.chunk)
    INTO c_sims, c_ords, c_idxs, c_attempts
    FROM committed;

    n := coalesce(array_length(c_sims, 1), 0);
    WHILE i <= n LOOP
        sim := c_sims[i];
        j := i;
        WHILE j < n AND c_sims[j + 1] = sim LOOP
            j := j + 1;
        END LOOP;
        k := j - i + 1;

        UPDATE simulations
        SET chunks_done = chunks_done + k, event_seq = event_seq + k
        WHERE id = sim
        RETURNING chunks_done, chunk_count, event_seq, owner, status, generation INTO s;

        INSERT INTO simulation_events (simulation_id, seq, type, payload, created_at)
        SELECT sim, s.event_seq - k + step.no, 'chunk.succeeded',
               jsonb_build_object('chunk', c_idxs[i + step.no - 1],
                                  'attempt', c_attempts[i + step.no - 1],
                                  'chunksDone', s.chunks_done - k + step.no,
                                  'chunkCount', s.chunk_count),
               p_at
        FROM generate_series(1, k) AS step(no);

        v_finalize := NULL;
        v_cancelled := NULL;
        IF s.status = 'CANCELLING' THEN
            IF NOT EXISTS (SELECT 1 FROM chunks
                           WHERE simulation_id = sim AND status = 'RUNNING') THEN
                UPDATE simulations
                SET status = 'CANCELLED', finished_at = p_at, event_seq = event_seq + 1
                WHERE id = sim AND status = 'CANCELLING'
                RETURNING event_seq INTO v_cancelled;
                IF v_cancelled IS NOT NULL THEN
                    INSERT INTO simulation_events (simulation_id, seq, type, payload, created_at)
                    VALUES (sim, v_cancelled, 'simulation.cancelled', '{}'::jsonb, p_at);
                END IF;
            END IF;
        ELSIF s.chunks_done >= s.chunk_count THEN
            INSERT INTO outbox (simulation_id, task_type, generation, queue, available_at)
            VALUES (sim, 'finalize', s.generation, p_finalize_queue, p_at)
            RETURNING id INTO v_finalize;
        END IF;

        FOR m IN 1..k LOOP
            p_ord := c_ords[i + m - 1];
            event_id := s.event_seq - k + m;
            done := s.chunks_done - k + m;
            total := s.chunk_count;
            sim_owner := s.owner;
            sim_status := s.status;
            finalize_id := CASE WHEN m = k THEN v_finalize END;
            cancelled_id := CASE WHEN m = k THEN v_cancelled END;
            RETURN NEXT;
        END LOOP;
        i := j + 1;
    END LOOP;
END;
$$;
