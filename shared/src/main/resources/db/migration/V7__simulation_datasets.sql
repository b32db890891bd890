-- The uploaded datasets a simulation reads, so that deleting a dataset can tell whether a
-- simulation that has not finished still needs it (decision 0026). Written by the submit, in the
-- transaction that stores the simulation; never changed afterwards.
ALTER TABLE simulations ADD COLUMN dataset_ids uuid[] NOT NULL DEFAULT '{}';

-- Simulations stored before this column: the two kinds that read datasets name theirs in their
-- params (the submit checked then that the id was the caller's).
UPDATE simulations
SET dataset_ids = ARRAY[(params #>> '{data,dataset}')::uuid]
WHERE kind = 'strategy-backtest'
  AND params #>> '{data,dataset}'
      ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

UPDATE simulations
SET dataset_ids = ARRAY[(params #>> '{series,dataset}')::uuid]
WHERE kind = 'forecast-backtest'
  AND params #>> '{series,dataset}'
      ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
