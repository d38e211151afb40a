//! `ALLOWED_PREFIXES`: the destinations calls may go to, checked on the normalized E.164
//! number, and the known toll-fraud ranges a prefix would let in.

use std::fmt;

use exotel_connect::PhoneNumber;

/// One allowed prefix: `+` and 1 to 6 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix(String);

impl Prefix {
    /// The prefix as written, e.g. `+91`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The destinations calls may go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedPrefixes(Vec<Prefix>);

/// Ranges where calls cost the caller far more than a normal call, or that are classic targets
/// of toll fraud (a fraudster earns a share of what each call to them costs): the NANP
/// Caribbean and Pacific area codes reachable as `+1` but billed as international, and the
/// international satellite, shared and premium-rate codes. docs/worker.md lists them.
pub const TOLL_FRAUD_RANGES: &[(&str, &str)] = &[
    ("+1242", "Bahamas"),
    ("+1246", "Barbados"),
    ("+1264", "Anguilla"),
    ("+1268", "Antigua and Barbuda"),
    ("+1284", "British Virgin Islands"),
    ("+1345", "Cayman Islands"),
    ("+1441", "Bermuda"),
    ("+1473", "Grenada"),
    ("+1649", "Turks and Caicos"),
    ("+1658", "Jamaica"),
    ("+1664", "Montserrat"),
    ("+1721", "Sint Maarten"),
    ("+1758", "Saint Lucia"),
    ("+1767", "Dominica"),
    ("+1784", "Saint Vincent and the Grenadines"),
    ("+1809", "Dominican Republic"),
    ("+1829", "Dominican Republic"),
    ("+1849", "Dominican Republic"),
    ("+1868", "Trinidad and Tobago"),
    ("+1869", "Saint Kitts and Nevis"),
    ("+1876", "Jamaica"),
    ("+870", "Inmarsat (satellite)"),
    ("+881", "Global Mobile Satellite System"),
    ("+882", "International Networks"),
    ("+883", "International Networks"),
    ("+979", "International Premium Rate Service"),
];

impl AllowedPrefixes {
    /// The default: India only.
    pub fn india() -> AllowedPrefixes {
        AllowedPrefixes(vec![Prefix("+91".to_owned())])
    }

    /// Nothing allowed (what a bad setting falls back to, with calls refused as not
    /// configured).
    pub fn none() -> AllowedPrefixes {
        AllowedPrefixes(Vec::new())
    }

    /// Reads the setting's entries; the first bad one is the problem, named.
    pub fn parse(entries: &[String]) -> Result<AllowedPrefixes, String> {
        let mut prefixes = Vec::new();
        for entry in entries {
            let digits = entry.strip_prefix('+').unwrap_or_default();
            let well_formed = entry.starts_with('+')
                && (1..=6).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit());
            if !well_formed {
                let shown: String = entry.chars().take(12).collect();
                return Err(format!(
                    "expected `+` and 1 to 6 digits like +91, but got `{shown}`"
                ));
            }
            prefixes.push(Prefix(entry.clone()));
        }
        if prefixes.is_empty() {
            return Err("expected at least one prefix like +91".to_owned());
        }
        Ok(AllowedPrefixes(prefixes))
    }

    /// The prefixes, for `/api/config`.
    pub fn as_strs(&self) -> Vec<&str> {
        self.0.iter().map(Prefix::as_str).collect()
    }

    /// Whether `phone` starts with one of the prefixes.
    pub fn allow(&self, phone: &PhoneNumber) -> bool {
        self.0
            .iter()
            .any(|prefix| phone.has_prefix(prefix.as_str()))
    }

    /// A warning for each allowed prefix that lets in a known toll-fraud range (both ways: `+1`
    /// lets in `+1876`, and `+18765` lies inside it).
    pub fn toll_fraud_warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        for prefix in &self.0 {
            let risky: Vec<String> = TOLL_FRAUD_RANGES
                .iter()
                .filter(|(range, _)| {
                    range.starts_with(prefix.as_str()) || prefix.as_str().starts_with(range)
                })
                .map(|(range, name)| format!("{range} ({name})"))
                .collect();
            if !risky.is_empty() {
                warnings.push(format!(
                    "ALLOWED_PREFIXES entry {prefix} lets in toll-fraud ranges: {}",
                    risky.join(", ")
                ));
            }
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(list: &[&str]) -> Result<AllowedPrefixes, String> {
        AllowedPrefixes::parse(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn entries_are_a_plus_and_digits() {
        assert!(parse(&["+91", "+9180", "+1"]).is_ok());
        for bad in ["+", "91", "+9a", "+1234567", "++91", "+ 91", "*"] {
            let problem = parse(&["+91", bad]).unwrap_err();
            assert!(
                problem.starts_with("expected `+` and 1 to 6 digits"),
                "{bad}: {problem}"
            );
        }
        assert!(parse(&[]).is_err());
    }

    #[test]
    fn toll_fraud_ranges_are_named() {
        let nanp = parse(&["+1"]).unwrap().toll_fraud_warnings();
        assert_eq!(nanp.len(), 1);
        assert!(nanp[0].contains("+1876 (Jamaica)"), "{nanp:?}");
        assert!(nanp[0].contains("+1809 (Dominican Republic)"), "{nanp:?}");
        let inside = parse(&["+18765"]).unwrap().toll_fraud_warnings();
        assert_eq!(inside.len(), 1, "{inside:?}");
        let satellite = parse(&["+88"]).unwrap().toll_fraud_warnings();
        assert!(satellite[0].contains("+881") && satellite[0].contains("+883"));
        assert!(parse(&["+91", "+44"])
            .unwrap()
            .toll_fraud_warnings()
            .is_empty());
    }

    #[test]
    fn destinations_are_checked_on_the_normalized_number() {
        use exotel_connect::Country;
        let allowed = parse(&["+91"]).unwrap();
        let indian = PhoneNumber::parse("098765 43210", Country::INDIA).unwrap();
        let us = PhoneNumber::parse("+1 415 555 2671", Country::INDIA).unwrap();
        assert!(allowed.allow(&indian));
        assert!(!allowed.allow(&us));
    }
}
