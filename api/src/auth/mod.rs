//! Who is calling, and what they may do.
//!
//! Every request carries a [`Principal`] in its GraphQL context data: the
//! holder of an API key (with a role, and for commissioners an organisation),
//! or an anonymous reader when the server allows public reads. Resolvers ask
//! [`require`] before doing anything a role restricts.

use async_graphql::Context;

use crate::error::{AppError, AppResult};

pub mod keys;

/// What an API key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads lists and aggregates.
    Viewer,
    /// A viewer who also reads history and exports.
    Analyst,
    /// An analyst who also writes the records of the organisation it belongs to.
    Commissioner,
    /// Everything, including managing keys.
    Admin,
}

impl Role {
    /// Every role, least powerful first.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Analyst, Role::Commissioner, Role::Admin];

    /// The role's name on the command line and in the database (`viewer`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Commissioner => "commissioner",
            Role::Admin => "admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| {
                format!("unknown role {s:?}: expected viewer, analyst, commissioner or admin")
            })
    }
}

/// The caller of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The API key's id, or `None` for an anonymous reader.
    pub key_id: Option<i64>,
    /// A name for the audit log ("key 12 (finance dashboard)", "anonymous").
    pub name: String,
    /// What the caller may do.
    pub role: Role,
    /// The organisation a commissioner key belongs to.
    pub organisation_id: Option<i64>,
    /// Where the caller's key may be used.
    pub key_use: keys::KeyUse,
}

impl Principal {
    /// An anonymous reader (public-read servers only).
    pub fn anonymous() -> Self {
        Principal {
            key_id: None,
            name: "anonymous".to_owned(),
            role: Role::Viewer,
            organisation_id: None,
            key_use: keys::KeyUse::Everywhere,
        }
    }
}

/// What an operation needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Read lists, objects and aggregates.
    Read,
    /// Read the audit history and exports.
    ReadHistory,
    /// Write records owned by this organisation (commissioners: only their own).
    WriteFor(Option<i64>),
    /// Manage API keys.
    Admin,
}

/// Whether `principal` has `permission`.
pub fn allows(principal: &Principal, permission: Permission) -> bool {
    match permission {
        Permission::Read => true,
        Permission::ReadHistory => principal.role >= Role::Analyst,
        Permission::WriteFor(owner) => match principal.role {
            Role::Admin => true,
            Role::Commissioner => owner.is_some() && owner == principal.organisation_id,
            _ => false,
        },
        Permission::Admin => principal.role == Role::Admin,
    }
}

/// The caller of this request, if it may do `permission`; otherwise an error
/// (`UNAUTHENTICATED` without a principal, `FORBIDDEN` otherwise), logged.
pub fn require<'a>(ctx: &Context<'a>, permission: Permission) -> AppResult<&'a Principal> {
    let Some(principal) = ctx.data_opt::<Principal>() else {
        return Err(AppError::Unauthenticated(
            "an API key is required: send Authorization: Bearer <key>".to_owned(),
        ));
    };
    if allows(principal, permission) {
        Ok(principal)
    } else if principal.key_id.is_none() {
        // Public read lets anonymous callers in as viewers: they have an
        // identity, just not the right one, so this stays FORBIDDEN, with a
        // message that says what would help.
        tracing::warn!(caller = %principal.name, ?permission, "permission denied: no key");
        Err(AppError::Forbidden(
            "anonymous callers may only read: send Authorization: Bearer <key>".to_owned(),
        ))
    } else {
        tracing::warn!(caller = %principal.name, ?permission, "permission denied");
        Err(AppError::Forbidden(match permission {
            Permission::WriteFor(_) if principal.role == Role::Commissioner => {
                "a commissioner key may change only its own organisation's records".to_owned()
            }
            _ => format!("a {:?} key may not do this", principal.role).to_lowercase(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(role: Role, organisation_id: Option<i64>) -> Principal {
        Principal {
            key_id: Some(1),
            name: "test".to_owned(),
            role,
            organisation_id,
            key_use: keys::KeyUse::Everywhere,
        }
    }

    #[test]
    fn roles_grow_in_power() {
        assert!(allows(&key(Role::Viewer, None), Permission::Read));
        assert!(!allows(&key(Role::Viewer, None), Permission::ReadHistory));
        assert!(allows(&key(Role::Analyst, None), Permission::ReadHistory));
        assert!(!allows(
            &key(Role::Analyst, None),
            Permission::WriteFor(Some(1))
        ));
        assert!(allows(
            &key(Role::Admin, None),
            Permission::WriteFor(Some(7))
        ));
        assert!(allows(&key(Role::Admin, None), Permission::Admin));
        assert!(!allows(
            &key(Role::Commissioner, Some(1)),
            Permission::Admin
        ));
    }

    #[test]
    fn commissioners_write_only_their_own_records() {
        let commissioner = key(Role::Commissioner, Some(3));
        assert!(allows(&commissioner, Permission::WriteFor(Some(3))));
        assert!(!allows(&commissioner, Permission::WriteFor(Some(4))));
        assert!(!allows(&commissioner, Permission::WriteFor(None)));
        assert!(!allows(
            &Principal::anonymous(),
            Permission::WriteFor(Some(3))
        ));
    }

    /// A one-field schema whose resolver asks `require` for a write for organisation 3.
    struct Guarded;

    #[async_graphql::Object]
    impl Guarded {
        async fn write(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
            Ok(require(ctx, Permission::WriteFor(Some(3)))?.name.clone())
        }
    }

    async fn code_for(principal: Option<Principal>) -> Option<String> {
        let schema = async_graphql::Schema::new(
            Guarded,
            async_graphql::EmptyMutation,
            async_graphql::EmptySubscription,
        );
        let mut request = async_graphql::Request::new("{ write }");
        if let Some(principal) = principal {
            request = request.data(principal);
        }
        let response = schema.execute(request).await;
        let error = response.errors.first()?;
        Some(format!("{:?}", error.extensions.as_ref()?.get("code")?))
    }

    #[tokio::test]
    async fn require_answers_with_the_right_code() {
        assert_eq!(
            code_for(None).await.as_deref(),
            Some("String(\"UNAUTHENTICATED\")")
        );
        for denied in [
            Principal::anonymous(),
            key(Role::Viewer, None),
            key(Role::Analyst, None),
            key(Role::Commissioner, Some(4)),
        ] {
            assert_eq!(
                code_for(Some(denied.clone())).await.as_deref(),
                Some("String(\"FORBIDDEN\")"),
                "{denied:?}"
            );
        }
        assert_eq!(code_for(Some(key(Role::Commissioner, Some(3)))).await, None);
        assert_eq!(code_for(Some(key(Role::Admin, None))).await, None);
    }
}
