//! Rules kept in localStorage under [`KEY`], as a JSON array of the core's plain serde form,
//! checked on load: a stored rule that no longer validates is dropped with a message, never
//! run and never a panic.

use tradelens_core::alerts::Rule;

/// The localStorage key.
pub const KEY: &str = "tradelens.alerts.rules";
/// Rules a page may hold: each is evaluated on every bucket close.
pub const MAX_RULES: usize = 50;

/// What loading found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    /// The valid rules, in stored order.
    pub rules: Vec<Rule>,
    /// Why some or all stored data was not used, for the user.
    pub problem: Option<String>,
}

fn storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .ok_or("no window")?
        .local_storage()
        .map_err(|e| format!("localStorage refused: {e:?}"))?
        .ok_or_else(|| "localStorage is not available".to_string())
}

/// Parses stored text: every valid rule, and what was wrong with the rest.
pub fn parse(text: &str) -> Loaded {
    let items: Vec<serde_json::Value> = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Loaded {
                rules: Vec::new(),
                problem: Some(format!(
                    "The saved alert rules could not be read ({e}); they were ignored."
                )),
            }
        }
    };
    let mut rules: Vec<Rule> = Vec::new();
    let mut bad = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match serde_json::from_value::<Rule>(item) {
            Ok(r) => match r.validate() {
                Ok(()) if rules.iter().any(|o| o.id == r.id) => {
                    bad.push(format!("rule {}: duplicate id {}", i + 1, r.id));
                }
                Ok(()) if rules.len() < MAX_RULES => rules.push(r),
                Ok(()) => bad.push(format!("rule {}: more than {MAX_RULES} rules", i + 1)),
                Err(e) => bad.push(format!("rule {}: {e}", i + 1)),
            },
            Err(e) => bad.push(format!("rule {}: {e}", i + 1)),
        }
    }
    Loaded {
        rules,
        problem: (!bad.is_empty())
            .then(|| format!("Some saved alert rules were ignored: {}.", bad.join("; "))),
    }
}

/// The stored rules.
pub fn load() -> Loaded {
    let text = match storage().and_then(|s| {
        s.get_item(KEY)
            .map_err(|e| format!("localStorage read failed: {e:?}"))
    }) {
        Ok(Some(t)) => t,
        Ok(None) => return Loaded::default(),
        Err(e) => {
            return Loaded {
                rules: Vec::new(),
                problem: Some(format!("Alert rules cannot be kept across reloads: {e}")),
            }
        }
    };
    parse(&text)
}

/// Stores `rules`.
pub fn save(rules: &[Rule]) -> Result<(), String> {
    let text = serde_json::to_string(rules).map_err(|e| e.to_string())?;
    storage()?
        .set_item(KEY, &text)
        .map_err(|e| format!("the alert rules could not be saved: {e:?}"))
}
