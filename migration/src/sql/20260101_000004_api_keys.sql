-- API keys: who may call the API, and with which role.
--
-- A key is shown to its holder once, as `ct_<prefix>_<secret>`, and never
-- stored: only the prefix (to find the row without scanning) and the SHA-256
-- of the secret are kept. The secret is 32 random bytes, so a fast hash is
-- enough (there is nothing to brute-force that a slow hash would protect).
-- Keys are revoked, never deleted, so that the audit log's "who" keeps
-- pointing at a row. A commissioner key belongs to exactly one organisation,
-- whose records it may change; other roles belong to none.
CREATE TABLE api_keys (
    id ID_PK,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix TEXT NOT NULL UNIQUE CHECK (length(prefix) = 12),
    secret_sha256 TEXT NOT NULL CHECK (length(secret_sha256) = 64),
    role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'commissioner', 'admin')),
    organisation_id BIGINT REFERENCES organisations (id),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE,
    CHECK ((role = 'commissioner' AND organisation_id IS NOT NULL)
        OR (role <> 'commissioner' AND organisation_id IS NULL))
);
CREATE INDEX api_keys_organisation_id ON api_keys (organisation_id);
CREATE INDEX api_keys_role ON api_keys (role);
