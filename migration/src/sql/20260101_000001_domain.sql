-- The commissioning domain: organisations, services, contracts with their
-- extension options and cost shares, grants, budgets, spend and reach.
--
-- Portable between SQLite and PostgreSQL. `ID_PK` is replaced per backend by an
-- auto-incrementing 64-bit primary key. Money is stored as integer pence
-- (BIGINT) and shares as integer parts per million, so both databases store,
-- return and SUM them exactly. Enumerations are TEXT with CHECK constraints.
-- Every figure that a source report gives loosely ("just over 30,000") keeps its
-- qualifier and the report's wording beside it. `is_illustrative` marks a
-- record invented to fill a gap in the reports; `illustrative_fields` names the
-- invented fields of an otherwise reported record.

CREATE TABLE organisations (
    id ID_PK,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    short_name TEXT CHECK (short_name IS NULL OR length(short_name) BETWEEN 1 AND 40),
    kind TEXT NOT NULL CHECK (kind IN ('public_body', 'nhs', 'police', 'charity', 'company', 'partnership', 'community_group', 'university')),
    parent_id BIGINT REFERENCES organisations (id),
    description TEXT,
    source TEXT,
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    illustrative_fields TEXT
);
CREATE INDEX organisations_parent_id ON organisations (parent_id);
CREATE INDEX organisations_kind ON organisations (kind);

CREATE TABLE organisation_roles (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL CHECK (role IN ('commissioner', 'provider', 'partner', 'funder', 'grant_recipient')),
    PRIMARY KEY (organisation_id, role)
);
CREATE INDEX organisation_roles_role ON organisation_roles (role);

CREATE TABLE areas (
    id ID_PK,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('district', 'county', 'region')),
    parent_id BIGINT REFERENCES areas (id)
);
CREATE INDEX areas_parent_id ON areas (parent_id);
CREATE INDEX areas_kind ON areas (kind);

CREATE TABLE themes (
    id ID_PK,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE funding_streams (
    id ID_PK,
    name TEXT NOT NULL UNIQUE,
    description TEXT
);

CREATE TABLE services (
    id ID_PK,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description TEXT,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'under_review', 'ended')),
    funding_stream_id BIGINT REFERENCES funding_streams (id),
    parent_id BIGINT REFERENCES services (id),
    source TEXT,
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    illustrative_fields TEXT
);
CREATE INDEX services_funding_stream_id ON services (funding_stream_id);
CREATE INDEX services_parent_id ON services (parent_id);
CREATE INDEX services_name ON services (name);
CREATE INDEX services_status ON services (status);

CREATE TABLE service_areas (
    service_id BIGINT NOT NULL REFERENCES services (id),
    area_id BIGINT NOT NULL REFERENCES areas (id),
    PRIMARY KEY (service_id, area_id)
);
CREATE INDEX service_areas_area_id ON service_areas (area_id);

CREATE TABLE service_themes (
    service_id BIGINT NOT NULL REFERENCES services (id),
    theme_id BIGINT NOT NULL REFERENCES themes (id),
    PRIMARY KEY (service_id, theme_id)
);
CREATE INDEX service_themes_theme_id ON service_themes (theme_id);

