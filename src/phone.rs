//! Phone numbers: what people type, turned into E.164.
//!
//! A full numbering-plan library (libphonenumber and its ports) costs over a megabyte of wasm and
//! hundreds of milliseconds of first-call CPU, more than a Worker request may spend. Instead this
//! module applies the general E.164 rule (a country code, 8 to 15 digits in all) everywhere, and
//! small per-country rules for the countries it knows, India first.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::borrow::Cow;
use core::fmt;
use core::str::FromStr;

use crate::small_std::{code_point, concat, decimal, is_non_ascii_digit, quoted, trim};

/// A phone number in E.164 form (`+919876543210`): a `+`, a country code and the national
/// number, digits only.
///
/// The only way to make one is [`PhoneNumber::parse`] (or [`FromStr`], which assumes India for
/// numbers typed without a country code), so a `PhoneNumber` is always valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

/// A country whose numbering rules this module knows, used as the default for numbers typed
/// without a country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country {
    iso: &'static str,
    name: &'static str,
    calling_code: &'static str,
    /// The national trunk prefix people type before national numbers (`0` in India).
    trunk_prefix: Option<char>,
    rule: NationalRule,
}

/// The rule a national significant number (the digits after the country code) must follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum NationalRule {
    /// India: 10 digits not starting with 0 (mobiles start 6-9, landlines are STD code plus
    /// subscriber number), or toll-free 1800/1860 numbers of 10 or 11 digits.
    India,
    /// The North American Numbering Plan: 10 digits, area code and exchange starting 2-9.
    Nanp,
    /// A fixed range of lengths and the digits a number may start with.
    Lengths {
        min: usize,
        max: usize,
        first_digits: &'static str,
    },
}

impl Country {
    /// India (+91), the default everywhere in this crate.
    pub const INDIA: Country = Country {
        iso: "IN",
        name: "India",
        calling_code: "91",
        trunk_prefix: Some('0'),
        rule: NationalRule::India,
    };
    /// The United States (+1).
    pub const UNITED_STATES: Country = Country {
        iso: "US",
        name: "the United States",
        calling_code: "1",
        trunk_prefix: Some('1'),
        rule: NationalRule::Nanp,
    };
    /// Canada (+1).
    pub const CANADA: Country = Country {
        iso: "CA",
        name: "Canada",
        calling_code: "1",
        trunk_prefix: Some('1'),
        rule: NationalRule::Nanp,
    };
    /// The United Kingdom (+44).
    pub const UNITED_KINGDOM: Country = Country {
        iso: "GB",
        name: "the United Kingdom",
        calling_code: "44",
        trunk_prefix: Some('0'),
        rule: NationalRule::Lengths {
            min: 9,
            max: 10,
            first_digits: "12357",
        },
    };
    /// Singapore (+65).
    pub const SINGAPORE: Country = Country {
        iso: "SG",
        name: "Singapore",
        calling_code: "65",
        trunk_prefix: None,
        rule: NationalRule::Lengths {
            min: 8,
            max: 8,
            first_digits: "3689",
        },
    };
    /// The United Arab Emirates (+971).
    pub const UNITED_ARAB_EMIRATES: Country = Country {
        iso: "AE",
        name: "the United Arab Emirates",
        calling_code: "971",
        trunk_prefix: Some('0'),
        rule: NationalRule::Lengths {
            min: 8,
            max: 9,
            first_digits: "2345679",
        },
    };

    /// Every country with its own rules, in the order error messages list them.
    pub const ALL: [Country; 6] = [
        Country::INDIA,
        Country::UNITED_STATES,
        Country::CANADA,
        Country::UNITED_KINGDOM,
        Country::SINGAPORE,
        Country::UNITED_ARAB_EMIRATES,
    ];

    /// The ISO codes of [`Country::ALL`], as messages list them (a test keeps the two alike).
    const ALL_ISO: &'static str = "IN, US, CA, GB, SG, AE";

