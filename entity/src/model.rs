//! Reading rows by position.
//!
//! SeaORM's derived `FromQueryResult` looks every column up by name and, for
//! every NULL column, formats the column's name into an error that it then
//! discards: on a page of rows with many optional columns that text was
//! about half of the decoding work. [`model!`](crate::model) declares a
//! table's `Model` as written and lets it also be read by position
//! ([`Positional`]): a `find()` selects the columns in the order the fields
//! are declared, each column is read at its index, and a NULL makes no text
//! (SeaORM's error for it is still built, empty, and discarded by an
//! optional field).

use std::fmt;
use std::marker::PhantomData;

use sea_orm::{ColIdx, DbErr, FromQueryResult, QueryResult, TryGetError, TryGetable};

/// A model that can be read from a row whose first columns are its fields,
/// in the order they are declared (what `Entity::find()` selects).
pub trait Positional: Sized {
    /// Reads the model from the first columns of `row`.
    fn decode(row: &QueryResult) -> Result<Self, DbErr>;
}

/// A model read by position: `find().into_model::<Decoded<Model>>()`.
#[derive(Debug)]
pub struct Decoded<M>(pub M);

impl<M: Positional> FromQueryResult for Decoded<M> {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        if !pre.is_empty() {
            return Err(DbErr::Type(format!(
                "a model read by position has no prefixed columns ({pre})"
            )));
        }
        M::decode(row).map(Decoded)
    }
}

/// The value of the column at `index`, for the field `name` (named only in
/// an error).
pub fn column<T: TryGetable>(row: &QueryResult, index: usize, name: &str) -> Result<T, DbErr> {
    T::try_get_by(row, Position(index, PhantomData)).map_err(|error| match error {
        TryGetError::Null(_) => DbErr::Type(format!(
            "column {index} ({name}) is null, and its field cannot be"
        )),
        TryGetError::DbErr(error) => error,
    })
}

/// A column index whose `Debug` writes nothing: SeaORM formats the index of
/// every NULL it meets into an error text, which an optional field discards.
#[derive(Clone, Copy)]
struct Position(usize, PhantomData<()>);

impl fmt::Debug for Position {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl ColIdx for Position {
    type SqlxPostgresIndex = usize;
    type SqlxSqliteIndex = usize;

    fn as_sqlx_postgres_index(&self) -> usize {
        self.0
    }
    fn as_sqlx_sqlite_index(&self) -> usize {
        self.0
    }
    fn as_str(&self) -> Option<&str> {
        None
    }
    fn as_usize(&self) -> Option<&usize> {
        Some(&self.0)
    }
}

/// Declares a table's `Model` exactly as written, and reads it by position
/// ([`Positional`]): the fields' order is the columns' order.
#[macro_export]
macro_rules! model {
    (
        $(#[$attr:meta])*
        pub struct Model {
            $($(#[$field_attr:meta])* pub $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$attr])*
        pub struct Model {
            $($(#[$field_attr])* pub $field: $ty),*
        }

        impl $crate::model::Positional for Model {
            fn decode(row: &sea_orm::QueryResult) -> Result<Self, sea_orm::DbErr> {
                let mut index = 0..;
                Ok(Self {
                    $($field: $crate::model::column(
                        row,
                        index.next().unwrap_or_default(),
                        stringify!($field),
                    )?),*
                })
            }
        }
    };
}