CREATE TABLE service_partners (
    service_id BIGINT NOT NULL REFERENCES services (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (service_id, organisation_id)
);
CREATE INDEX service_partners_organisation_id ON service_partners (organisation_id);

CREATE TABLE contracts (
    id ID_PK,
    reference TEXT NOT NULL UNIQUE CHECK (length(reference) BETWEEN 1 AND 60),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    service_id BIGINT NOT NULL REFERENCES services (id),
    provider_id BIGINT NOT NULL REFERENCES organisations (id),
    lead_commissioner_id BIGINT NOT NULL REFERENCES organisations (id),
    start_date DATE NOT NULL,
    initial_term_months INTEGER NOT NULL CHECK (initial_term_months BETWEEN 1 AND 600),
    -- Derived from the term and the options' recorded states (see the domain
    -- rules), stored so that lists can filter and sort by them through an
    -- index; every write to a contract or its options recomputes them.
    initial_end_date DATE NOT NULL,
    current_end_date DATE NOT NULL,
    contractual_end_date DATE NOT NULL,
    annual_value_pence BIGINT CHECK (annual_value_pence >= 0),
    annual_value_qualifier TEXT CHECK (annual_value_qualifier IN ('exact', 'approximate', 'at_least', 'at_most')),
    annual_value_wording TEXT,
    total_value_pence BIGINT CHECK (total_value_pence >= 0),
    total_value_qualifier TEXT CHECK (total_value_qualifier IN ('exact', 'approximate', 'at_least', 'at_most')),
    total_value_wording TEXT,
    status TEXT NOT NULL CHECK (status IN ('awarded', 'terminated')),
    procurement_route TEXT NOT NULL CHECK (procurement_route IN ('open_procedure', 'competitive_flexible', 'direct_award', 'framework_call_off', 'grant_agreement', 'unknown')),
    eia_status TEXT NOT NULL CHECK (eia_status IN ('not_started', 'in_progress', 'completed')),
    eia_review_date DATE,
    cost_share_agreement TEXT,
    notes TEXT,
    source TEXT,
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    illustrative_fields TEXT,
    CHECK ((annual_value_pence IS NULL) = (annual_value_qualifier IS NULL)),
    CHECK ((total_value_pence IS NULL) = (total_value_qualifier IS NULL)),
    CHECK (start_date <= initial_end_date AND initial_end_date <= current_end_date AND current_end_date <= contractual_end_date)
);
CREATE INDEX contracts_service_id ON contracts (service_id);
CREATE INDEX contracts_provider_id ON contracts (provider_id);
CREATE INDEX contracts_lead_commissioner_id ON contracts (lead_commissioner_id);
CREATE INDEX contracts_start_date ON contracts (start_date, id);
CREATE INDEX contracts_eia_review_date ON contracts (eia_review_date);
CREATE INDEX contracts_initial_end_date ON contracts (initial_end_date, id);
CREATE INDEX contracts_current_end_date ON contracts (current_end_date, id);
CREATE INDEX contracts_contractual_end_date ON contracts (contractual_end_date, id);

CREATE TABLE extension_options (
    id ID_PK,
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    sequence INTEGER NOT NULL CHECK (sequence >= 1),
    length_months INTEGER NOT NULL CHECK (length_months BETWEEN 1 AND 600),
    decide_by DATE NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('available', 'exercised', 'declined', 'lapsed')),
    decided_on DATE,
    decision_note TEXT,
    source TEXT,
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    illustrative_fields TEXT,
    UNIQUE (contract_id, sequence),
    CHECK ((state IN ('exercised', 'declined')) = (decided_on IS NOT NULL))
);
CREATE INDEX extension_options_decide_by ON extension_options (decide_by, id);
CREATE INDEX extension_options_sequence ON extension_options (sequence);
CREATE INDEX extension_options_length_months ON extension_options (length_months, id);
CREATE INDEX extension_options_state ON extension_options (state);
CREATE INDEX extension_options_decided_on ON extension_options (decided_on);

