//! The flat CSV of 360Giving: one grant per row, under the column titles of
//! the standard's spreadsheet template (`Identifier`, `Amount Awarded`,
//! `Recipient Org:Identifier`...). Lists take numbered columns from 0, as the
//! standard's spreadsheet guidance says (`Beneficiary Location:0:Name`,
//! `Beneficiary Location:1:Name`), as many as the longest list needs.
//! `Award Date Source` is commtrack's own column, last.

use std::io::Write;

use super::rounds::ROUND_COLUMNS;
use super::{GrantPackage, RoundFigures};
use crate::error::{AppError, AppResult};

/// The columns before the numbered ones, in order.
pub const GRANT_COLUMNS: [&str; 12] = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
];

fn csv_error(err: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("cannot write the CSV: {err}"))
}

/// The header row for a package whose grants have at most `locations`
/// beneficiary locations and `classifications` themes (at least one of each).
pub fn header(locations: usize, classifications: usize) -> Vec<String> {
    let mut columns: Vec<String> = GRANT_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    for i in 0..locations.max(1) {
        columns.push(format!("Beneficiary Location:{i}:Name"));
        columns.push(format!("Beneficiary Location:{i}:Country Code"));
    }
    for i in 0..classifications.max(1) {
        columns.push(format!("Classifications:{i}:Vocabulary"));
        columns.push(format!("Classifications:{i}:Code"));
        columns.push(format!("Classifications:{i}:Title"));
    }
    columns.push("Award Date Source".to_owned());
    columns
}

/// Writes the grants of `package` as the flat CSV.
pub fn write_grants(package: &GrantPackage, out: impl Write) -> AppResult<()> {
    let locations = package
        .grants
        .iter()
        .map(|g| g.beneficiary_location.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let classifications = package
        .grants
        .iter()
        .map(|g| g.classifications.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut writer = csv::Writer::from_writer(out);
    writer
        .write_record(header(locations, classifications))
        .map_err(csv_error)?;
    for grant in &package.grants {
        let first = |list: &[super::GrantOrganization]| {
            list.first()
                .map(|o| (o.id.clone(), o.name.clone()))
                .unwrap_or_default()
        };
        let (recipient_id, recipient_name) = first(&grant.recipient_organization);
        let (funder_id, funder_name) = first(&grant.funding_organization);
        let (programme_code, programme_title) = grant
            .grant_programme
            .first()
            .map(|p| (p.code.clone(), p.title.clone()))
            .unwrap_or_default();
        let mut row = vec![
            grant.id.clone(),
            grant.title.clone(),
            grant.description.clone(),
            grant.currency.to_owned(),
            grant.amount_awarded.text(),
            grant.award_date.clone(),
            recipient_id,
            recipient_name,
            funder_id,
            funder_name,
            programme_code,
            programme_title,
        ];
        for i in 0..locations {
            match grant.beneficiary_location.get(i) {
                Some(l) => row.extend([l.name.clone(), l.country_code.to_owned()]),
                None => row.extend([String::new(), String::new()]),
            }
        }
        for i in 0..classifications {
            match grant.classifications.get(i) {
                Some(c) => row.extend([c.vocabulary.to_owned(), c.code.clone(), c.title.clone()]),
                None => row.extend([String::new(), String::new(), String::new()]),
            }
        }
        row.push(grant.award_date_source.unwrap_or_default().to_owned());
        writer.write_record(&row).map_err(csv_error)?;
    }
    writer.flush().map_err(csv_error)
}

/// Writes the round figures as CSV.
pub fn write_rounds(rounds: &[RoundFigures], out: impl Write) -> AppResult<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(ROUND_COLUMNS).map_err(csv_error)?;
    for round in rounds {
        writer.write_record(round.csv_row()).map_err(csv_error)?;
    }
    writer.flush().map_err(csv_error)
}
