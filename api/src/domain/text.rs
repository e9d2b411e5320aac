//! Free text entered by users: names, codes, descriptions, reasons.
//!
//! Text is trimmed, bounded in length (counted in characters, not bytes, so
//! that Welsh or Urdu names get the same room as English ones) and free of
//! control characters, which have no place in a record and are the tools of
//! log injection and of "Trojan Source" reordering (bidirectional overrides
//! make a name display differently from what is stored).

/// The limits for one kind of text field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRule {
    /// The most characters accepted after trimming.
    pub max_chars: usize,
    /// Whether line breaks and tabs are allowed (descriptions, notes).
    pub multiline: bool,
}

/// A name or title: one line, up to 200 characters.
pub const NAME: TextRule = TextRule {
    max_chars: 200,
    multiline: false,
};
/// A short name or code: one line, up to 40 characters.
pub const CODE: TextRule = TextRule {
    max_chars: 40,
    multiline: false,
};
/// A contract reference: one line, up to 60 characters.
pub const REFERENCE: TextRule = TextRule {
    max_chars: 60,
    multiline: false,
};
/// A reason for an archive or a late decision: up to 500 characters.
pub const REASON: TextRule = TextRule {
    max_chars: 500,
    multiline: true,
};
/// A description, note or source: up to 4,000 characters, several lines.
pub const LONG: TextRule = TextRule {
    max_chars: 4_000,
    multiline: true,
};

/// Why a text was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing but whitespace where a value is required.
    #[error("must not be blank")]
    Empty,
    /// Longer than the field allows.
    #[error("is {chars} characters long; at most {max} are allowed")]
    TooLong {
        /// The length given, in characters, after trimming.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A control or bidirectional-override character.
    #[error("contains the control character {code_point} at position {position}; remove it")]
    ControlCharacter {
        /// The character as `U+XXXX`.
        code_point: String,
        /// Its position (0-based, in characters) in the trimmed text.
        position: usize,
    },
}

impl TextError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "TEXT_EMPTY",
            Self::TooLong { .. } => "TEXT_TOO_LONG",
            Self::ControlCharacter { .. } => "TEXT_CONTROL_CHARACTER",
        }
    }
}

/// Whether `c` may never appear in stored text: C0 and C1 controls (a line
/// break and a tab are allowed in multi-line fields) and the bidirectional
/// embedding, override and isolate characters, and line/paragraph separators.
fn forbidden(c: char, multiline: bool) -> bool {
    if multiline && matches!(c, '\n' | '\t') {
        return false;
    }
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Checks and cleans a required text: trimmed, not blank, within the
/// rule's length, no control characters. Windows line breaks (`\r\n`) in
/// multi-line text become `\n`.
pub fn clean(input: &str, rule: TextRule) -> Result<String, TextError> {
    let text = if rule.multiline {
        input.replace("\r\n", "\n")
    } else {
        input.to_owned()
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    if let Some((position, c)) = text
        .chars()
        .enumerate()
        .find(|&(_, c)| forbidden(c, rule.multiline))
    {
        return Err(TextError::ControlCharacter {
            code_point: format!("U+{:04X}", u32::from(c)),
            position,
        });
    }
    let chars = text.chars().count();
    if chars > rule.max_chars {
        return Err(TextError::TooLong {
            chars,
            max: rule.max_chars,
        });
    }
    Ok(text.to_owned())
}

/// Like [`clean`] for an optional field: absent or blank is `None`.
pub fn clean_optional(input: Option<&str>, rule: TextRule) -> Result<Option<String>, TextError> {
    match input {
        Some(text) if !text.trim().is_empty() => clean(text, rule).map(Some),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_and_keeps_ordinary_text() {
        assert_eq!(
            clean("  Mountain Healthcare ", NAME).unwrap(),
            "Mountain Healthcare"
        );
        assert_eq!(
            clean("Ysbyty Gwynedd — café", NAME).unwrap(),
            "Ysbyty Gwynedd — café"
        );
        assert_eq!(
            clean("line one\r\nline two\t!", LONG).unwrap(),
            "line one\nline two\t!"
        );
    }

    #[test]
    fn blank_is_empty_or_none() {
        assert_eq!(clean("   ", NAME), Err(TextError::Empty));
        assert_eq!(clean("", NAME).unwrap_err().code(), "TEXT_EMPTY");
        assert_eq!(clean_optional(Some(" \t"), LONG), Ok(None));
        assert_eq!(clean_optional(None, LONG), Ok(None));
        assert_eq!(clean_optional(Some(" x "), LONG), Ok(Some("x".to_owned())));
    }

    #[test]
    fn length_counts_characters_after_trimming() {
        let exactly = "é".repeat(200);
        assert_eq!(clean(&format!(" {exactly} "), NAME).unwrap(), exactly);
        let err = clean(&"é".repeat(201), NAME).unwrap_err();
        assert_eq!(
            err,
            TextError::TooLong {
                chars: 201,
                max: 200
            }
        );
        assert_eq!(err.code(), "TEXT_TOO_LONG");
        assert_eq!(
            err.to_string(),
            "is 201 characters long; at most 200 are allowed"
        );
    }

    #[test]
    fn control_characters_are_refused() {
        for (bad, point) in [
            ("a\u{0}b", "U+0000"),
            ("a\nb", "U+000A"),
            ("a\u{1b}[31mb", "U+001B"),
            ("a\u{7f}b", "U+007F"),
            ("a\u{85}b", "U+0085"),
            ("admin\u{202E}txt.exe", "U+202E"),
            ("a\u{2066}b", "U+2066"),
            ("a\u{2028}b", "U+2028"),
        ] {
            let err = clean(bad, NAME).unwrap_err();
            assert_eq!(err.code(), "TEXT_CONTROL_CHARACTER", "{bad:?}");
            assert!(err.to_string().contains(point), "{err}");
        }
        // Multi-line fields allow line breaks and tabs, nothing else.
        assert!(clean("a\nb\tc", LONG).is_ok());
        assert_eq!(
            clean("a\u{7}b", LONG).unwrap_err(),
            TextError::ControlCharacter {
                code_point: "U+0007".to_owned(),
                position: 1
            }
        );
        // A lone carriage return is not a line break.
        assert_eq!(
            clean("a\rb", LONG).unwrap_err().code(),
            "TEXT_CONTROL_CHARACTER"
        );
    }

    proptest! {
        #[test]
        fn cleaned_text_obeys_its_rule(s in "(?s).{0,60}", multiline in any::<bool>()) {
            let rule = TextRule { max_chars: 30, multiline };
            if let Ok(text) = clean(&s, rule) {
                prop_assert!(!text.is_empty());
                prop_assert_eq!(text.trim(), text.as_str());
                prop_assert!(text.chars().count() <= 30);
                prop_assert!(!text.chars().any(|c| forbidden(c, multiline)));
            }
        }
    }
}
