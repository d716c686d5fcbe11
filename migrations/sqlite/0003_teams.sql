-- Microsoft Teams conversation references and users, and the files served at signed links
-- (SQLite). Twin of migrations/postgres/0003_teams.sql.

-- Every conversation the bot is in, as the Bot Framework needs it to post there. Channel
-- thread ids are stored without their `;messageid=…` suffix.
create table teams_conversation (
    conversation_id   text        primary key,
    service_url       text        not null,
    tenant_id         text        not null,
    conversation_type text        not null check (conversation_type in ('personal', 'groupChat', 'channel')),
    -- the bot's own id in that conversation (28:…)
    bot_id            text        not null,
    team_id           text,
    name              text,
    -- false once the connector said the bot was removed or the conversation is gone
    alive             integer     not null,
    dead_reason       text,
    updated_at        text        not null,
    check (alive or dead_reason is not null)
);

-- How to reach a Teams user 1:1, keyed by their Azure AD object id.
create table teams_user (
    aad_object_id            text        primary key,
    -- 29:…
    user_id                  text        not null,
    service_url              text        not null,
    tenant_id                text        not null,
    personal_conversation_id text,
    updated_at               text        not null
);

-- Bytes served at short-lived signed links (`/files/{id}?exp=…&sig=…`).
create table shared_file (
    -- random, URL-safe, at least 128 bits
    id         text        primary key,
    filename   text        not null,
    media_type text        not null,
    bytes      blob        not null,
    created_at text        not null,
    expires_at text        not null,
    check (expires_at > created_at)
);
create index shared_file_expires_at on shared_file (expires_at);