    /// Looks a country up by its ISO 3166-1 alpha-2 code (`"IN"`, any case; `"UK"` is taken
    /// for `"GB"`).
    pub fn from_iso(code: &str) -> Result<Country, PhoneError> {
        let code = trim(code);
        let wanted = if code.eq_ignore_ascii_case("UK") {
            "GB"
        } else {
            code
        };
        Country::ALL
            .into_iter()
            .find(|country| country.iso.eq_ignore_ascii_case(wanted))
            .ok_or_else(|| PhoneError::UnsupportedCountry(code.to_owned()))
    }

    /// The ISO 3166-1 alpha-2 code, e.g. `"IN"`.
    pub fn iso(&self) -> &'static str {
        self.iso
    }

    /// The international calling code without the `+`, e.g. `"91"`.
    pub fn calling_code(&self) -> &'static str {
        self.calling_code
    }

    /// Checks a national significant number against this country's rule.
    fn check_national(&self, national: &str) -> Result<(), PhoneError> {
        let invalid = |expected: &'static str| PhoneError::InvalidForCountry {
            country: self.name,
            calling_code: self.calling_code,
            expected,
            got: national.to_owned(),
        };
        let first = national.as_bytes().first().copied().unwrap_or(b'0');
        match self.rule {
            NationalRule::India => {
                let toll_free = (national.starts_with("1800") || national.starts_with("1860"))
                    && (10..=11).contains(&national.len());
                if toll_free || (national.len() == 10 && first != b'0') {
                    Ok(())
                } else {
                    Err(invalid("10 digits not starting with 0"))
                }
            }
            NationalRule::Nanp => {
                let bytes = national.as_bytes();
                if bytes.len() == 10 && bytes[0] >= b'2' && bytes[3] >= b'2' {
                    Ok(())
                } else {
                    Err(invalid(
                        "10 digits, the area code and exchange each starting with 2-9",
                    ))
                }
            }
            NationalRule::Lengths {
                min,
                max,
                first_digits,
            } => {
                let length_ok = (min..=max).contains(&national.len());
                if length_ok && first_digits.bytes().any(|digit| digit == first) {
                    Ok(())
                } else if min == max {
                    Err(invalid(match min {
                        8 => "8 digits",
                        _ => "a number of the country's length",
                    }))
                } else {
                    Err(invalid(match (min, max) {
                        (9, 10) => "9 or 10 digits",
                        (8, 9) => "8 or 9 digits",
                        _ => "a number of the country's length",
                    }))
                }
            }
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.iso)
    }
}

impl Default for Country {
    fn default() -> Self {
        Country::INDIA
    }
}

/// Why a typed phone number was refused. Messages name what was expected and what was got.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PhoneError {
    /// Nothing but whitespace was typed.
    Empty,
    /// A character that has no place in a phone number.
    InvalidCharacter(char),
    /// A digit from a script whose digits are not read as 0-9 (Arabic-Indic, Thai...). The
    /// scripts of India and full-width digits are read (see [`PhoneNumber::parse`]); others are
    /// refused rather than guessed at.
    NonAsciiDigit(char),
    /// Digits from two scripts in one number (`98765४३२१०`): refused, since no one types that
    /// on purpose and a look-alike could hide in it.
    MixedDigits {
        /// The first digit of one script.
        first: char,
        /// The first digit of another.
        other: char,
    },
    /// A `+` anywhere but at the very start, or more than one.
    MisplacedPlus,
    /// A country code starting with 0 after `+` or `00`.
    InvalidCountryCode,
    /// Too few or too many digits for any E.164 number.
    WrongLength {
        /// How many digits the E.164 form would have had.
        digits: usize,
    },
    /// The number breaks the rules of the country its code names.
    InvalidForCountry {
        /// The country's name, e.g. `India`.
        country: &'static str,
        /// The country's calling code, e.g. `91`.
        calling_code: &'static str,
        /// What a national number there looks like.
        expected: &'static str,
        /// The national digits that were got.
        got: String,
    },
    /// A default country this module has no rules for.
    UnsupportedCountry(String),
}

