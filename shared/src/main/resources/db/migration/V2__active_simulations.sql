-- Admission control sums the unfinished chunks of active simulations on every submit: a partial
-- index keeps that read proportional to the active simulations, not to all ever stored.
CREATE INDEX simulations_active ON simulations (status)
    INCLUDE (chunk_count, chunks_done)
    WHERE status IN ('QUEUED', 'RUNNING', 'CANCELLING');