CREATE TABLE cost_shares (
    id ID_PK,
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    parent_id BIGINT REFERENCES cost_shares (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    share_ppm INTEGER NOT NULL CHECK (share_ppm > 0 AND share_ppm <= 1000000),
    position INTEGER NOT NULL CHECK (position >= 0),
    source TEXT,
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    illustrative_fields TEXT
);
CREATE INDEX cost_shares_contract_id ON cost_shares (contract_id, position);
CREATE INDEX cost_shares_parent_id ON cost_shares (parent_id);
CREATE INDEX cost_shares_organisation_id ON cost_shares (organisation_id);

CREATE TABLE grant_programmes (
    id ID_PK,
    name TEXT NOT NULL UNIQUE,
    funder_id BIGINT NOT NULL REFERENCES organisations (id),
    funding_stream_id BIGINT REFERENCES funding_streams (id),
    description TEXT,
    source TEXT,
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    illustrative_fields TEXT
);
CREATE INDEX grant_programmes_funder_id ON grant_programmes (funder_id);
CREATE INDEX grant_programmes_funding_stream_id ON grant_programmes (funding_stream_id);

CREATE TABLE grant_rounds (
    id ID_PK,
    programme_id BIGINT NOT NULL REFERENCES grant_programmes (id),
    number INTEGER NOT NULL CHECK (number >= 1),
    name TEXT NOT NULL,
    pot_pence BIGINT CHECK (pot_pence >= 0),
    pot_qualifier TEXT CHECK (pot_qualifier IN ('exact', 'approximate', 'at_least', 'at_most')),
    pot_wording TEXT,
    opens_on DATE,
    closes_on DATE,
    awarded_on DATE,
    applications_received INTEGER CHECK (applications_received >= 0),
    applications_qualifier TEXT CHECK (applications_qualifier IN ('exact', 'approximate', 'at_least', 'at_most')),
    applications_wording TEXT,
    amount_requested_pence BIGINT CHECK (amount_requested_pence >= 0),
    amount_requested_qualifier TEXT CHECK (amount_requested_qualifier IN ('exact', 'approximate', 'at_least', 'at_most')),
    amount_requested_wording TEXT,
    reported_awards_count INTEGER CHECK (reported_awards_count >= 0),
    reported_awarded_pence BIGINT CHECK (reported_awarded_pence >= 0),
    source TEXT,
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    illustrative_fields TEXT,
    UNIQUE (programme_id, number),
    CHECK (opens_on IS NULL OR closes_on IS NULL OR opens_on <= closes_on),
    CHECK ((pot_pence IS NULL) = (pot_qualifier IS NULL)),
    CHECK ((applications_received IS NULL) = (applications_qualifier IS NULL)),
    CHECK ((amount_requested_pence IS NULL) = (amount_requested_qualifier IS NULL))
);
CREATE INDEX grant_rounds_closes_on ON grant_rounds (closes_on, id);
CREATE INDEX grant_rounds_number ON grant_rounds (number, id);
CREATE INDEX grant_rounds_name ON grant_rounds (name, id);
CREATE INDEX grant_rounds_pot_pence ON grant_rounds (pot_pence);
CREATE INDEX grant_rounds_opens_on ON grant_rounds (opens_on);
CREATE INDEX grant_rounds_awarded_on ON grant_rounds (awarded_on);
CREATE INDEX grant_rounds_applications_received ON grant_rounds (applications_received);
CREATE INDEX grant_rounds_amount_requested_pence ON grant_rounds (amount_requested_pence);
CREATE INDEX grant_rounds_reported_awards_count ON grant_rounds (reported_awards_count);
CREATE INDEX grant_rounds_reported_awarded_pence ON grant_rounds (reported_awarded_pence);

CREATE TABLE grant_round_themes (
    round_id BIGINT NOT NULL REFERENCES grant_rounds (id),
    theme_id BIGINT NOT NULL REFERENCES themes (id),
    PRIMARY KEY (round_id, theme_id)
);
CREATE INDEX grant_round_themes_theme_id ON grant_round_themes (theme_id);

CREATE TABLE grant_awards (
    id ID_PK,
    round_id BIGINT NOT NULL REFERENCES grant_rounds (id),
    recipient_id BIGINT NOT NULL REFERENCES organisations (id),
    partner_id BIGINT REFERENCES organisations (id),
    project_name TEXT NOT NULL CHECK (length(project_name) BETWEEN 1 AND 200),
    description TEXT,
    amount_pence BIGINT NOT NULL CHECK (amount_pence >= 0),
    awarded_on DATE,
    source TEXT,
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    illustrative_fields TEXT
);
CREATE INDEX grant_awards_round_id ON grant_awards (round_id, id);
CREATE INDEX grant_awards_recipient_id ON grant_awards (recipient_id);
CREATE INDEX grant_awards_partner_id ON grant_awards (partner_id);
CREATE INDEX grant_awards_project_name ON grant_awards (project_name, id);
CREATE INDEX grant_awards_amount_pence ON grant_awards (amount_pence, id);
CREATE INDEX grant_awards_awarded_on ON grant_awards (awarded_on);

CREATE TABLE grant_award_areas (
    award_id BIGINT NOT NULL REFERENCES grant_awards (id),
    area_id BIGINT NOT NULL REFERENCES areas (id),
    PRIMARY KEY (award_id, area_id)
);
CREATE INDEX grant_award_areas_area_id ON grant_award_areas (area_id);

CREATE TABLE grant_award_themes (
    award_id BIGINT NOT NULL REFERENCES grant_awards (id),
    theme_id BIGINT NOT NULL REFERENCES themes (id),
    PRIMARY KEY (award_id, theme_id)
);
CREATE INDEX grant_award_themes_theme_id ON grant_award_themes (theme_id);

CREATE TABLE budgets (
    id ID_PK,
    funding_stream_id BIGINT NOT NULL REFERENCES funding_streams (id),
    financial_year INTEGER NOT NULL CHECK (financial_year BETWEEN 1900 AND 2199),
    amount_pence BIGINT NOT NULL CHECK (amount_pence >= 0),
    qualifier TEXT NOT NULL CHECK (qualifier IN ('exact', 'approximate', 'at_least', 'at_most')),
    wording TEXT,
    notes TEXT,
    source TEXT,
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    illustrative_fields TEXT,
    UNIQUE (funding_stream_id, financial_year)
);
CREATE INDEX budgets_financial_year ON budgets (financial_year);
CREATE INDEX budgets_amount_pence ON budgets (amount_pence, id);
CREATE INDEX budgets_qualifier ON budgets (qualifier);

CREATE TABLE spend_lines (
    id ID_PK,
    funding_stream_id BIGINT NOT NULL REFERENCES funding_streams (id),
    financial_year INTEGER NOT NULL CHECK (financial_year BETWEEN 1900 AND 2199),
    quarter INTEGER CHECK (quarter BETWEEN 1 AND 4),
    service_id BIGINT REFERENCES services (id),
    contract_id BIGINT REFERENCES contracts (id),
    amount_pence BIGINT NOT NULL,
    qualifier TEXT NOT NULL CHECK (qualifier IN ('exact', 'approximate', 'at_least', 'at_most')),
    wording TEXT,
    description TEXT,
    source TEXT,
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    illustrative_fields TEXT
);
CREATE INDEX spend_lines_year ON spend_lines (financial_year, quarter);
CREATE INDEX spend_lines_funding_stream_id ON spend_lines (funding_stream_id, financial_year);
CREATE INDEX spend_lines_service_id ON spend_lines (service_id, financial_year);
CREATE INDEX spend_lines_contract_id ON spend_lines (contract_id);
CREATE INDEX spend_lines_quarter ON spend_lines (quarter);
CREATE INDEX spend_lines_amount_pence ON spend_lines (amount_pence, id);
CREATE INDEX spend_lines_qualifier ON spend_lines (qualifier);

CREATE TABLE indicators (
    id ID_PK,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 60),
    name TEXT NOT NULL,
    description TEXT,
    unit TEXT NOT NULL CHECK (unit IN ('people', 'percent', 'cases', 'referrals', 'count')),
    aggregation TEXT NOT NULL CHECK (aggregation IN ('sum', 'latest')),
    service_id BIGINT REFERENCES services (id),
    contract_id BIGINT REFERENCES contracts (id),
    round_id BIGINT REFERENCES grant_rounds (id),
    organisation_id BIGINT REFERENCES organisations (id),
    CHECK (service_id IS NOT NULL OR contract_id IS NOT NULL OR round_id IS NOT NULL OR organisation_id IS NOT NULL)
);
CREATE INDEX indicators_service_id ON indicators (service_id);
CREATE INDEX indicators_contract_id ON indicators (contract_id);
CREATE INDEX indicators_round_id ON indicators (round_id);
CREATE INDEX indicators_organisation_id ON indicators (organisation_id);
CREATE INDEX indicators_name ON indicators (name, id);
CREATE INDEX indicators_unit ON indicators (unit);
CREATE INDEX indicators_aggregation ON indicators (aggregation);

-- Observed values are decimals stored scaled by 10^4 (`*_e4`): 71.8% is 718000.
CREATE TABLE observations (
    id ID_PK,
    indicator_id BIGINT NOT NULL REFERENCES indicators (id),
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    value_e4 BIGINT,
    qualifier TEXT CHECK (qualifier IN ('exact', 'approximate', 'at_least', 'at_most')),
    wording TEXT,
    target_e4 BIGINT,
    baseline_e4 BIGINT,
    notes TEXT,
    source TEXT,
    is_illustrative BOOLEAN NOT NULL DEFAULT FALSE,
    illustrative_fields TEXT,
    CHECK (period_start <= period_end),
    CHECK ((value_e4 IS NULL) = (qualifier IS NULL)),
    CHECK (value_e4 IS NOT NULL OR target_e4 IS NOT NULL)
);
CREATE INDEX observations_indicator_id ON observations (indicator_id, period_end, id);
CREATE INDEX observations_period_end ON observations (period_end);
CREATE INDEX observations_period_start ON observations (period_start, id);
CREATE INDEX observations_qualifier ON observations (qualifier);
