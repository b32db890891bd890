-- The grouped chunk commit takes the statuses it writes and the guards it checks as parameters, so
-- that the tables of allowed changes in Java (ChunkStatus, SimulationStatus) are the only place
-- they are written down (docs/decisions/0020-state-transitions-in-one-place.md). ChunkTransitions
-- is the only caller and passes: the chunk's new status (SUCCEEDED) and the statuses it may leave,
-- the chunk status of a chunk that still runs, the simulation's status once a cancel completes
-- (CANCELLED) and the statuses that completion may leave.
--
-- Otherwise this is commit_chunks_success of V5, unchanged (see there and decision 0017): one
-- round trip per group of commits, chunk rows locked before simulation rows, simulation rows in id
-- order, event ids taken under the row lock. The six-argument function of V5 stays for workers of
-- the previous release during a rollout or after a rollback; a later release drops it.
CREATE FUNCTION commit_chunks_success(
    p_simulations      uuid[],
    p_idxs             integer[],
    p_attempts         integer[],
    p_results          bytea[],
    p_at               timestamptz,
    p_finalize_queue   text,
    p_succeeded        text,
    p_succeeded_from   text[],
    p_running          text,
    p_cancelled        text,
    p_cancelled_from   text[])
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
        SET status = p_succeeded, result = req.result, progress = 1, finished_at = p_at,
            lease_until = NULL, error = NULL, checkpoint = NULL
        FROM unnest(p_simulations, p_idxs, p_attempts, p_results)
             WITH ORDINALITY AS req(simulation_id, idx, attempt, result, ord)
        WHERE c.simulation_id = req.simulation_id AND c.idx = req.idx
          AND c.attempt = req.attempt AND c.status = ANY (p_succeeded_from)
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
        -- Being cancelled: in a status the cancel's completion leaves.
        IF s.status = ANY (p_cancelled_from) THEN
            IF NOT EXISTS (SELECT 1 FROM chunks
                           WHERE simulation_id = sim AND status = p_running) THEN
                UPDATE simulations
                SET status = p_cancelled, finished_at = p_at, event_seq = event_seq + 1
                WHERE id = sim AND status = ANY (p_cancelled_from)
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
