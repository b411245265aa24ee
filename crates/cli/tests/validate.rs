//! `tradelens validate`: one JSON object with counts per reason, the span of the accepted
//! trades' times and the first rejected rows; exit code 0.

mod common;

use std::path::{Path, PathBuf};

use common::{path, report, run, stderr, TempDir};
use serde_json::{json, Value};

/// The hostile corpus the app's end-to-end test imports.
fn hostile() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e/fixtures/hostile")
}

/// The `detail` of each quarantined row, in order.
fn details(r: &Value) -> Vec<&str> {
    r["quarantined"]
        .as_array()
        .expect("quarantined is an array")
        .iter()
        .map(|q| q["detail"].as_str().expect("a detail"))
        .collect()
}

/// RFC 3339 in UTC with milliseconds, written by jiff rather than the core.
fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .expect("a time jiff can hold")
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

#[test]
fn counts_rejects_per_reason_and_shows_the_first() {
    let dir = TempDir::new("validate");
    let file = dir.file(
        "v.csv",
        "id,time,price,qty\n\
         1,2024-03-30T10:00:00Z,10,1\n\
         2,2024-03-30T10:01:00Z,abc,1\n\
         3,,10,1\n\
         1,2024-03-30T10:02:00Z,10,1\n\
         4,2024-03-30T10:03:00Z,10,-2\n\
         5,1999-01-01T00:00:00Z,10,1\n\
         6,2024-03-30T10:04:00Z,11,2\n",
    );
    let out = run(&["validate", "--input", path(&file), "--map", "id=id,qty=qty"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&out);
    let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "file",
        "format",
        "bytes",
        "accepted",
        "rejected",
        "skipped",
        "flagged",
        "reasons",
        "first_time",
        "last_time",
        "quarantined",
    ] {
        assert!(keys.contains(&key), "no {key:?} in {r}");
    }
    assert_eq!(r["file"], path(&file));
    assert_eq!(r["format"], "csv");
    assert_eq!(r["bytes"], std::fs::metadata(&file).unwrap().len());
    assert_eq!(r["accepted"], 2);
    assert_eq!(r["rejected"], 5);
    assert_eq!(r["skipped"], 0);
    assert_eq!(r["flagged"], 0);
    assert_eq!(
        r["reasons"],
        json!({
            "invalid_price": 1,
            "invalid_quantity": 1,
            "missing_time": 1,
            "bad_time": 1,
            "duplicate": 1,
        })
    );
    assert_eq!(r["first_time"], "2024-03-30T10:00:00.000Z");
    assert_eq!(r["last_time"], "2024-03-30T10:04:00.000Z");
    let q = r["quarantined"].as_array().unwrap();
    assert_eq!(q.len(), 5, "{r}");
    assert_eq!(
        q[0],
        json!({
            "position": "line 3",
            "reason": "invalid_price",
            "detail": "line 3: field `price` (price) has value `abc`, expected a decimal number",
            "raw": "2,2024-03-30T10:01:00Z,abc,1",
        })
    );
    // Rejected after decoding: no position, the decoded trade as raw text.
    let dup = q.iter().find(|e| e["reason"] == "duplicate").expect("dup");
    assert_eq!(dup["position"], Value::Null);
    assert!(dup["raw"].as_str().unwrap().starts_with("id=1 "), "{dup}");
}

