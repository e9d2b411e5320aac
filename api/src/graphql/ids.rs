//! Global ids: every object's opaque `ID` is the base64 of `Type:id`. Kept
//! apart from `node` (which resolves ids to objects of every type) so that
//! filters and lists can read ids without depending on the object modules.

use async_graphql::ID;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::{AppError, AppResult};

/// The opaque global id of row `id` of type `type_name`.
pub fn global_id(type_name: &str, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// Splits a global id into its type name and row id.
pub fn parse_global_id(id: &str) -> AppResult<(String, i64)> {
    let bad = || {
        AppError::bad_input(
            "ID_INVALID",
            format!("id: {id:?} is not an id issued by this API"),
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (type_name, key) = text.split_once(':').ok_or_else(bad)?;
    let key = key.parse().map_err(|_| bad())?;
    Ok((type_name.to_owned(), key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip() {
        let id = global_id("Contract", 42);
        assert_eq!(parse_global_id(&id).unwrap(), ("Contract".to_owned(), 42));
        assert!(parse_global_id("not base64!").is_err());
        assert!(parse_global_id(&URL_SAFE_NO_PAD.encode("Contract")).is_err());
    }
}
