//! Settings and the command line.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// How the simulator runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Address to listen on; always a loopback address.
    pub bind: SocketAddr,
    /// Exchange trades per second outside bursts (the demo multiplies by 4 in bursts).
    pub rate: f64,
    /// Orders per second at the daily peak (the demo follows a daily and weekly pattern).
    pub order_rate: f64,
    /// Demo seed.
    pub seed: u64,
    /// Simulated time of the server's start, ms since the epoch; `None` = the wall clock.
    pub start_ms: Option<i64>,
    /// Seconds of history generated before the start, so REST and snapshots have data.
    pub backfill_seconds: u64,
    /// Trades kept per symbol (and orders kept).
    pub history: usize,
    /// Stop after this long.
    pub max_seconds: Option<u64>,
    /// Send CORS headers.
    pub cors: bool,
    /// Most simultaneous connections (HTTP and WebSocket).
    pub max_connections: usize,
    /// Batches a stream may fall behind before it is dropped.
    pub queue: usize,
    /// A stream whose socket does not take a batch within this long is dropped.
    pub send_timeout: Duration,
    /// Generation step.
    pub tick: Duration,
    /// The key the `/keyed/` feeds want in their header ([`crate::keyed::KEY_HEADER`]).
    pub api_key: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            rate: 20.0,
            order_rate: 4.0,
            seed: 42,
            start_ms: None,
            backfill_seconds: 60,
            history: 100_000,
            max_seconds: None,
            cors: true,
            max_connections: 256,
            queue: 1024,
            send_timeout: Duration::from_secs(5),
            tick: Duration::from_millis(20),
            api_key: crate::keyed::DEFAULT_KEY.to_string(),
        }
    }
}

/// Why the command line was refused.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ConfigError {
    /// `--help` was asked for.
    Help,
    /// An option this program does not know.
    UnknownOption(String),
    /// An option without its value.
    MissingValue(String),
    /// A value that does not parse or is out of range.
    BadValue {
        /// The option.
        option: String,
        /// The value given.
        value: String,
    },
    /// A bind address that is not loopback.
    NotLoopback(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Help => f.write_str(USAGE),
            ConfigError::UnknownOption(o) => write!(f, "unknown option '{o}'\n\n{USAGE}"),
            ConfigError::MissingValue(o) => write!(f, "option '{o}' needs a value"),
            ConfigError::BadValue { option, value } => {
                write!(f, "bad value '{value}' for option '{option}'")
            }
            ConfigError::NotLoopback(a) => {
                write!(f, "refusing to listen on '{a}': only loopback addresses (127.0.0.0/8, ::1, localhost) are allowed")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// Command-line help.
pub const USAGE: &str = "\
usage: feedsim [options]
  --port N               port on 127.0.0.1 (0 = pick one; default 0)
  --host ADDR            loopback address to bind (127.x.x.x, ::1 or localhost)
  --rate R               exchange trades per second (default 20)
  --order-rate R         orders per second at the daily peak (default 4)
  --seed N               demo seed (default 42)
  --start-ms MS          simulated start time (default: now); fixes the stream for a seed
  --backfill-seconds N   history generated before the start (default 60)
  --history N            trades kept per symbol (default 100000)
  --max-seconds N        stop after N seconds
  --max-connections N    simultaneous connections (default 256)
  --queue N              batches a slow stream may lag before it is dropped (default 1024)
  --no-cors              send no CORS headers
  --api-key KEY          the key /keyed/orders.* want in X-Api-Key (default feedsim-test-key)
The first line printed is `feedsim listening on HOST:PORT`.";

impl Config {
    /// Parses the arguments after the program name.
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Config, ConfigError> {
        let mut c = Config::default();
        let mut host: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let mut port: u16 = 0;
        let mut args = args.into_iter();
        while let Some(opt) = args.next() {
            if opt == "--help" || opt == "-h" {
                return Err(ConfigError::Help);
            }
            if opt == "--no-cors" {
                c.cors = false;
                continue;
            }
            let (name, inline) = match opt.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (opt.clone(), None),
            };
            let value = match inline.or_else(|| args.next()) {
                Some(v) => v,
                None => return Err(ConfigError::MissingValue(name)),
            };
            let bad = || ConfigError::BadValue {
                option: name.clone(),
                value: value.clone(),
            };
            fn num<T: std::str::FromStr>(
                v: &str,
                bad: impl Fn() -> ConfigError,
            ) -> Result<T, ConfigError> {
                v.parse().map_err(|_| bad())
            }
            match name.as_str() {
                "--port" => port = num(&value, bad)?,
                "--host" => host = parse_host(&value)?,
                "--rate" => c.rate = positive(num(&value, bad)?, bad)?,
                "--order-rate" => c.order_rate = positive(num(&value, bad)?, bad)?,
                "--seed" => c.seed = num(&value, bad)?,
                "--start-ms" => c.start_ms = Some(num(&value, bad)?),
                "--backfill-seconds" => c.backfill_seconds = num(&value, bad)?,
                "--history" => c.history = num::<usize>(&value, bad)?.max(1),
                "--max-seconds" => c.max_seconds = Some(num(&value, bad)?),
                "--max-connections" => c.max_connections = num::<usize>(&value, bad)?.max(1),
                "--queue" => c.queue = num::<usize>(&value, bad)?.max(1),
                "--api-key"
                    if (1..=4096).contains(&value.len())
                        && value.chars().all(|c| c.is_ascii_graphic() || c == ' ') =>
                {
                    c.api_key = value
                }
                "--api-key" => return Err(bad()),
                _ => return Err(ConfigError::UnknownOption(name)),
            }
        }
        c.bind = SocketAddr::new(host, port);
        Ok(c)
    }
}

fn positive(x: f64, bad: impl Fn() -> ConfigError) -> Result<f64, ConfigError> {
    if x.is_finite() && (0.0..=1_000_000.0).contains(&x) {
        Ok(x)
    } else {
        Err(bad())
    }
}

/// Parses a bind host, refusing anything that is not loopback.
pub fn parse_host(s: &str) -> Result<IpAddr, ConfigError> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let ip: IpAddr = s
        .trim_matches(|c| c == '[' || c == ']')
        .parse()
        .map_err(|_| ConfigError::NotLoopback(s.to_string()))?;
    if ip.is_loopback() {
        Ok(ip)
    } else {
        Err(ConfigError::NotLoopback(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_options_and_refuses_non_loopback() {
        let c = Config::from_args(args("--port 9000 --rate=5000 --seed 7 --no-cors")).unwrap();
        assert_eq!(c.bind.port(), 9000);
        assert_eq!(c.rate, 5000.0);
        assert!(!c.cors);
        assert!(matches!(
            Config::from_args(args("--host 0.0.0.0")),
            Err(ConfigError::NotLoopback(_))
        ));
        assert!(Config::from_args(args("--host ::1")).is_ok());
        assert!(matches!(
            Config::from_args(args("--rate")),
            Err(ConfigError::MissingValue(_))
        ));
    }
}
