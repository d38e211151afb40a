//! Reading vars and secrets as typed values, each problem recorded by the setting's name.

use std::ops::RangeInclusive;

use worker::js_sys::Reflect;
use worker::wasm_bindgen::JsValue;
use worker::Env;

/// Looks a setting up by name.
type Lookup<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// The Worker's vars and secrets, read by name, with every problem found along the way.
pub struct Vars<'a> {
    read: Lookup<'a>,
    problems: Vec<String>,
}

impl<'a> Vars<'a> {
    /// Vars from the Worker's environment.
    pub fn from_env(env: &'a Env) -> Vars<'a> {
        Vars::from_fn(move |name| read_var(env, name))
    }

    /// Vars from any lookup (the unit tests use a map).
    pub fn from_fn(read: impl Fn(&str) -> Option<String> + 'a) -> Vars<'a> {
        Vars {
            read: Box::new(read),
            problems: Vec::new(),
        }
    }

    /// The setting as text; unset and blank are `None`.
    pub fn text(&self, name: &str) -> Option<String> {
        (self.read)(name)
    }

    /// Whether the setting is set.
    pub fn is_set(&self, name: &str) -> bool {
        self.text(name).is_some()
    }

    /// A switch: `on`/`off` (also `true`/`false`, `1`/`0`, `yes`/`no`), `default` when unset;
    /// anything else is a problem (and `default` stands in).
    pub fn switch(&mut self, name: &str, default: bool) -> bool {
        match self
            .text(name)
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            None => default,
            Some("on" | "true" | "1" | "yes") => true,
            Some("off" | "false" | "0" | "no") => false,
            Some(_) => {
                self.problem(format!("{name} must be `on` or `off`"));
                default
            }
        }
    }

    /// A setting that must be there: `None` and a problem when it is not.
    pub fn required(&mut self, name: &str) -> Option<String> {
        let value = self.text(name);
        if value.is_none() {
            self.problem(format!("{name} is not set"));
        }
        value
    }

    /// A whole number within `range`, `default` when unset; out of range or not a number is a
    /// problem (and `default` stands in).
    pub fn read_u64(&mut self, name: &str, default: u64, range: RangeInclusive<u64>) -> u64 {
        match self.text(name) {
            None => default,
            Some(text) => match text.parse::<u64>() {
                Ok(n) if range.contains(&n) => n,
                _ => {
                    self.problem(format!(
                        "{name} must be a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ));
                    default
                }
            },
        }
    }

    /// [`Vars::read_u64`] for settings that fit in a `u32` (the range must).
    pub fn read_u32(&mut self, name: &str, default: u32, range: RangeInclusive<u32>) -> u32 {
        let wide = u64::from(*range.start())..=u64::from(*range.end());
        u32::try_from(self.read_u64(name, u64::from(default), wide)).unwrap_or(default)
    }

    /// A comma- (or space-) separated list; `None` when unset.
    pub fn list(&self, name: &str) -> Option<Vec<String>> {
        self.text(name).map(|list| {
            list.split([',', ' '])
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_owned)
                .collect()
        })
    }

    /// Records a problem (named by setting, never quoting a secret's value).
    pub fn problem(&mut self, problem: impl Into<String>) {
        self.problems.push(problem.into());
    }

    /// Every problem found so far.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

/// A var or secret as text: strings as they are, numbers and booleans (wrangler.toml allows
/// them in `[vars]`) as written; unset and blank are `None`.
fn read_var(env: &Env, name: &str) -> Option<String> {
    let value = Reflect::get(env, &JsValue::from_str(name)).ok()?;
    let text = if let Some(text) = value.as_string() {
        text
    } else if let Some(number) = value.as_f64() {
        // Settings are whole numbers; formatting any f64 would cost 14 KB of wasm.
        if number.fract() != 0.0 || number.abs() > 1e15 {
            return None;
        }
        (number as i64).to_string()
    } else {
        value.as_bool()?.to_string()
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> Vars<'static> {
        Vars::from_fn(move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn numbers_are_read_within_their_range() {
        let mut vars = vars(&[("A", "12"), ("B", "99"), ("C", "x")]);
        assert_eq!(vars.read_u64("A", 5, 1..=20), 12);
        assert_eq!(vars.read_u64("B", 5, 1..=20), 5);
        assert_eq!(vars.read_u64("C", 5, 1..=20), 5);
        assert_eq!(vars.read_u64("UNSET", 5, 1..=20), 5);
        assert_eq!(
            vars.problems(),
            [
                "B must be a whole number from 1 to 20",
                "C must be a whole number from 1 to 20"
            ]
        );
    }

    #[test]
    fn lists_split_on_commas_and_spaces() {
        let vars = vars(&[("L", " +91, +1 ,,+44")]);
        assert_eq!(vars.list("L").unwrap(), ["+91", "+1", "+44"]);
        assert_eq!(vars.list("UNSET"), None);
    }
}