#[test]
fn an_unreadable_file_exits_with_1() {
    let out = run(&["validate", "--input", "/nonexistent/v.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("cannot read /nonexistent/v.csv"));
}

#[test]
fn shop_exports_are_detected_by_their_headers() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures");
    for (file, format) in [
        ("shopify_orders.csv", "shopify"),
        ("stripe_payments.csv", "stripe"),
    ] {
        let out = run(&["validate", "--input", path(&fixtures.join(file))]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(report(&out)["format"], format, "{file}");
    }
}

/// The hostile corpus the app's end-to-end test imports (`e2e/fixtures/hostile`): the command
/// line must say the same, row for row, as the app shows. Both read what to expect from
/// `expected.json` there.
#[test]
fn the_hostile_corpus_gives_the_messages_the_app_shows() {
    let dir = hostile();
    let expected: Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).expect("expected.json"))
            .expect("expected.json is JSON");
    let files = expected["files"].as_object().expect("files");
    assert!(files.len() >= 10);
    for (name, want) in files {
        let out = run(&[
            "validate",
            "--input",
            path(&dir.join(name)),
            "--map",
            "id=id,qty=quantity,symbol=product",
        ]);
        if let Some(refused) = want["refused"].as_str() {
            assert_eq!(out.status.code(), Some(1), "{name}");
            assert!(out.stdout.is_empty(), "{name}");
            assert!(stderr(&out).contains(refused), "{name}: {}", stderr(&out));
            continue;
        }
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let r = report(&out);
        assert_eq!(r["accepted"], want["accepted"], "{name}: {r}");
        // Each rejected row's message, in file order.
        let messages: Vec<&str> = want["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| m.as_str().expect("a message"))
            .collect();
        assert_eq!(details(&r), messages, "{name}: {r}");
        // The reasons add up to the rejects, outliers (flags) apart.
        let sum: u64 = r["reasons"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(r["rejected"], sum, "{name}: {r}");
        assert_eq!(r["rejected"], messages.len(), "{name}: {r}");
    }
}

/// `first_time` and `last_time` against the hostile CSV files read here, row by row: a row
/// counts when its price and quantity are numbers above 0 and at most 1e15, price × quantity
/// too, and its time is RFC 3339 from 2000 on (these files have no duplicate ids).
#[test]
fn first_and_last_time_span_the_accepted_rows_of_the_fixtures() {
    let limit = |x: f64| x.is_finite() && x > 0.0 && x <= 1e15;
    let y2000 = jiff::Timestamp::from_second(946_684_800).unwrap();
    for name in ["markup.csv", "numbers.csv"] {
        let file = hostile().join(name);
        let text = std::fs::read_to_string(&file).unwrap();
        // id,time,price,quantity,product: only the product column is ever quoted.
        let times: Vec<i64> = text
            .lines()
            .skip(1)
            .filter_map(|line| {
                let cells: Vec<&str> = line.splitn(5, ',').collect();
                let price: f64 = cells[2].parse().ok()?;
                let qty: f64 = cells[3].parse().ok()?;
                let time: jiff::Timestamp = cells[1].parse().ok()?;
                (limit(price) && limit(qty) && limit(price * qty) && time >= y2000)
                    .then(|| time.as_millisecond())
            })
            .collect();
        let out = run(&[
            "validate",
            "--input",
            path(&file),
            "--map",
            "id=id,qty=quantity,symbol=product",
        ]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let r = report(&out);
        assert_eq!(r["accepted"], times.len(), "{name}: {r}");
        let first = rfc3339(*times.iter().min().unwrap());
        let last = rfc3339(*times.iter().max().unwrap());
        assert_eq!(r["first_time"], first, "{name}: {r}");
        assert_eq!(r["last_time"], last, "{name}: {r}");
    }
}

/// Times in epoch milliseconds, out of order, with rejected rows (a bad price, a repeated id)
/// earlier and later than every accepted one: they must not widen the span.
#[test]
fn first_and_last_time_ignore_rejected_rows_and_keep_milliseconds() {
    let mut rng = fastrand::Rng::with_seed(7);
    // 2001-01-01 to 2024-01-01.
    let (lo, hi) = (978_307_200_000_i64, 1_704_067_200_000_i64);
    let mut csv = String::from("id,time,price\n");
    let mut accepted = Vec::new();
    for id in 0..500 {
        let t = rng.i64(lo + 1_000..hi - 1_000);
        csv.push_str(&format!("{id},{t},{}.5\n", rng.u32(1..1000)));
        accepted.push(t);
        if id % 50 == 7 {
            csv.push_str(&format!("{},{},-1\n", 10_000 + id, lo + id));
            csv.push_str(&format!("{id},{},3\n", hi - id));
        }
    }
    let dir = TempDir::new("validate-span");
    let file = dir.file("span.csv", &csv);
    let out = run(&["validate", "--input", path(&file), "--map", "id=id"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&out);
    assert_eq!(r["accepted"], 500);
    assert_eq!(r["reasons"], json!({"invalid_price": 10, "duplicate": 10}));
    let first = *accepted.iter().min().unwrap();
    let last = *accepted.iter().max().unwrap();
    assert_eq!(r["first_time"], rfc3339(first), "{r}");
    assert_eq!(r["last_time"], rfc3339(last), "{r}");
    assert_ne!(
        first % 1000,
        0,
        "the seed should give a time with milliseconds"
    );
}

#[test]
fn no_accepted_trade_gives_null_times() {
    let dir = TempDir::new("validate-none");
    let rejected = dir.file(
        "rejected.csv",
        "id,time,price\n1,2024-03-30T10:00:00Z,0\n2,,10\n3,1999-01-01T00:00:00Z,10\n",
    );
    let empty = dir.file("empty.csv", "id,time,price\n");
    for (file, rejects) in [(&rejected, 3), (&empty, 0)] {
        let out = run(&["validate", "--input", path(file), "--map", "id=id"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let r = report(&out);
        assert_eq!(r["accepted"], 0, "{r}");
        assert_eq!(r["rejected"], rejects, "{r}");
        assert_eq!(r["first_time"], Value::Null, "{r}");
        assert_eq!(r["last_time"], Value::Null, "{r}");
        assert_eq!(r["quarantined"].as_array().unwrap().len(), rejects, "{r}");
    }
}

#[test]
fn a_line_past_the_limit_is_skipped_and_named() {
    let dir = TempDir::new("validate-long");
    let long = "x".repeat(2 << 20);
    let file = dir.file(
        "long.csv",
        &format!(
            "id,time,price\n1,2024-03-30T10:00:00Z,10\n2,2024-03-30T10:01:00Z,{long}\n3,2024-03-30T10:02:00Z,11\n"
        ),
    );
    let out = run(&["validate", "--input", path(&file), "--map", "id=id"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&out);
    assert_eq!(r["accepted"], 2, "{r}");
    assert_eq!(
        details(&r),
        ["line 3: the record is longer than 1048576 bytes, the limit: skipped"]
    );
}
