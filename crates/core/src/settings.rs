//! Page-wide settings a dashboard carries: the colour theme and the time zone its buckets and
//! axes follow. Both are closed lists, so a shared link can name only what a page offers.

/// The colour theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Follow the system's light or dark setting (and its changes).
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Every theme, in menu order.
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// The theme's code name (`system`, `light`, `dark`).
    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The theme named `name`.
    pub fn from_name(name: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.name() == name)
    }

    /// What a menu shows.
    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "System",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }
}

/// The named time zones a dashboard may choose besides the browser's own: UTC and the zones of
/// the main trading and shopping centres (IANA names, which every browser's `Intl` knows).
pub const ZONES: [&str; 14] = [
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Istanbul",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
];

/// Which time zone buckets and axes follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ZoneChoice {
    /// The visitor's own zone, whatever it is: a shared link shows the opener's local times.
    #[default]
    Browser,
    /// One of [`ZONES`].
    Named(&'static str),
}

impl ZoneChoice {
    /// The choice's code name: `browser`, or the zone's IANA name.
    pub fn name(self) -> &'static str {
        match self {
            ZoneChoice::Browser => "browser",
            ZoneChoice::Named(z) => z,
        }
    }

    /// The choice named `name`: `browser` or one of [`ZONES`], nothing else.
    pub fn from_name(name: &str) -> Option<ZoneChoice> {
        if name == "browser" {
            return Some(ZoneChoice::Browser);
        }
        ZONES
            .into_iter()
            .find(|z| *z == name)
            .map(ZoneChoice::Named)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_nothing_else_is_read() {
        for t in Theme::ALL {
            assert_eq!(Theme::from_name(t.name()), Some(t));
        }
        assert_eq!(Theme::from_name("Dark"), None);
        for z in ZONES {
            assert_eq!(ZoneChoice::from_name(z), Some(ZoneChoice::Named(z)));
        }
        assert_eq!(ZoneChoice::from_name("browser"), Some(ZoneChoice::Browser));
        // Valid IANA names outside the list, and hostile text, are refused.
        for bad in ["Europe/Paris", "utc", "", "<script>", "America/New_York\n"] {
            assert_eq!(ZoneChoice::from_name(bad), None, "{bad:?}");
        }
    }
}