impl PhoneError {
    /// The message `Display` writes , put together without `core::fmt` (see [`crate::small_std`]).
    pub fn message(&self) -> String {
        match self {
            PhoneError::Empty => "expected a phone number, but got nothing".to_owned(),
            PhoneError::InvalidCharacter(c) => concat(&[
                "expected digits, spaces, dashes, dots or parentheses, but got ",
                &quoted(c.encode_utf8(&mut [0; 4])),
            ]),
            PhoneError::NonAsciiDigit(c) => concat(&[
                "expected the digits 0-9, but got `",
                c.encode_utf8(&mut [0; 4]),
                "` (",
                &code_point(*c),
                ")",
            ]),
            PhoneError::MixedDigits { first, other } => concat(&[
                "expected the digits of one script, but got `",
                first.encode_utf8(&mut [0; 4]),
                "` (",
                &code_point(*first),
                ") and `",
                other.encode_utf8(&mut [0; 4]),
                "` (",
                &code_point(*other),
                ") in one number",
            ]),
            PhoneError::MisplacedPlus => {
                "expected `+` only once, at the start of the number".to_owned()
            }
            PhoneError::InvalidCountryCode => {
                "expected a country code after `+` or `00`, but got a 0".to_owned()
            }
            PhoneError::WrongLength { digits } => concat(&[
                "expected 8 to 15 digits including the country code, but got ",
                &decimal(*digits as u64),
            ]),
            PhoneError::InvalidForCountry {
                country,
                calling_code,
                expected,
                got,
            } => concat(&[
                "expected ",
                expected,
                " after +",
                calling_code,
                " for ",
                country,
                ", but got ",
                &plural_digits(got.len()),
                " (",
                got,
                ")",
            ]),
            PhoneError::UnsupportedCountry(code) => concat(&[
                "expected a default country among ",
                Country::ALL_ISO,
                ", but got ",
                &quoted(code),
            ]),
        }
    }
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

fn plural_digits(n: usize) -> String {
    if n == 1 {
        "1 digit".to_owned()
    } else {
        concat(&[&decimal(n as u64), " digits"])
    }
}

impl core::error::Error for PhoneError {}

/// The zero of each script whose digits a number may be typed in besides ASCII: the scripts of
/// India (Devanagari, Bengali, Gurmukhi, Gujarati, Odia, Tamil, Telugu, Kannada, Malayalam, Ol
/// Chiki) and full-width forms. Each block's ten digits are consecutive from its zero.
const READ_DIGIT_ZEROS: [u32; 11] = [
    0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0x1c50, 0xff10,
];

/// The script (its zero) and value of a digit [`read_digits`] reads, ASCII included.
fn script_digit(c: char) -> Option<(u32, u8)> {
    let value = u32::from(c);
    if c.is_ascii_digit() {
        return Some((0x30, (value - 0x30) as u8));
    }
    READ_DIGIT_ZEROS
        .iter()
        .find(|&&zero| zero <= value && value < zero + 10)
        .map(|&zero| (zero, (value - zero) as u8))
}

/// `input` with every digit of [`READ_DIGIT_ZEROS`]' scripts as ASCII, and the full-width `+`,
/// `-`, `.` and parentheses as their ASCII forms; digits of two scripts are refused. ASCII input
/// comes back as it is, without a copy.
fn read_digits(input: &str) -> Result<Cow<'_, str>, PhoneError> {
    if input.is_ascii() {
        return Ok(Cow::Borrowed(input));
    }
    let mut out = String::with_capacity(input.len());
    let mut first: Option<(u32, char)> = None;
    for c in input.chars() {
        if let Some((script, value)) = script_digit(c) {
            match first {
                Some((seen, first)) if seen != script => {
                    return Err(PhoneError::MixedDigits { first, other: c })
                }
                None => first = Some((script, c)),
                Some(_) => {}
            }
            out.push(char::from(b'0' + value));
            continue;
        }
        out.push(match c {
            '\u{ff0b}' => '+',
            '\u{ff0d}' => '-',
            '\u{ff0e}' => '.',
            '\u{ff08}' => '(',
            '\u{ff09}' => ')',
            c => c,
        });
    }
    Ok(Cow::Owned(out))
}

