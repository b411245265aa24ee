//! Bounded memory: `aggregate` streams its input, so its peak resident set does not grow
//! with the input. The input is generated here and piped to the binary's stdin (`--input
//! /dev/stdin`), so nothing is written to disk and the input cannot be re-read or mapped.
//!
//! The quick test pipes 16 MB (a debug build reads about 4 MB/s) and requires a peak below
//! 12 MB: reading the input whole, or keeping each trade (as the Engine's columns do), would
//! exceed it. The full test pipes 200 MB and requires a peak below 100 MB; run it on an
//! optimized build:
//!
//! ```text
//! cargo test --profile bench -p tradelens-cli --test memory -- --ignored
//! ```

mod common;

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use common::bin;

/// Peak resident set (VmHWM) of a process, in kB, while it lives.
fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Pipes `mb` megabytes of generated trades through `aggregate` and returns (output rows,
/// peak RSS in kB, as last seen by polling every 10 ms).
fn aggregate_piped(mb: usize) -> (usize, u64) {
    let mut child = bin()
        .args([
            "aggregate",
            "--input",
            "/dev/stdin",
            "--format",
            "csv",
            "--map",
            "id=id,qty=qty,side=side,symbol=symbol",
            "--bucket",
            "1h",
            "--by",
            "symbol",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn tradelens");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let limit = mb * 1_000_000;
        let mut written = 0;
        let mut chunk = String::from("id,time,price,qty,side,symbol\n");
        let mut i: u64 = 0;
        while written < limit {
            while chunk.len() < 1 << 16 {
                i += 1;
                // One trade every 37 ms from 2024-03-30T12:00Z, 20 symbols.
                let side = if i.is_multiple_of(3) { "sell" } else { "buy" };
                chunk += &format!(
                    "{i},{},{}.{:02},1.{},{side},SYM{}\n",
                    1_711_800_000_000 + 37 * i,
                    100 + i % 10,
                    i % 100,
                    i % 7,
                    i % 20
                );
            }
            if stdin.write_all(chunk.as_bytes()).is_err() {
                break;
            }
            written += chunk.len();
            chunk.clear();
        }
    });
    // Drain stdout while the child runs: a full pipe would block it before it exits.
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    let mut peak = 0;
    while child.try_wait().expect("wait").is_none() {
        if let Some(v) = vm_hwm_kb(pid) {
            peak = peak.max(v);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    writer.join().expect("writer");
    let text = reader.join().expect("reader").expect("read stdout");
    assert!(child.wait().expect("wait").success());
    (text.lines().count(), peak)
}

#[test]
fn aggregate_of_16_mb_stays_under_12_mb() {
    let (rows, peak_kb) = aggregate_piped(16);
    eprintln!("16 MB piped: {rows} output lines, peak RSS {peak_kb} kB");
    assert!(rows > 20, "{rows} rows");
    assert!(peak_kb > 0, "VmHWM was never read");
    assert!(peak_kb < 12 * 1024, "peak RSS {peak_kb} kB");
}

#[test]
#[ignore = "200 MB: run on an optimized build (see the module docs)"]
fn aggregate_of_200_mb_stays_under_100_mb() {
    let (rows, peak_kb) = aggregate_piped(200);
    eprintln!("200 MB piped: {rows} output lines, peak RSS {peak_kb} kB");
    assert!(peak_kb < 100 * 1024, "peak RSS {peak_kb} kB");
}
