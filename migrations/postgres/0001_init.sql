-- Store schema (PostgreSQL). Twin of migrations/sqlite/0001_init.sql: same tables, same
-- columns, same constraints; only the dialect differs. Timestamps are always bound from
-- the application (never DEFAULT now()), so both backends hold the same values.

-- Who may do what: a principal (slack:U…, teams:…, console:…) or a group
-- (slack-group:S…, teams-group:…) bound to a role.
create table role_binding (
    subject    text        not null,
    role       text        not null check (role in ('viewer', 'operator', 'approver', 'admin')),
    granted_by text        not null,
    granted_at timestamptz not null,
    primary key (subject, role)
);

-- One row per sensitive action waiting for, or having had, approval.
create table approval_request (
    id                 bigserial   primary key,
    action             text        not null,
    target             text        not null,
    payload            text        not null, -- the frozen JSON text, byte for byte
    payload_sha256     text        not null check (length(payload_sha256) = 64),
    requester          text        not null,
    reason             text,
    required_approvals integer     not null check (required_approvals >= 0),
    state              text        not null check (state in ('pending', 'approved', 'executing',
                           'succeeded', 'failed', 'denied', 'cancelled', 'expired', 'interrupted')),
    correlation_id     text        not null,
    created_at         timestamptz not null,
    expires_at         timestamptz not null,
    decided_at         timestamptz,
    decided_by         text,
    claimed_at         timestamptz,
    claimed_by         text,
    finished_at        timestamptz,
    virbela_request_id text,
    error              text,
    -- lets votes carry the requester, so "no vote on your own request" is a CHECK
    unique (id, requester),
    -- deleting a user is irreversible: a reason is required
    check (action <> 'delete' or length(trim(coalesce(reason, ''))) > 0)
);
create index approval_request_state on approval_request (state, expires_at);

-- One vote per approver per request; never by the requester.
create table approval_vote (
    request_id bigint      not null,
    requester  text        not null,
    voter      text        not null,
    voter_role text        not null check (voter_role in ('approver', 'admin')),
    decision   text        not null check (decision in ('approve', 'deny')),
    reason     text,
    voted_at   timestamptz not null,
    primary key (request_id, voter),
    foreign key (request_id, requester) references approval_request (id, requester),
    check (voter <> requester)
);

-- Every chat message showing an approval card, so each copy can be updated later.
create table approval_message (
    request_id bigint      not null references approval_request (id),
    platform   text        not null check (platform in ('slack', 'teams', 'console')),
    channel    text        not null,
    message_id text        not null,
    posted_at  timestamptz not null,
    primary key (platform, channel, message_id)
);
create index approval_message_request on approval_message (request_id);

-- Append-only trail of everything that changed something.
create table audit_event (
    id             bigserial   primary key,
    occurred_at    timestamptz not null,
    actor          text        not null,
    action         text        not null,
    target         text,
    outcome        text        not null,
    correlation_id text,
    details        text        not null -- JSON object, secrets scrubbed
);
create index audit_event_occurred_at on audit_event (occurred_at);

create function audit_event_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit events are append-only';
end;
$$;
create trigger audit_event_no_update before update or delete on audit_event
    for each row execute function audit_event_append_only();

-- Inbound deliveries already seen (Slack event ids, Teams activity ids), kept until expiry.
create table inbound_delivery (
    platform     text        not null,
    delivery_key text        not null,
    received_at  timestamptz not null,
    expires_at   timestamptz not null,
    primary key (platform, delivery_key)
);
create index inbound_delivery_expires_at on inbound_delivery (expires_at);

-- Every invitation the bot sent; Virbela lists only accepted users, so pending ones live here.
create table invitation (
    id              bigserial   primary key,
    email           text        not null,
    virbela_user_id text,
    display_name    text,
    permission      text        not null check (permission in ('member', 'leader', 'moderator', 'admin', 'owner')),
    invited_by      text        not null,
    request_id      bigint      references approval_request (id),
    correlation_id  text,
    sent_at         timestamptz not null,
    state           text        not null check (state in ('pending', 'accepted')),
    accepted_at     timestamptz,
    check ((state = 'accepted') = (accepted_at is not null))
);
create index invitation_email on invitation (lower(email));
create index invitation_state on invitation (state);
