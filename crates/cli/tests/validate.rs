//! `tradelens validate`: counts per reason, the first rejected rows, exit code 0.

mod common;

use common::{path, run, stderr, stdout, TempDir};

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
    let text = stdout(&out);
    for line in [
        "format: csv",
        "accepted: 2",
        "rejected: 5",
        "invalid_price              1",
        "invalid_quantity           1",
        "missing_time               1",
        "bad_time                   1",
        "duplicate                  1",
        "line 3: invalid_price: line 3: field `price` (price) has value `abc`",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn an_unreadable_file_exits_with_1() {
    let out = run(&["validate", "--input", "/nonexistent/v.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read /nonexistent/v.csv"));
}

#[test]
fn shop_exports_are_detected_by_their_headers() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures");
    for (file, format) in [
        ("shopify_orders.csv", "format: shopify"),
        ("stripe_payments.csv", "format: stripe"),
    ] {
        let out = run(&["validate", "--input", path(&fixtures.join(file))]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains(format), "{file}: {}", stdout(&out));
    }
}

/// The hostile corpus the app's end-to-end test imports (`e2e/fixtures/hostile`): the command
/// line must say the same, row for row, as the app shows. Both read what to expect from
/// `expected.json` there.
#[test]
fn the_hostile_corpus_gives_the_messages_the_app_shows() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e/fixtures/hostile");
    let expected: serde_json::Value =
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
            assert!(stderr(&out).contains(refused), "{name}: {}", stderr(&out));
            continue;
        }
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let text = stdout(&out);
        let accepted = format!("accepted: {}\n", want["accepted"]);
        assert!(text.contains(&accepted), "{name}: {accepted:?} in\n{text}");
        // Each rejected row is printed as `  <position>: <reason>: <message>`, in file order.
        let shown: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("    ") && l.contains(": "))
            .filter_map(|l| l.splitn(3, ": ").nth(2))
            .collect();
        let messages: Vec<&str> = want["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| m.as_str().expect("a message"))
            .collect();
        assert_eq!(shown, messages, "{name}:\n{text}");
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
    let text = stdout(&out);
    assert!(text.contains("accepted: 2\n"), "{text}");
    assert!(
        text.contains("line 3: the record is longer than 1048576 bytes, the limit: skipped"),
        "{text}"
    );
}
