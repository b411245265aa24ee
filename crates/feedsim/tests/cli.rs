//! The `feedsim` binary: first line, loopback-only binding, bounded run time.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn prints_the_port_first_and_stops_after_max_seconds() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feedsim"))
        .args(["--port", "0", "--max-seconds", "1", "--rate", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let port: u16 = first
        .trim()
        .strip_prefix("feedsim listening on 127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .parse()
        .unwrap();
    assert!(port > 0);
    let began = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            break;
        }
        assert!(began.elapsed() < Duration::from_secs(5), "did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn refuses_non_loopback_addresses() {
    let out = Command::new(env!("CARGO_BIN_EXE_feedsim"))
        .args(["--host", "0.0.0.0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}

#[test]
fn stops_cleanly_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feedsim"))
        .args(["--port", "0", "--max-seconds", "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("feedsim listening on 127.0.0.1:"));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let began = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "clean exit on SIGTERM: {status}");
            break;
        }
        assert!(
            began.elapsed() < Duration::from_secs(5),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
