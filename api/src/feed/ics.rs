//! The feed's RFC 5545 text, written by the `icalendar` crate: all-day
//! events with stable UIDs, `DTSTAMP`, a category per kind and a display
//! reminder some days before each.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike, Trigger};

use super::Entry;

/// The calendar's name as calendar apps show it.
pub const CALENDAR_NAME: &str = "commtrack: renewals and decisions";
/// How often subscribers are asked to fetch the feed again.
const REFRESH: &str = "PT6H";
/// Who wrote the feed (RFC 5545 3.7.3).
const PRODID: &str = "-//commtrack//Renewal calendar//EN";

/// The feed: `entries` as all-day events stamped `stamp`, each with a
/// reminder `alarm_days` days before it (none when `None`).
pub fn render(entries: &[Entry], alarm_days: Option<u32>, stamp: DateTime<Utc>) -> String {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", PRODID))
        .append_property(("CALSCALE", "GREGORIAN"))
        .name(CALENDAR_NAME)
        .description("Extension decisions, contract ends, EIA reviews and grant rounds closing")
        .append_property(("REFRESH-INTERVAL;VALUE=DURATION", REFRESH))
        .append_property(("X-PUBLISHED-TTL", REFRESH));
    for entry in entries {
        let mut event = icalendar::Event::new();
        event
            .uid(&entry.uid)
            .timestamp(stamp)
            // An all-day event's DTEND is the day after (RFC 5545 3.6.1).
            .starts(entry.date)
            .ends(entry.date + Duration::days(1))
            .summary(&entry.title)
            .description(&entry.description)
            .add_property("CATEGORIES", entry.category)
            .add_property("TRANSP", "TRANSPARENT");
        if let Some(days) = alarm_days {
            let mut alarm = Alarm::display(
                &entry.title,
                Trigger::before_start(Duration::days(i64::from(days))),
            );
            // The crate writes the lead in seconds (`-PT1209600S`); days
            // are what people set and what every client reads.
            alarm.add_property("TRIGGER", format!("-P{days}D"));
            event.alarm(alarm);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;

    fn entry() -> Entry {
        Entry {
            uid: "extension-decision-due.contract-1.option-1@commtrack".to_owned(),
            date: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            title: "Decide extension option 1: WYCA-SARC-2023".to_owned(),
            description: "line one; with a comma, and\nline two".to_owned(),
            category: "EXTENSION_DECISION_DUE",
        }
    }

    fn stamp() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap()
    }

    #[test]
    fn an_all_day_event_with_a_reminder() {
        let text = render(&[entry()], Some(14), stamp());
        for line in [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//commtrack//Renewal calendar//EN",
            "UID:extension-decision-due.contract-1.option-1@commtrack",
            "DTSTAMP:20261123T093000Z",
            "DTSTART;VALUE=DATE:20261231",
            "DTEND;VALUE=DATE:20270101",
            "SUMMARY:Decide extension option 1: WYCA-SARC-2023",
            "CATEGORIES:EXTENSION_DECISION_DUE",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER:-P14D",
            "END:VCALENDAR",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing from\n{text}"
            );
        }
        assert!(text.contains("\r\n"), "lines end in CRLF");
        assert!(
            text.contains(r"line one\; with a comma\, and\nline two"),
            "text values are escaped: {text}"
        );
    }

    #[test]
    fn no_reminders_when_asked_for_none() {
        let text = render(&[entry()], None, stamp());
        assert!(!text.contains("VALARM"));
        assert!(text.contains("BEGIN:VEVENT"));
    }
}