/// The digits of a typed number and whether it was written in international form.
struct Typed {
    digits: String,
    international: bool,
}

/// Strips the formatting people type (spaces, dashes, dots, parentheses, a leading `+` or `00`)
/// and refuses everything else.
fn strip_formatting(input: &str) -> Result<Typed, PhoneError> {
    let trimmed = trim(input);
    if trimmed.is_empty() {
        return Err(PhoneError::Empty);
    }
    let mut digits = String::with_capacity(trimmed.len());
    let mut plus = false;
    for (index, c) in trimmed.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if index == 0 => plus = true,
            '+' => return Err(PhoneError::MisplacedPlus),
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            c if c.is_whitespace() => {}
            c if is_non_ascii_digit(c) => return Err(PhoneError::NonAsciiDigit(c)),
            c => return Err(PhoneError::InvalidCharacter(c)),
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }
    if !plus {
        if let Some(rest) = digits.strip_prefix("00") {
            return Ok(Typed {
                digits: rest.to_owned(),
                international: true,
            });
        }
    }
    Ok(Typed {
        digits,
        international: plus,
    })
}

/// Splits international digits into a country this module knows and its national part.
fn known_country(digits: &str) -> Option<(Country, &str)> {
    // Calling codes are prefix-free, so at most one known code matches. +1 is shared by the US
    // and Canada, whose rules are the same.
    Country::ALL
        .into_iter()
        .find_map(|c| digits.strip_prefix(c.calling_code).map(|rest| (c, rest)))
}

impl PhoneNumber {
    /// Parses what a person typed into E.164, taking `default_country` for numbers written
    /// without a country code.
    ///
    /// Accepts spaces, dashes, dots, slashes and parentheses, a leading `+` or `00`, and the
    /// national forms people use: for India a `0` trunk prefix (`09876543210`), a bare 10-digit
    /// number, or `91` before it (`919876543210`).
    ///
    /// ```
    /// use exotel_connect::{Country, PhoneNumber};
    /// let number = PhoneNumber::parse("098765-43210", Country::INDIA)?;
    /// assert_eq!(number.as_str(), "+919876543210");
    /// # Ok::<(), exotel_connect::PhoneError>(())
    /// ```
    ///
    /// Digits typed in the scripts of India (Devanagari, Bengali, Gurmukhi, Gujarati, Odia,
    /// Tamil, Telugu, Kannada, Malayalam, Ol Chiki) or full-width are read as 0-9 before any
    /// check, so every later check sees one E.164 form whatever keyboard was used; digits of two
    /// scripts in one number are refused.
    ///
    /// ```
    /// use exotel_connect::{Country, PhoneNumber};
    /// let number = PhoneNumber::parse("९८७६५-४३२१०", Country::INDIA)?;
    /// assert_eq!(number.as_str(), "+919876543210");
    /// # Ok::<(), exotel_connect::PhoneError>(())
    /// ```
    pub fn parse(input: &str, default_country: Country) -> Result<PhoneNumber, PhoneError> {
        let input = read_digits(input)?;
        let typed = strip_formatting(&input)?;
        let digits = typed.digits.as_str();
        if typed.international {
            return Self::international(digits);
        }
        let country = default_country;
        let national = match country.trunk_prefix {
            // India: "919876543210" is the international form typed without the `+`.
            _ if country.rule == NationalRule::India
                && digits.len() == 12
                && digits.starts_with(country.calling_code) =>
            {
                &digits[country.calling_code.len()..]
            }
            Some(prefix) if digits.starts_with(prefix) && digits.len() > 1 => {
                let rest = &digits[1..];
                // A NANP number typed as 1-NXX-NXX-XXXX; a lone leading 0 elsewhere.
                if country.rule == NationalRule::Nanp && rest.len() != 10 {
                    digits
                } else {
                    rest
                }
            }
            _ => digits,
        };
        country.check_national(national)?;
        Ok(PhoneNumber(concat(&["+", country.calling_code, national])))
    }

