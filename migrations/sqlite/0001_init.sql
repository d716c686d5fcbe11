-- Store schema (SQLite). Twin of migrations/postgres/0001_init.sql: same tables, same
-- columns, same constraints; only the dialect differs. Timestamps are RFC 3339 text bound
-- from the application (never CURRENT_TIMESTAMP), so they compare correctly as text.

create table role_binding (
    subject    text not null,
    role       text not null check (role in ('viewer', 'operator', 'approver', 'admin')),
    granted_by text not null,
    granted_at text not null,
    primary key (subject, role)
);

create table approval_request (
    id                 integer primary key autoincrement,
    action             text    not null,
    target             text    not null,
    payload            text    not null,
    payload_sha256     text    not null check (length(payload_sha256) = 64),
    requester          text    not null,
    reason             text,
    required_approvals integer not null check (required_approvals >= 0),
    state              text    not null check (state in ('pending', 'approved', 'executing',
                           'succeeded', 'failed', 'denied', 'cancelled', 'expired', 'interrupted')),
    correlation_id     text    not null,
    created_at         text    not null,
    expires_at         text    not null,
    decided_at         text,
    decided_by         text,
    claimed_at         text,
    claimed_by         text,
    finished_at        text,
    virbela_request_id text,
    error              text,
    unique (id, requester),
    check (action <> 'delete' or length(trim(coalesce(reason, ''))) > 0)
);
create index approval_request_state on approval_request (state, expires_at);

create table approval_vote (
    request_id integer not null,
    requester  text    not null,
    voter      text    not null,
    voter_role text    not null check (voter_role in ('approver', 'admin')),
    decision   text    not null check (decision in ('approve', 'deny')),
    reason     text,
    voted_at   text    not null,
    primary key (request_id, voter),
    foreign key (request_id, requester) references approval_request (id, requester),
    check (voter <> requester)
);

create table approval_message (
    request_id integer not null references approval_request (id),
    platform   text    not null check (platform in ('slack', 'teams', 'console')),
    channel    text    not null,
    message_id text    not null,
    posted_at  text    not null,
    primary key (platform, channel, message_id)
);
create index approval_message_request on approval_message (request_id);

create table audit_event (
    id             integer primary key autoincrement,
    occurred_at    text not null,
    actor          text not null,
    action         text not null,
    target         text,
    outcome        text not null,
    correlation_id text,
    details        text not null
);
create index audit_event_occurred_at on audit_event (occurred_at);

create trigger audit_event_no_update before update on audit_event
begin
    select raise(abort, 'audit events are append-only');
end;
create trigger audit_event_no_delete before delete on audit_event
begin
    select raise(abort, 'audit events are append-only');
end;

create table inbound_delivery (
    platform     text not null,
    delivery_key text not null,
    received_at  text not null,
    expires_at   text not null,
    primary key (platform, delivery_key)
);
create index inbound_delivery_expires_at on inbound_delivery (expires_at);

create table invitation (
    id              integer primary key autoincrement,
    email           text not null,
    virbela_user_id text,
    display_name    text,
    permission      text not null check (permission in ('member', 'leader', 'moderator', 'admin', 'owner')),
    invited_by      text not null,
    request_id      integer references approval_request (id),
    correlation_id  text,
    sent_at         text not null,
    state           text not null check (state in ('pending', 'accepted')),
    accepted_at     text,
    check ((state = 'accepted') = (accepted_at is not null))
);
create index invitation_email on invitation (lower(email));
create index invitation_state on invitation (state);
