//! Helpers shared by the mutation tests: whole-database snapshots (to prove
//! a refused mutation changed nothing, the audit log included), a writer
//! that sends mutations with a key, and lookups on the demo data.

#![allow(dead_code)]

use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, Statement};
use serde_json::{json, Value};

use crate::common::TestApp;

/// Every row of every table a mutation may touch, in a stable order.
pub async fn snapshot(db: &DatabaseConnection) -> Vec<(&'static str, Vec<Value>)> {
    use entity::*;
    macro_rules! dump {
        ($($module:ident),*) => {
            vec![$((
                stringify!($module),
                $module::Entity::find()
                    .order_by_asc($module::Column::Id)
                    .into_json()
                    .all(db)
                    .await
                    .expect("dump a table"),
            )),*]
        };
    }
    let mut tables = dump!(
        organisation,
        service,
        contract,
        extension_option,
        cost_share,
        grant_programme,
        grant_round,
        grant_award,
        budget,
        spend_line,
        observation,
        audit_event
    );
    let roles: Vec<(i64, String)> = rows(
        db,
        "SELECT organisation_id, role FROM organisation_roles ORDER BY 1, 2",
    )
    .await;
    tables.push((
        "organisation_roles",
        roles.into_iter().map(|r| json!([r.0, r.1])).collect(),
    ));
    let parts: Vec<(i64, i64, i64)> = rows(
        db,
        "SELECT spend_line_id, organisation_id, amount_pence FROM spend_attributions ORDER BY 1, 2",
    )
    .await;
    tables.push((
        "spend_attributions",
        parts.into_iter().map(|r| json!([r.0, r.1, r.2])).collect(),
    ));
    tables
}

async fn rows<T: sea_orm::TryGetableMany>(db: &DatabaseConnection, sql: &str) -> Vec<T> {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    db.query_all_raw(statement)
        .await
        .expect("query")
        .iter()
        .map(|row| row.try_get_many_by_index().expect("read a row"))
        .collect()
}

/// How many audit events are stored.
pub async fn audit_count(db: &DatabaseConnection) -> usize {
    entity::audit_event::Entity::find()
        .all(db)
        .await
        .expect("read audit events")
        .len()
}

/// Words that would betray SQL or driver internals in a response.
const INTERNALS: [&str; 9] = [
    "SELECT",
    "INSERT",
    "UPDATE ",
    "sqlx",
    "violates",
    "constraint",
    "syntax error",
    "SQLSTATE",
    "sea_orm",
];

/// Asserts that a response shows no SQL or driver text.
pub fn assert_no_internals(response: &Value) {
    let text = response.to_string();
    for word in INTERNALS {
        assert!(!text.contains(word), "{word:?} leaked: {text}");
    }
}

/// Sends mutations and queries with one API key.
pub struct Writer<'a> {
    /// The server.
    pub app: &'a TestApp,
    /// The key.
    pub key: String,
}

impl<'a> Writer<'a> {
    /// A writer with a new admin key.
    pub async fn admin(app: &'a TestApp) -> Writer<'a> {
        Writer {
            app,
            key: app.admin_key().await,
        }
    }

    /// A writer with a new commissioner key for the organisation named `organisation`.
    pub async fn commissioner(app: &'a TestApp, organisation: &str) -> Writer<'a> {
        Writer {
            app,
            key: app.commissioner_key(organisation).await,
        }
    }

    /// Runs a query or mutation and returns the whole response.
    pub async fn send(&self, query: &str, variables: Value) -> Value {
        self.app.graphql_as(&self.key, query, variables).await
    }

    /// Runs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.send(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// Runs the mutation `name` (whose text is `query`, taking `$input`)
    /// that must succeed, and returns its payload.
    pub async fn ok(&self, name: &str, query: &str, input: Value) -> Value {
        let data = self.data(query, json!({ "input": input })).await;
        let payload = data[name].clone();
        assert_eq!(
            payload["userErrors"],
            json!([]),
            "{name} refused: {payload:#}"
        );
        payload
    }

    /// Runs the mutation `name` with `input`, which must be refused with
    /// exactly the user errors `expected` (field path, code), and checks
    /// that nothing changed, the audit log included. Returns the payload.
    pub async fn refused(
        &self,
        name: &str,
        query: &str,
        input: Value,
        expected: &[(Value, &str)],
    ) -> Value {
        let before = snapshot(&self.app.db).await;
        let response = self.send(query, json!({ "input": input })).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        assert_no_internals(&response);
        let payload = response["data"][name].clone();
        let found: Vec<(Value, String)> = payload["userErrors"]
            .as_array()
            .unwrap_or_else(|| panic!("no userErrors: {response:#}"))
            .iter()
            .map(|e| {
                (
                    e["field"].clone(),
                    e["code"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(Value, String)> = expected
            .iter()
            .map(|(f, c)| (f.clone(), (*c).to_owned()))
            .collect();
        assert_eq!(found, expected, "{payload:#}");
        for error in payload["userErrors"].as_array().into_iter().flatten() {
            assert!(!error["message"].as_str().unwrap_or_default().is_empty());
        }
        let changed = payload
            .as_object()
            .into_iter()
            .flatten()
            .find(|(k, v)| *k != "userErrors" && !v.is_null());
        assert!(
            changed.is_none(),
            "a refused change returned an object: {payload:#}"
        );
        assert_eq!(
            snapshot(&self.app.db).await,
            before,
            "a refused {name} changed the database"
        );
        payload
    }

    /// Runs a request that must fail with a top-level error of `code`
    /// (e.g. a malformed Decimal), and checks that nothing changed.
    pub async fn fails(&self, query: &str, variables: Value, code: &str) -> Value {
        let before = snapshot(&self.app.db).await;
        let response = self.send(query, variables).await;
        assert_no_internals(&response);
        let errors = response["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors: {response:#}"));
        assert_eq!(errors[0]["extensions"]["code"], json!(code), "{response:#}");
        assert_eq!(
            snapshot(&self.app.db).await,
            before,
            "a failed request changed the database"
        );
        response
    }

    /// The id of the organisation named `name`.
    pub async fn organisation(&self, name: &str) -> String {
        let data = self
            .data(
                "query($n: String!) { organisation(name: $n) { id } }",
                json!({ "n": name }),
            )
            .await;
        data["organisation"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no {name}"))
            .to_owned()
    }

    /// The id, version and options (id, version) of the contract `reference`.
    pub async fn contract(&self, reference: &str) -> Value {
        let data = self
            .data(
                "query($r: String!) { contract(reference: $r) { id version currentEndDate \
                 extensionOptions { id version sequence state } } }",
                json!({ "r": reference }),
            )
            .await;
        data["contract"].clone()
    }

    /// The history of `id`, newest first: (action, actor, changed fields).
    pub async fn history(&self, id: &str) -> Value {
        let data = self
            .data(
                "query($id: ID!) { history(id: $id) { totalCount nodes { action actor requestId \
                 subjectType reason changedFields before after } } }",
                json!({ "id": id }),
            )
            .await;
        data["history"].clone()
    }
}