    fn international(digits: &str) -> Result<PhoneNumber, PhoneError> {
        if digits.starts_with('0') {
            return Err(PhoneError::InvalidCountryCode);
        }
        if let Some((country, national)) = known_country(digits) {
            // "+91 (0) 98765 43210": a trunk 0 kept after the country code is common.
            let national = match country.trunk_prefix {
                Some('0') => national.strip_prefix('0').unwrap_or(national),
                _ => national,
            };
            country.check_national(national)?;
            return Ok(PhoneNumber(concat(&["+", country.calling_code, national])));
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(PhoneError::WrongLength {
                digits: digits.len(),
            });
        }
        Ok(PhoneNumber(concat(&["+", digits])))
    }

    /// The E.164 form, e.g. `+919876543210`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits without the `+`.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    /// Whether the number starts with `prefix`, an E.164 prefix like `+91` or `+9180`. The
    /// comparison is on the normalized form, so no formatting can get around it.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.0.starts_with(prefix)
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneError;

    /// Parses with India as the default country.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhoneNumber::parse(s, Country::INDIA)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn india(input: &str) -> Result<String, String> {
        PhoneNumber::parse(input, Country::INDIA)
            .map(|n| n.0)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn indian_forms_people_type() {
        for input in [
            "9876543210",
            "98765 43210",
            "98765-43210",
            "(98765) 43210",
            "98765.43210",
            "09876543210",
            "919876543210",
            "+919876543210",
            "+91 98765 43210",
            "+91 (0) 98765 43210",
            "0091 98765 43210",
            "  +91-98765-43210  ",
            "+91\u{a0}98765\u{a0}43210",
        ] {
            assert_eq!(india(input).as_deref(), Ok("+919876543210"), "{input}");
        }
    }

    #[test]
    fn indian_landline_and_toll_free() {
        assert_eq!(india("080 4711 2400").as_deref(), Ok("+918047112400"));
        assert_eq!(india("011-2345-6789").as_deref(), Ok("+911123456789"));
        assert_eq!(india("1800 123 4567").as_deref(), Ok("+9118001234567"));
    }

    #[test]
    fn refusals_name_the_problem() {
        assert_eq!(
            india("98765"),
            Err("expected 10 digits not starting with 0 after +91 for India, but got 5 digits (98765)".into())
        );
        assert_eq!(
            india("98765abcde"),
            Err("expected digits, spaces, dashes, dots or parentheses, but got `a`".into())
        );
        assert_eq!(
            india("๙๘๗๖๕๔๓๒๑๐"),
            Err("expected the digits 0-9, but got `๙` (U+0E59)".into())
        );
        assert_eq!(
            india("++919876543210"),
            Err("expected `+` only once, at the start of the number".into())
        );
        assert_eq!(
            india("98765+43210"),
            Err("expected `+` only once, at the start of the number".into())
        );
        assert_eq!(
            india("   "),
            Err("expected a phone number, but got nothing".into())
        );
        assert_eq!(
            india("()-"),
            Err("expected a phone number, but got nothing".into())
        );
        assert_eq!(
            india("+0123456789"),
            Err("expected a country code after `+` or `00`, but got a 0".into())
        );
        assert_eq!(
            india("+4912"),
            Err("expected 8 to 15 digits including the country code, but got 4".into())
        );
        assert_eq!(
            india("+4912345678901234"),
            Err("expected 8 to 15 digits including the country code, but got 16".into())
        );
    }

    #[test]
    fn the_country_list_in_messages_is_every_country() {
        let isos: Vec<&str> = Country::ALL.iter().map(|c| c.iso()).collect();
        assert_eq!(Country::ALL_ISO, isos.join(", "));
    }

