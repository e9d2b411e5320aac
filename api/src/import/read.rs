//! Reading a CSV file as a stream of rows, on a blocking thread: the `csv`
//! crate reads from any `std::io::Read` (a file, or an HTTP body bridged to
//! blocking reads) and hands the rows on in chunks, so memory stays bounded
//! whatever the file's size.

use std::io::Read;

use csv::StringRecord;

use super::{FileError, Kind};

/// How many rows travel together from the reader to the importer.
pub const CHUNK_ROWS: usize = 256;

/// Where each of a kind's columns is in a file.
#[derive(Clone, Debug)]
pub struct Columns {
    kind: Kind,
    /// For each of the kind's columns, its position in the file.
    index: Vec<Option<usize>>,
    /// How many fields every row must have.
    width: usize,
}

impl Columns {
    /// Reads a header row: every column must be one of the kind's, named
    /// once, and every required column must be there. Columns may come in
    /// any order; optional ones may be left out.
    pub fn from_header(kind: Kind, header: &StringRecord) -> Result<Columns, FileError> {
        let columns = kind.columns();
        let mut index = vec![None; columns.len()];
        for (position, name) in header.iter().enumerate() {
            // Spreadsheets saving "CSV UTF-8" start the file with a byte order mark.
            let name = if position == 0 {
                name.trim_start_matches('\u{feff}')
            } else {
                name
            };
            let Some(found) = columns.iter().position(|c| c.name == name) else {
                return Err(FileError::at(
                    1,
                    "CSV_COLUMN_UNKNOWN",
                    format!(
                        "column {:?} is not a column of a {kind} file; the columns are {}",
                        name.chars().take(60).collect::<String>(),
                        column_list(kind)
                    ),
                ));
            };
            if index[found].replace(position).is_some() {
                return Err(FileError::at(
                    1,
                    "CSV_COLUMN_DUPLICATE",
                    format!("column {name:?} appears twice"),
                ));
            }
        }
        let missing: Vec<&str> = columns
            .iter()
            .zip(&index)
            .filter(|(c, i)| c.required && i.is_none())
            .map(|(c, _)| c.name)
            .collect();
        if !missing.is_empty() {
            return Err(FileError::at(
                1,
                "CSV_COLUMN_MISSING",
                format!(
                    "the header lacks the required column(s) {}; a {kind} file has the columns {}",
                    missing.join(", "),
                    column_list(kind)
                ),
            ));
        }
        Ok(Columns {
            kind,
            index,
            width: header.len(),
        })
    }

    /// The kind these columns are of.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// How many fields every row must have.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The value of column `name` in `record`; `None` when the column is
    /// absent or the cell is empty (a blank cell is a value not given).
    pub fn cell<'r>(&self, record: &'r StringRecord, name: &str) -> Option<&'r str> {
        let column = self.kind.columns().iter().position(|c| c.name == name)?;
        let value = record.get(self.index[column]?)?;
        (!value.is_empty()).then_some(value)
    }
}

fn column_list(kind: Kind) -> String {
    kind.columns()
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One data row and the line it starts on.
#[derive(Clone, Debug)]
pub struct Record {
    /// The line of the file (the header is line 1).
    pub line: u64,
    /// Its fields.
    pub fields: StringRecord,
}

/// What the reader hands on.
#[derive(Debug)]
pub enum Incoming {
    /// The header was read: where the columns are. Always first.
    Columns(Columns),
    /// Up to [`CHUNK_ROWS`] rows.
    Rows(Vec<Record>),
    /// The file cannot be read on: nothing is to be imported.
    Failed(FileError),
    /// The whole file was read. Without it (the reader stopped early, the
    /// body was cut off) nothing is committed.
    End,
}

/// Reads `input` as a `kind` file, calling `send` with the header's
/// columns, then chunks of rows, or a failure. Stops early when `send`
/// returns false (the importer has stopped listening).
pub fn read_csv<R: Read>(kind: Kind, input: R, mut send: impl FnMut(Incoming) -> bool) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        // Rows with the wrong number of fields are reported as row errors
        // (every bad row at once), not as the end of the file.
        .flexible(true)
        .from_reader(input);
    let mut record = StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            send(Incoming::Failed(FileError::new(
                "CSV_EMPTY",
                format!(
                    "the file is empty: it needs a header row ({})",
                    column_list(kind)
                ),
            )));
            return;
        }
        Err(err) => {
            send(Incoming::Failed(read_error(&err)));
            return;
        }
    }
    match Columns::from_header(kind, &record) {
        Ok(columns) => {
            if !send(Incoming::Columns(columns)) {
                return;
            }
        }
        Err(err) => {
            send(Incoming::Failed(err));
            return;
        }
    }
    let mut chunk = Vec::with_capacity(CHUNK_ROWS);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                chunk.push(Record {
                    line,
                    fields: record.clone(),
                });
                if chunk.len() == CHUNK_ROWS
                    && !send(Incoming::Rows(std::mem::replace(
                        &mut chunk,
                        Vec::with_capacity(CHUNK_ROWS),
                    )))
                {
                    return;
                }
            }
            Ok(false) => break,
            Err(err) => {
                send(Incoming::Failed(read_error(&err)));
                return;
            }
        }
    }
    if !chunk.is_empty() && !send(Incoming::Rows(chunk)) {
        return;
    }
    send(Incoming::End);
}

