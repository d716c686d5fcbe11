-- Scheduled reports (PostgreSQL). Twin of migrations/sqlite/0002_schedules.sql.

-- A report posted on a cadence to a channel.
create table schedule (
    id                   bigserial   primary key,
    kind                 text        not null check (kind in ('attendance', 'waitlist')),
    -- the report's own words besides the range (`Theater`, `room=SFS1`), as typed
    args                 text        not null,
    -- the range phrase evaluated at each due time (`last week`)
    window_phrase        text        not null,
    -- a phrase (`daily 09:00`) or a 5-field cron expression
    cadence              text        not null,
    tz                   text        not null,
    platform             text        not null check (platform in ('slack', 'teams', 'console')),
    channel              text        not null,
    created_by           text        not null,
    paused               boolean     not null,
    paused_reason        text,
    skip_empty           boolean     not null,
    grace_seconds        bigint      not null check (grace_seconds >= 0),
    consecutive_failures integer     not null check (consecutive_failures >= 0),
    next_run_at          timestamptz not null,
    created_at           timestamptz not null,
    updated_at           timestamptz not null
);
create index schedule_due on schedule (next_run_at) where not paused;

-- Every run of a schedule. One row per due time: a due time can never be posted twice.
create table schedule_run (
    id              bigserial   primary key,
    schedule_id     bigint      not null references schedule (id) on delete cascade,
    due_at          timestamptz not null,
    manual          boolean     not null,
    status          text        not null check (status in ('pending', 'running', 'succeeded', 'failed', 'skipped')),
    attempt         integer     not null check (attempt >= 0),
    next_attempt_at timestamptz,
    claimed_by      text,
    lease_until     timestamptz,
    started_at      timestamptz,
    finished_at     timestamptz,
    error           text,
    -- a skipped run already told about in a later post
    mentioned       boolean     not null,
    unique (schedule_id, due_at)
);
create index schedule_run_claimable on schedule_run (status, next_attempt_at);