    #[test]
    fn other_countries() {
        let us = Country::from_iso("us").unwrap();
        assert_eq!(
            PhoneNumber::parse("(415) 555-0100", us).unwrap().as_str(),
            "+14155550100"
        );
        assert_eq!(
            PhoneNumber::parse("1 415 555 0100", us).unwrap().as_str(),
            "+14155550100"
        );
        let uk = Country::from_iso("UK").unwrap();
        assert_eq!(
            PhoneNumber::parse("07700 900123", uk).unwrap().as_str(),
            "+447700900123"
        );
        // UAE mobiles (9 digits from 5) and landlines (8 digits).
        let uae = Country::UNITED_ARAB_EMIRATES;
        assert_eq!(
            PhoneNumber::parse("050 123 4567", uae).unwrap().as_str(),
            "+971501234567"
        );
        assert_eq!(
            PhoneNumber::parse("04 123 4567", uae).unwrap().as_str(),
            "+97141234567"
        );
        assert_eq!(india("00971 50 123 4567").as_deref(), Ok("+971501234567"));
        assert_eq!(india("+65 6123 4567").as_deref(), Ok("+6561234567"));
        assert_eq!(india("+49 30 1234567").as_deref(), Ok("+49301234567"));
        assert_eq!(
            india("+1 015 555 0100"),
            Err("expected 10 digits, the area code and exchange each starting with 2-9 after +1 for the United States, but got 10 digits (0155550100)".into())
        );
        assert_eq!(
            Country::from_iso("ZZ").unwrap_err().to_string(),
            "expected a default country among IN, US, CA, GB, SG, AE, but got `ZZ`"
        );
    }

    #[test]
    fn digits_typed_in_the_scripts_of_india_read_as_ascii() {
        // Devanagari, Bengali, Gurmukhi, Gujarati, Odia, Tamil, Telugu, Kannada, Malayalam, Ol
        // Chiki and full-width: 9876543210 in each, with the formatting people type around it.
        for zero in READ_DIGIT_ZEROS {
            let digit = |d: u32| char::from_u32(zero + d).unwrap();
            let typed: String = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
                .iter()
                .enumerate()
                .flat_map(|(i, &d)| (i == 5).then_some(' ').into_iter().chain([digit(d)]))
                .collect();
            assert_eq!(india(&typed), Ok("+919876543210".into()), "{typed}");
            let international = format!("+{}{} {typed}", digit(9), digit(1));
            assert_eq!(
                india(&international),
                Ok("+919876543210".into()),
                "{international}"
            );
        }
        assert_eq!(
            india("\u{ff0b}\u{ff19}\u{ff11}\u{ff08}\u{ff19}\u{ff18}\u{ff17}\u{ff16}\u{ff15}\u{ff09}\u{ff0d}\u{ff14}\u{ff13}\u{ff12}\u{ff11}\u{ff10}"),
            Ok("+919876543210".into()),
            "full-width +, parentheses and dash"
        );
    }

    #[test]
    fn digits_of_two_scripts_or_other_scripts_are_refused() {
        assert_eq!(
            india("98765४३२१०"),
            Err("expected the digits of one script, but got `9` (U+0039) and `४` (U+096A) in one number".into())
        );
        assert_eq!(
            india("+91 ९८७६५৪৩২১০"),
            Err("expected the digits of one script, but got `9` (U+0039) and `९` (U+096F) in one number".into())
        );
        // Digits of scripts not used for numbers in India are still refused, named.
        assert_eq!(
            india("٩٨٧٦٥٤٣٢١٠"),
            Err("expected the digits 0-9, but got `٩` (U+0669)".into())
        );
        // Letters among Devanagari digits: refused as any letter is.
        assert!(india("९८७६५क३२१०")
            .unwrap_err()
            .starts_with("expected digits, spaces"));
    }

    #[test]
    fn prefix_checks_use_the_normalized_form() {
        let n = PhoneNumber::parse("0091 98765 43210", Country::INDIA).unwrap();
        assert!(n.has_prefix("+91"));
        assert_eq!(n.digits(), "919876543210");
        let foreign = PhoneNumber::parse("0044 7700 900123", Country::INDIA).unwrap();
        assert!(!foreign.has_prefix("+91"));
    }
}
