-- OHLCV datasets callers upload for backtests. Immutable once stored: bars are read by id and may
-- be cached anywhere. `data` is BarsCodec's deflated column layout.
CREATE TABLE datasets (
    id          uuid        PRIMARY KEY,
    owner       text        NOT NULL,
    name        text        NOT NULL,
    rows        integer     NOT NULL CHECK (rows > 0),
    first_at    timestamptz NOT NULL,
    last_at     timestamptz NOT NULL,
    csv_bytes   bigint      NOT NULL,
    data        bytea       NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE INDEX datasets_owner_created ON datasets (owner, created_at DESC, id DESC);
