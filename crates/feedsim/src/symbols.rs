//! The three demo instruments and what each venue calls them.
//!
//! | demo      | Binance (stream / REST) | Coinbase  | Kraken WS v2 | Kraken REST result key (aliases accepted)  |
//! |-----------|-------------------------|-----------|--------------|--------------------------------------------|
//! | `BTC-USD` | `btcusdt` / `BTCUSDT`   | `BTC-USD` | `BTC/USD`    | `XXBTZUSD` (`XBTUSD`, `BTCUSD`, `BTC/USD`) |
//! | `ETH-USD` | `ethusdt` / `ETHUSDT`   | `ETH-USD` | `ETH/USD`    | `XETHZUSD` (`ETHUSD`, `ETH/USD`)           |
//! | `SOL-USD` | `solusdt` / `SOLUSDT`   | `SOL-USD` | `SOL/USD`    | `SOLUSD` (`SOL/USD`)                       |

/// One instrument of the demo exchange, named the way each venue names it.
#[derive(Debug)]
pub struct Instrument {
    /// The demo generator's symbol, e.g. `BTC-USD`.
    pub demo: &'static str,
    /// Binance symbol in upper case, e.g. `BTCUSDT` (streams use it in lower case).
    pub binance: &'static str,
    /// Coinbase product id, e.g. `BTC-USD`.
    pub coinbase: &'static str,
    /// Kraken WebSocket v2 symbol, e.g. `BTC/USD`.
    pub kraken_ws: &'static str,
    /// Kraken's own REST pair name, the key of the `result` object, e.g. `XXBTZUSD`.
    pub kraken_rest: &'static str,
    /// Other pair names Kraken's REST API accepts for this instrument.
    pub kraken_aliases: &'static [&'static str],
    /// Decimals the demo uses for prices.
    pub price_decimals: usize,
}

/// Every instrument, indexed by the symbol index used throughout the crate.
pub const INSTRUMENTS: [Instrument; 3] = [
    Instrument {
        demo: "BTC-USD",
        binance: "BTCUSDT",
        coinbase: "BTC-USD",
        kraken_ws: "BTC/USD",
        kraken_rest: "XXBTZUSD",
        kraken_aliases: &["XBTUSD", "BTCUSD", "BTC/USD", "XBT/USD"],
        price_decimals: 2,
    },
    Instrument {
        demo: "ETH-USD",
        binance: "ETHUSDT",
        coinbase: "ETH-USD",
        kraken_ws: "ETH/USD",
        kraken_rest: "XETHZUSD",
        kraken_aliases: &["ETHUSD", "ETH/USD"],
        price_decimals: 2,
    },
    Instrument {
        demo: "SOL-USD",
        binance: "SOLUSDT",
        coinbase: "SOL-USD",
        kraken_ws: "SOL/USD",
        kraken_rest: "SOLUSD",
        kraken_aliases: &["SOL/USD"],
        price_decimals: 3,
    },
];

/// Number of instruments.
pub const COUNT: usize = INSTRUMENTS.len();

fn find(pred: impl Fn(&Instrument) -> bool) -> Option<usize> {
    INSTRUMENTS.iter().position(pred)
}

/// Index of a demo symbol (`BTC-USD`).
pub fn by_demo(name: &str) -> Option<usize> {
    find(|i| i.demo == name)
}

/// Index of a Binance symbol, either case (`btcusdt`, `BTCUSDT`).
pub fn by_binance(name: &str) -> Option<usize> {
    find(|i| i.binance.eq_ignore_ascii_case(name))
}

/// Index of a Coinbase product id (`BTC-USD`).
pub fn by_coinbase(name: &str) -> Option<usize> {
    find(|i| i.coinbase == name)
}

/// Index of a Kraken WebSocket v2 symbol (`BTC/USD`).
pub fn by_kraken_ws(name: &str) -> Option<usize> {
    find(|i| i.kraken_ws == name)
}

/// Index of a Kraken REST pair (`XBTUSD`, `XXBTZUSD`, ...), case-insensitive like Kraken.
pub fn by_kraken_rest(name: &str) -> Option<usize> {
    find(|i| {
        i.kraken_rest.eq_ignore_ascii_case(name)
            || i.kraken_aliases
                .iter()
                .any(|a| a.eq_ignore_ascii_case(name))
    })
}

/// Index of a symbol given in any venue's naming (used by the control API).
pub fn by_any(name: &str) -> Option<usize> {
    by_demo(name)
        .or_else(|| by_binance(name))
        .or_else(|| by_kraken_ws(name))
        .or_else(|| by_kraken_rest(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_naming_finds_its_instrument() {
        for (i, inst) in INSTRUMENTS.iter().enumerate() {
            assert_eq!(by_demo(inst.demo), Some(i));
            assert_eq!(by_binance(&inst.binance.to_lowercase()), Some(i));
            assert_eq!(by_coinbase(inst.coinbase), Some(i));
            assert_eq!(by_kraken_ws(inst.kraken_ws), Some(i));
            assert_eq!(by_kraken_rest(inst.kraken_rest), Some(i));
        }
        assert_eq!(by_any("XBTUSD"), Some(0));
        assert_eq!(by_any("DOGE-USD"), None);
    }
}
