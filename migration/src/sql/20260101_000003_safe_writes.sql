-- Safe writes: optimistic concurrency, soft deletion and the audit log.
--
-- Every record users change carries a `version`, starting at 1 and raised by
-- one on every change; an update names the version it read and is refused
-- when the row has moved on, so no update is silently lost. Organisations,
-- services and contracts are archived (with a reason) rather than deleted, so
-- that history, spend and audit events keep pointing at them.
--
-- `audit_events` records every change, in the transaction that makes it: who
-- (the API key's name and id), when, under which request id, which row
-- (`entity_type` is the GraphQL type name, `entity_id` the row id), what was
-- done, and the row before and after as JSON text. It is append-only: the API
-- never updates or deletes it, and triggers (created per backend by this
-- migration) refuse UPDATE and DELETE at the database.

ALTER TABLE organisations ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE organisations ADD COLUMN archived_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE organisations ADD COLUMN archive_reason TEXT CHECK (archive_reason IS NULL OR length(archive_reason) BETWEEN 1 AND 500);

ALTER TABLE services ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE services ADD COLUMN archived_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE services ADD COLUMN archive_reason TEXT CHECK (archive_reason IS NULL OR length(archive_reason) BETWEEN 1 AND 500);

ALTER TABLE contracts ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE contracts ADD COLUMN archived_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE contracts ADD COLUMN archive_reason TEXT CHECK (archive_reason IS NULL OR length(archive_reason) BETWEEN 1 AND 500);

ALTER TABLE extension_options ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE grant_programmes ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE grant_rounds ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE grant_awards ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE budgets ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE spend_lines ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE observations ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);

CREATE TABLE audit_events (
    id ID_PK,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    actor TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
    actor_key_id BIGINT,
    request_id TEXT CHECK (request_id IS NULL OR length(request_id) <= 100),
    entity_type TEXT NOT NULL CHECK (length(entity_type) BETWEEN 1 AND 40),
    entity_id BIGINT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('created', 'updated', 'archived', 'option_added', 'option_exercised', 'option_declined', 'cost_shares_set')),
    reason TEXT,
    before_json TEXT,
    after_json TEXT,
    CHECK (before_json IS NOT NULL OR after_json IS NOT NULL)
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, id);
CREATE INDEX audit_events_request_id ON audit_events (request_id);
CREATE INDEX audit_events_actor_key_id ON audit_events (actor_key_id);