/// A file error for a `csv` reading failure.
fn read_error(err: &csv::Error) -> FileError {
    let line = err.position().map(|p| p.line());
    let (code, message) = match err.kind() {
        csv::ErrorKind::Utf8 { err, .. } => (
            "CSV_NOT_UTF8",
            format!(
                "field {} is not UTF-8 text ({err}); save the file as \"CSV UTF-8\"",
                err.field() + 1
            ),
        ),
        csv::ErrorKind::Io(io) => ("CSV_UNREADABLE", format!("the file cannot be read: {io}")),
        _ => ("CSV_MALFORMED", "the file is not valid CSV".to_owned()),
    };
    FileError {
        code,
        message,
        line,
    }
}

/// Reads a whole small file into rows (tests and templates).
pub fn read_all(kind: Kind, input: &[u8]) -> Result<Vec<Record>, FileError> {
    let mut rows = Vec::new();
    let mut failed = None;
    read_csv(kind, input, |incoming| {
        match incoming {
            Incoming::Columns(_) | Incoming::End => {}
            Incoming::Rows(chunk) => rows.extend(chunk),
            Incoming::Failed(err) => failed = Some(err),
        }
        true
    });
    match failed {
        Some(err) => Err(err),
        None => Ok(rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_carry_their_lines_and_chunks_are_bounded() {
        let mut file = String::from("fundingStream,financialYear,amount\n");
        for i in 0..600 {
            file.push_str(&format!("Victims of Crime,2023-24,{i}.00\n"));
        }
        let mut chunks = Vec::new();
        read_csv(Kind::Spend, file.as_bytes(), |incoming| {
            if let Incoming::Rows(rows) = incoming {
                chunks.push(rows);
            }
            true
        });
        assert!(chunks.iter().all(|c| c.len() <= CHUNK_ROWS));
        let rows: Vec<Record> = chunks.into_iter().flatten().collect();
        assert_eq!(rows.len(), 600);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[599].line, 601);
        assert_eq!(&rows[599].fields[2], "599.00");
    }

    #[test]
    fn a_quoted_field_may_span_lines() {
        let file = "fundingStream,financialYear,amount,description\n\
                    Victims of Crime,2023-24,1.00,\"two\nlines\"\n\
                    Victims of Crime,2023-24,2.00,\n";
        let rows = read_all(Kind::Spend, file.as_bytes()).unwrap();
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].line, 4);
        assert_eq!(&rows[0].fields[3], "two\nlines");
    }

    #[test]
    fn headers_are_checked() {
        let code = |file: &str| read_all(Kind::Spend, file.as_bytes()).unwrap_err().code;
        assert_eq!(code(""), "CSV_EMPTY");
        assert_eq!(
            code("fundingStream,financialYear,ammount\n"),
            "CSV_COLUMN_UNKNOWN"
        );
        assert_eq!(
            code("fundingStream,financialYear,amount,amount\n"),
            "CSV_COLUMN_DUPLICATE"
        );
        assert_eq!(code("fundingStream,amount\n"), "CSV_COLUMN_MISSING");
        // A byte order mark is not part of the first column's name.
        assert!(read_all(
            Kind::Spend,
            "\u{feff}fundingStream,financialYear,amount\n".as_bytes()
        )
        .is_ok());
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_with_its_line() {
        let mut file =
            b"fundingStream,financialYear,amount\nVictims of Crime,2023-24,1.00\n".to_vec();
        // "Caf\xe9" in Latin-1.
        file.extend_from_slice(b"Caf\xe9,2023-24,1.00\n");
        let err = read_all(Kind::Spend, &file).unwrap_err();
        assert_eq!(err.code, "CSV_NOT_UTF8");
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn blank_cells_and_absent_columns_are_values_not_given() {
        let header =
            StringRecord::from(vec!["amount", "fundingStream", "financialYear", "quarter"]);
        let columns = Columns::from_header(Kind::Spend, &header).unwrap();
        let row = StringRecord::from(vec!["5.00", "Victims of Crime", "2023-24", ""]);
        assert_eq!(columns.cell(&row, "amount"), Some("5.00"));
        assert_eq!(columns.cell(&row, "quarter"), None);
        assert_eq!(columns.cell(&row, "serviceCode"), None);
        assert_eq!(columns.width(), 4);
    }
}
